// The GitHub side of the bundle (dist/index.js), run as a runner runs it under Node 24 (what
// action.yml names), against the fake GitHub on loopback: the token goes to GitHub's origin only,
// only the action's own report comment is touched, a report always remains and the newest run's
// wins, and a GitHub that never answers does not hold the step. Time limits here guard against a
// hang, with ten times the expected duration; none stands for speed.
import { describe, expect, it } from '@jest/globals'
import { diffRecord, sameDbDone } from '../../__fixtures__/diffs.js'
import { json } from '../../__fixtures__/fake-datafold.js'
import {
  BOT_USER,
  commentThread,
  lockedConversation,
  primaryRateLimit,
  reportMarker,
  startFakeGitHub,
  type FakeGitHub,
  type RecordedGitHubRequest
} from '../../__fixtures__/fake-github.js'
import { commandLines, type FakesOptions } from '../../__fixtures__/harness.js'
import { sweptHarness } from '../../__fixtures__/swept-harness.js'
import { node24 } from '../../__fixtures__/node24.js'

const TOKEN = 'ghs_hardening_fedcba9876543210'
const PAT = 'ghp_hardening_personal_0123456789'
const MARKER = reportMarker()
const BOT = { login: BOT_USER.login, type: 'Bot' } as const
/** Every run is run 1234567, attempt 1, unless it says otherwise. */
const RUN_ENV = { GITHUB_RUN_ID: '1234567', GITHUB_RUN_ATTEMPT: '1' }

const stampOf = (runId: number) =>
  `<!-- datafold-diff-gate:run {"runId":${String(runId)},"attempt":1,"at":"2026-11-20T09:00:00.000Z"} -->`

const harness = sweptHarness(
  { apiKey: 'dfk_hardening_0123456789abcdef', token: TOKEN, others: [PAT] },
  { node: node24(), env: RUN_ENV, timeoutMs: 30_000 }
)

/** Diff 31 passes; the fake GitHub holds PR 482. */
const start = (github: FakesOptions['github'] = {}) =>
  harness.start({
    scenarios: { 31: { record: diffRecord({ id: 31 }), summary: [json(sameDbDone({ id: 31 }))] } },
    github
  })
const writes = (github: FakeGitHub) => github.requests.filter((r) => r.method !== 'GET')
/** Racing runs each have a token of their own, so that every request tells which run sent it. */
const tokenOf = (runId: number) => `ghs_hardening_run_${String(runId)}_0123456789`
const byRun = (runId: number) => (r: RecordedGitHubRequest) =>
  r.headers.authorization === `token ${tokenOf(runId)}`

describe('dist/index.js: the token stays with GitHub', () => {
  it('a page link to another host is not followed: the warning names the host, which gets nothing', async () => {
    const fakes = await start({
      comments: commentThread({ total: 150, marker: MARKER })
    })
    const { github } = fakes
    const elsewhere = harness.track(await startFakeGitHub())
    harness.sweep.watch(elsewhere)
    github.pageLinksTo(elsewhere.serverUrl)

    const run = await fakes.run('31')

    expect(elsewhere.requests).toEqual([])
    expect(commandLines(run, '::warning::')).toEqual([
      expect.stringContaining(
        `Could not read the PR's comments, so no report comment is written and no diff an earlier run created is reused: GitHub's answer links to another host, ${new URL(elsewhere.url).host}`
      )
    ])
    // Nothing written on a thread it could not read whole; the verdict and outputs still stand.
    expect(writes(github)).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['comment-id']).toBe('')
  }, 60_000)
})

describe('dist/index.js: ours only', () => {
  it('a github-actions[bot] comment quoting the marker with a newer stamp is left alone, and the report is written', async () => {
    const quote = `Gate of another workflow:\n${MARKER}\n${stampOf(999_999_999)}\nrows changed over the limit`
    const fakes = await start({ comments: [{ body: quote, user: BOT }] })
    const { github } = fakes
    const before = structuredClone(github.commentsOn())

    for (const mode of ['update', 'recreate']) {
      const run = await fakes.run('31', { inputs: { 'comment-mode': mode } })
      expect(run.code).toBe(0)
      expect(github.commentsOn()[0]).toEqual(before[0])
      const ours = github.commentsOn()[1]
      expect(
        ours?.body.startsWith(
          `${MARKER}\n<!-- datafold-diff-gate:run {"runId":1234567,"attempt":1,"at":`
        )
      ).toBe(true)
      expect(run.outputs['comment-id']).toBe(String(ours?.id))
    }
    expect(github.commentsOn()).toHaveLength(2)
  }, 60_000)

  it('with a personal token: that person’s comment quoting the marker is never overwritten', async () => {
    const dana = { login: 'dana-analytics', type: 'User' } as const
    const quote = `> ${MARKER}\n> rows changed over the limit\n\nWhy is this failing?`
    const fakes = await start({
      token: PAT,
      postsAs: dana,
      comments: [{ body: quote, user: dana }]
    })
    const { github } = fakes

    const run = await fakes.run('31', { inputs: { 'github-token': PAT } })

    expect(run.code).toBe(0)
    expect(github.requests[0]?.path).toBe('/api/v3/user')
    const [first, second] = github.commentsOn()
    expect(first?.body).toBe(quote)
    expect(second?.user.login).toBe('dana-analytics')
    expect(second?.body.startsWith(MARKER)).toBe(true)
    expect(writes(github).map((r) => r.method)).toEqual(['POST'])
  }, 60_000)

  it('a locked conversation: the warning says so, and does not blame pull-requests: write', async () => {
    const fakes = await start()
    const { github } = fakes
    github.failWrites(1, lockedConversation(), 'POST')

    const run = await fakes.run('31')

    expect(run.code).toBe(0)
    expect(commandLines(run, '::warning::')).toEqual([
      expect.stringContaining('Could not write the PR comment: the conversation is locked')
    ])
    expect(run.stdout).not.toContain('pull-requests: write')
  }, 60_000)
})

describe('dist/index.js: a report always remains, and the newest run’s wins', () => {
  it('recreate: a create GitHub refuses leaves the old report in place', async () => {
    const old = `${MARKER}\n${stampOf(1234000)}\nthe last report`
    const fakes = await start({ comments: [{ body: old, user: BOT }] })
    const { github } = fakes
    const before = structuredClone(github.commentsOn())
    github.failWrites(1, primaryRateLimit(), 'POST')

    const run = await fakes.run('31', { inputs: { 'comment-mode': 'recreate' } })

    expect(github.commentsOn()).toEqual(before)
    expect(writes(github).map((r) => r.method)).toEqual(['POST'])
    expect(commandLines(run, '::warning::')).toEqual([
      expect.stringContaining('Could not write the PR comment: API rate limit exceeded')
    ])
    expect(run.code).toBe(0)
    expect(run.outputs['comment-id']).toBe('')
  }, 60_000)

  it('two runs race and GitHub answers the newer run’s create slowly: the newer report is left; each comment-id existed when its run ended', async () => {
    const old = `${MARKER}\n${stampOf(8000)}\nthe last report`
    // Any token: each run has its own.
    const fakes = await start({ token: undefined, comments: [{ body: old, user: BOT }] })
    const { github } = fakes
    github.holdListings(2)
    github.slowAnswers((r) => r.method === 'POST' && byRun(8002)(r), 2_000)
    const ended: Record<number, number> = {}
    const step = (runId: number) =>
      fakes
        .run('31', {
          inputs: { 'comment-mode': 'recreate', 'github-token': tokenOf(runId) },
          env: { ...RUN_ENV, GITHUB_RUN_ID: String(runId) }
        })
        .then((run) => {
          ended[runId] = Date.now()
          return run
        })

    const [older, newer] = await Promise.all([step(8001), step(8002)])

    const left = github.commentsOn()
    expect(left).toHaveLength(1)
    expect(left[0]?.body).toContain('<!-- datafold-diff-gate:run {"runId":8002,')
    expect(newer.outputs['comment-id']).toBe(String(left[0]?.id))
    for (const [runId, run] of [
      [8001, older],
      [8002, newer]
    ] as const) {
      expect(run.code).toBe(0)
      expect(commandLines(run, '::warning::')).toEqual([])
      const id = run.outputs['comment-id'] ?? ''
      const deletedAt = github.requests.find(
        (r) => r.method === 'DELETE' && r.path.endsWith(`/comments/${id}`)
      )?.time
      expect(id === String(left[0]?.id) || (deletedAt ?? 0) >= (ended[runId] ?? Infinity)).toBe(
        true
      )
    }
    // The older run never touched the newer run's report.
    const olderWrites = writes(github).filter(byRun(8001))
    expect(olderWrites[0]?.method).toBe('POST')
    expect(olderWrites.some((r) => r.path.endsWith(`/comments/${String(left[0]?.id)}`))).toBe(false)
  }, 120_000)
})

describe('dist/index.js: every wait bounded', () => {
  it('a GitHub that accepts and never answers: the step ends after the 30 s request timeout, with its verdict', async () => {
    const fakes = await start()
    const { github } = fakes
    github.neverAnswer()

    // 30 s expected: the guard is ten times that.
    const run = await fakes.run('31', { timeoutMs: 300_000 })

    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(commandLines(run, '::warning::')).toEqual([
      "::warning::Could not read the PR's comments, so no report comment is written and no diff " +
        'an earlier run created is reused: GitHub did not answer GET ' +
        '/api/v3/repos/acme/analytics-dbt/issues/482/comments within 30s'
    ])
    // One request, not retried.
    expect(github.requests).toHaveLength(1)
  }, 330_000)
})
