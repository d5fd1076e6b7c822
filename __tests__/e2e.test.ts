// The bundle as GitHub runs it: `node dist/index.js` in a child process, under this machine's
// Node and under Node 24, against the fake Datafold and GitHub servers on 127.0.0.1.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { demoScenario, sameDbDone } from '../__fixtures__/diffs.js'
import {
  finishedScenario,
  startFakeDatafold,
  type FakeDatafold
} from '../__fixtures__/fake-datafold.js'
import { startFakeGitHub, type FakeGitHub } from '../__fixtures__/fake-github.js'
import { missingRuntimes, NODE_RUNTIMES, runAction } from '../__fixtures__/run-action.js'

const API_KEY = 'dfk_e2e_0123456789abcdef'
const TOKEN = 'ghs_e2e_fedcba9876543210'
const MARKER = '<!-- datafold-diff-gate:default -->'

let servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

async function fakes(
  scenarios = demoScenario()
): Promise<{ datafold: FakeDatafold; github: FakeGitHub }> {
  const datafold = await startFakeDatafold({ scenarios, apiKey: API_KEY })
  const github = await startFakeGitHub({ token: TOKEN })
  servers.push(datafold, github)
  return { datafold, github }
}

beforeAll(() => {
  // Node 24 comes from the npm registry with `npm ci` (postinstall); without it this suite
  // would silently test one runtime only.
  expect(missingRuntimes()).toEqual([])
})

describe.each(NODE_RUNTIMES)('dist/index.js under $name', ({ path: node }) => {
  it('passes, and comments on the PR through the GHES /api/v3 prefix', async () => {
    const { datafold, github } = await fakes()
    const run = await runAction({
      node,
      inputs: {
        'diff-ids': '101',
        'api-key': API_KEY,
        'github-token': TOKEN,
        'datafold-host': datafold.url,
        'max-rows-removed': '0'
      },
      apiUrl: github.url,
      payload: { pull_request: { number: 482 } }
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    const comments = github.commentsOn(482)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.startsWith(MARKER)).toBe(true)
    expect(run.outputs['comment-id']).toBe(String(comments[0]?.id))
    expect(run.summary).toContain('analytics.orders')
    expect(github.requests.every((r) => r.path.startsWith('/api/v3/'))).toBe(true)
    expect(datafold.requests.map((r) => r.headers.authorization)).toEqual([
      `Key ${API_KEY}`,
      `Key ${API_KEY}`
    ])
    expect(
      datafold.requests.every((r) => /^datafold-diff-gate\//.test(r.headers['user-agent'] ?? ''))
    ).toBe(true)
    // `::add-mask::` is how a secret is registered; the runner consumes that line.
    const written = run.everything.replace(/^::add-mask::.*$/gm, '')
    expect(written).not.toContain(API_KEY)
    expect(written).not.toContain(TOKEN)
    expect(run.stdout).toContain(`::add-mask::${API_KEY}`)
  })

  it('fails on a breach, and a second run edits the same comment', async () => {
    const { datafold, github } = await fakes()
    const inputs = {
      'diff-ids': '101,102',
      'api-key': API_KEY,
      'github-token': TOKEN,
      'datafold-host': datafold.url,
      'max-rows-changed': '1%'
    }
    const first = await runAction({
      node,
      inputs,
      apiUrl: github.url,
      payload: { pull_request: { number: 482 } }
    })
    expect(first.code).toBe(1)
    expect(first.outputs.result).toBe('fail')
    // Workflow commands encode % as %25.
    expect(first.stdout).toContain(
      '::error title=Datafold threshold exceeded::diff 102 (analytics.customers): rows-changed 1,205 (2.50%25) > max 1%25'
    )
    const second = await runAction({
      node,
      inputs,
      apiUrl: github.url,
      payload: { pull_request: { number: 482 } }
    })
    expect(second.code).toBe(1)
    expect(github.commentsOn(482)).toHaveLength(1)
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id'])
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
  })

  it('refuses bad inputs before sending any request', async () => {
    const { datafold, github } = await fakes()
    const run = await runAction({
      node,
      inputs: {
        'diff-ids': '101,abc',
        'api-key': API_KEY,
        'datafold-host': datafold.url,
        'max-rows-changed': 'lots'
      },
      apiUrl: github.url
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('max-rows-changed')
    expect(run.stdout).toContain('"lots"')
    expect(datafold.requests).toEqual([])
    expect(github.requests).toEqual([])
  })

  it('on push without pr-number: no GitHub call, summary and outputs still written', async () => {
    const { datafold, github } = await fakes({ 7: finishedScenario(sameDbDone({ id: 7 })) })
    const run = await runAction({
      node,
      eventName: 'push',
      inputs: {
        'diff-ids': '7',
        'api-key': API_KEY,
        'github-token': TOKEN,
        'datafold-host': datafold.url
      },
      apiUrl: github.url
    })
    expect(run.code).toBe(0)
    expect(github.requests).toEqual([])
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['comment-id']).toBe('')
    expect(run.summary).not.toBe('')
  })
})
