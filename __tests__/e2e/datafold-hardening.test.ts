// The bundle (dist/index.js) under this machine's Node, against Datafold as an attacker or bad
// luck would have it: a Datafold that quotes the API key back in its errors, credentials written
// into datafold-host, answers that never end, a host that never answers for many diffs, and a
// RUNNER_TEMP the report file cannot be written to. Each test ends with the secrets sweep, which
// also looks for escaped secrets and cut-off starts of them.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { diffRecord, sameDbDone } from '../../__fixtures__/diffs.js'
import {
  ECHOED_KEY,
  endless,
  failedScenario,
  finishedScenario,
  hangingScenario
} from '../../__fixtures__/fake-datafold.js'
import type { Scenarios } from '../../__fixtures__/datafold-scenario.js'
import { firstError, PR_482 } from '../../__fixtures__/harness.js'
import { sweptHarness } from '../../__fixtures__/swept-harness.js'

// `_` after `-` is escaped as `&#95;` in markdown; `-` and `_` are what broke redaction.
const API_KEY = 'dfk_9f-_Kq2xYz8-Ab_Cd3eF4gH5wR7'
/** A credential written into datafold-host: no secret the runner knows of. */
const HOST_CREDENTIAL = 'dfk_inhost_5f4e3d2c1b0a'
const MB = 1024 * 1024

const harness = sweptHarness(
  { apiKey: API_KEY, token: 'ghs_hardening_fedcba9876543210', others: [HOST_CREDENTIAL] },
  { timeoutMs: 120_000 }
)

/** A Datafold that quotes the API key back in its errors. */
const start = (scenarios: Scenarios) => harness.start({ scenarios, datafold: { echoKey: true } })

describe('secrets never reach anything written', () => {
  it('an API key that Datafold quotes in a failed diff and in an error body is written nowhere, whole, escaped or cut', async () => {
    // The table cell cuts the reason at 80 characters: this lead puts the cut 11 characters into
    // the key, so a redaction after the cut would leave `dfk_9f-_Kq2…` behind.
    const lead = 'warehouse login refused key '
    expect(`failed in Datafold: WarehouseAuthError: ${lead}`.length + 11).toBe(79)
    const fakes = await start({
      31: failedScenario(
        { error_type: 'WarehouseAuthError', error_value: `${lead}${ECHOED_KEY} for role ci` },
        { id: 31 }
      ),
      32: {
        record: diffRecord({ id: 32 }),
        summary: [{ status: 400, detail: `the key ${ECHOED_KEY} may not read this diff` }]
      }
    })
    const run = await fakes.run('31,32')

    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    // Datafold did quote the key, so there was something to take out.
    const answered = fakes.datafold.requests.filter((r) => r.sent > 0)
    expect(answered.length).toBeGreaterThan(0)
    // The reason is still told, with the key taken out before the markdown escaped it.
    const [comment] = fakes.github.commentsOn(482)
    for (const markdown of [comment?.body ?? '', run.summary]) {
      expect(markdown).toContain('refused key &#42;&#42;&#42; for role ci')
      expect(markdown).toContain('HTTP 400: Bad Request: the key &#42;&#42;&#42; may not')
    }
    expect(run.stdout).toContain('refused key *** for role ci')
    expect(run.outputs.diffs).toContain('refused key *** for role ci')
  }, 60_000)

  it('a wrong key that Datafold quotes back in its 401 is written nowhere', async () => {
    const wrongKey = 'dfk_wr-_ong_0a1b2c3d4e5f'
    const fakes = await start({ 33: finishedScenario(sameDbDone({ id: 33 })) })
    const run = await fakes.run('33', { inputs: { 'api-key': wrongKey } })
    expect(run.outputs.result).toBe('error')
    expect(firstError(run)).toContain('Datafold rejected the API key (HTTP 401)')
    expect(fakes.datafold.requests[0]?.sent).toBeGreaterThan(0)
  }, 60_000)

  it.each([
    [`${HOST_CREDENTIAL}@eu.datafold.com`, '"***@eu.datafold.com"'],
    [`ci:${HOST_CREDENTIAL}@eu.datafold.com`, '"***@eu.datafold.com"'],
    [`https://ci:${HOST_CREDENTIAL}@eu.datafold.com/`, '"https://***@eu.datafold.com/"'],
    [
      `https://eu.datafold.com/?api_key=${HOST_CREDENTIAL}`,
      '"https://eu.datafold.com/?api_key=***"'
    ],
    [`eu.datafold.com/#token=${HOST_CREDENTIAL}`, '"eu.datafold.com/#***"']
  ])(
    'datafold-host %j is refused, echoed as %s',
    async (host, echoed) => {
      const run = await harness.runAction({
        inputs: { 'diff-ids': '1', 'api-key': API_KEY, 'datafold-host': host },
        payload: PR_482
      })
      expect(run.code).toBe(1)
      const error = firstError(run)
      expect(error).toContain('datafold-host: give the host only, without credentials, query or #')
      expect(error).toContain(`(got ${echoed})`)
    },
    30_000
  )
})

describe('every Datafold wait is bounded', () => {
  it('an endless body and one declared larger than 64 MB are refused for their diffs alone, unbuffered', async () => {
    const fakes = await start({
      41: { record: diffRecord({ id: 41 }), summary: [endless()] },
      42: finishedScenario(sameDbDone({ id: 42 })),
      43: { record: diffRecord({ id: 43 }), summary: [endless(100 * MB)] }
    })
    // Neither body ever completes: reading on would end only at the 20 s wait-timeout.
    const run = await fakes.run('41,42,43', { inputs: { 'wait-timeout': '20s' } })

    expect(run.code).toBe(1)
    const diffs = JSON.parse(run.outputs.diffs ?? '[]') as { id: number; result: string }[]
    expect(diffs.map((d) => [d.id, d.result])).toEqual([
      [41, 'error'],
      [42, 'pass'],
      [43, 'error']
    ])
    const failure = firstError(run)
    expect(failure).toContain(
      "diff 41: Datafold's answer is larger than the 64 MB this action reads: reading stopped at 64 MB and the rest was not read"
    )
    expect(failure).toContain(
      "diff 43: Datafold's answer is 100 MB (Content-Length), larger than the 64 MB this action reads: it was not read"
    )
    // Not retried: the same answer would be as large again.
    expect(fakes.datafold.hits(41)).toBe(1)
    expect(fakes.datafold.hits(43)).toBe(1)
    // The client hung up at the limit: what the fake got out is the limit and the socket buffers.
    const endlessAnswer = fakes.datafold.requests.find(
      (r) => r.diffId === '41' && r.endpoint === 'summary_results'
    )
    expect(endlessAnswer?.sent).toBeGreaterThan(64 * MB)
    expect(endlessAnswer?.sent).toBeLessThan(96 * MB)
  }, 120_000)

  it('200 diffs on a host that never answers: no request queued behind them outlives wait-timeout and one grace', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => 1001 + i)
    const fakes = await start(Object.fromEntries(ids.map((id) => [id, hangingScenario()])))
    const run = await fakes.run(ids.join(','), { inputs: { 'wait-timeout': '2s' } })

    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    // Eight requests hang until the 5 s grace, eight more until the deadline's grace ends
    // (2 s + 5 s); the other 384 are never sent. Each used to get 5 s of its own: 250 s, which
    // the test's timeout (150 s, about 19 times the 8 s this takes) would stop.
    expect(fakes.datafold.requests.length).toBeGreaterThanOrEqual(16)
    expect(fakes.datafold.requests.length).toBeLessThanOrEqual(24)
    const diffs = JSON.parse(run.outputs.diffs ?? '[]') as { result: string }[]
    expect(diffs).toHaveLength(200)
    expect(diffs.every((d) => d.result === 'error')).toBe(true)
    expect(run.stdout).toContain(
      `diff 1200: not sent to ${fakes.datafold.url}: wait-timeout ran out while other requests to Datafold were under way`
    )
  }, 150_000)
})

describe('the report file', () => {
  it.each([
    ['missing', (dir: string) => join(dir, 'gone', 'temp')],
    [
      'a file, not a directory',
      (dir: string) => {
        writeFileSync(join(dir, 'temp'), '')
        return join(dir, 'temp')
      }
    ]
  ])(
    'a RUNNER_TEMP that is %s costs a warning; comment, summary, outputs and verdict still happen',
    async (_, runnerTemp) => {
      const fakes = await start({ 51: finishedScenario(sameDbDone({ id: 51 })) })
      const run = await fakes.run('51', { env: { RUNNER_TEMP: runnerTemp(harness.tempDir()) } })
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(
        /::warning::Could not write the report file datafold-diff-gate-default\.md: .*; report-path is empty/
      )
      expect(run.outputs.result).toBe('pass')
      expect(run.outputs['report-path']).toBe('')
      expect(run.summary).toContain('diff 51')
      expect(fakes.github.commentsOn(482)).toHaveLength(1)
      expect(run.outputs['comment-id']).toBe(String(fakes.github.commentsOn(482)[0]?.id))
    },
    60_000
  )

  it('two steps in one job write two report files, each its own', async () => {
    const fakes = await start({
      52: finishedScenario(sameDbDone({ id: 52 })),
      53: finishedScenario(sameDbDone({ id: 53 }))
    })
    const runnerTemp = harness.tempDir()
    const first = await fakes.run('52', {
      env: {
        RUNNER_TEMP: runnerTemp,
        GITHUB_ACTION: '__acme_datafold-diff-gate'
      }
    })
    const second = await fakes.run('53', {
      env: {
        RUNNER_TEMP: runnerTemp,
        GITHUB_ACTION: '__acme_datafold-diff-gate_2'
      }
    })
    const firstPath = first.outputs['report-path'] ?? ''
    const secondPath = second.outputs['report-path'] ?? ''
    expect(firstPath).toBe(
      join(runnerTemp, 'datafold-diff-gate-__acme_datafold-diff-gate-default.md')
    )
    expect(secondPath).toBe(
      join(runnerTemp, 'datafold-diff-gate-__acme_datafold-diff-gate_2-default.md')
    )
    const firstReport = readFileSync(firstPath, 'utf8')
    const secondReport = readFileSync(secondPath, 'utf8')
    expect(firstReport).toContain('diff 52')
    expect(firstReport).not.toContain('diff 53')
    expect(secondReport).toContain('diff 53')
    for (const report of [firstReport, secondReport]) expect(report).not.toContain(API_KEY)
  }, 60_000)
})
