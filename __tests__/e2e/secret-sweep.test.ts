// The sweep that ends every end-to-end test must itself find a leak, or those tests prove nothing.
import { describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../__fixtures__/run-action.js'
import { findLeaks, SecretSweep } from '../../__fixtures__/secret-sweep.js'

const KEY = 'dfk_sweep_0123456789'
const TOKEN = 'ghs_sweep_9876543210'
const b64 = (text: string): string => Buffer.from(text).toString('base64')

describe('findLeaks', () => {
  it.each([
    ['the key in a log line', `Fetching with ${KEY}`, ['p: plain text of secret 1']],
    ['the token base64-encoded alone', `auth ${b64(TOKEN)}`, ['p: base64 of secret 2']],
    [
      'the token inside a base64 Basic credential',
      `Authorization: Basic ${b64(`bot:${TOKEN}`)}`,
      ['p: base64 of secret 2']
    ],
    ['a masked line', 'Fetching with ***', []]
  ])('%s', (_, text, leaks) => {
    expect(findLeaks([{ where: 'p', text }], [KEY, TOKEN])).toEqual(leaks)
  })
})

describe('SecretSweep', () => {
  const run = (written: string): ActionRun => ({
    code: 0,
    stdout: written,
    stderr: '',
    outputs: {},
    summary: '',
    everything: written,
    durationMs: 0
  })

  it('searches every run for the secrets it was given too (a wrong key), and forgets them after', () => {
    const sweep = new SecretSweep([KEY])
    sweep.remember(run('rejected key dfk_wrong_1234'), {
      inputs: { 'api-key': 'dfk_wrong_1234' }
    })
    sweep.remember(run(`env key ${b64('dfk_from_env_5678')}`), {
      inputs: {},
      env: { DATAFOLD_API_KEY: 'dfk_from_env_5678' }
    })
    expect(sweep.take()).toEqual({
      checked: 2,
      leaks: ['run 1: plain text of secret 2', 'run 2: base64 of secret 3']
    })
    expect(sweep.take()).toEqual({ checked: 0, leaks: [] })
  })

  it('leaves out the ::add-mask:: lines that register a secret with the runner', () => {
    const sweep = new SecretSweep([KEY])
    sweep.remember(run(`::add-mask::${KEY}\nChecking 1 data diff`), { inputs: { 'api-key': KEY } })
    expect(sweep.take().leaks).toEqual([])
  })
})
