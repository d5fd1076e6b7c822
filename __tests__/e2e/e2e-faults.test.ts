// Faults on the wire, against the bundle (dist/index.js) under this machine's Node: resets, bodies
// cut short, hosts that never answer, rate limits, redirects to another host, a lasting 500, a
// GitHub secondary rate limit, and two runs racing to write the same PR comment. How long a run
// takes is the benchmark's business; each test's own timeout guards against a hang.
import { describe, expect, it } from '@jest/globals'
import type { Scenarios } from '../../__fixtures__/datafold-scenario.js'
import { diffRecord, sameDbDone } from '../../__fixtures__/diffs.js'
import {
  hang,
  json,
  rateLimited,
  redirectTo,
  resetMidBody,
  serverError,
  startFakeDatafold,
  truncated
} from '../../__fixtures__/fake-datafold.js'
import { BOT_USER, reportMarker, secondaryRateLimit } from '../../__fixtures__/fake-github.js'
import { E2E_SECRETS, firstError } from '../../__fixtures__/harness.js'
import { sweptHarness } from '../../__fixtures__/swept-harness.js'
import type { ActionRun } from '../../__fixtures__/run-action.js'

// Every scenario, error paths included, ends with the secrets sweep.
const harness = sweptHarness(E2E_SECRETS, { timeoutMs: 90_000 })
const { apiKey: API_KEY } = harness.secrets

/** The first `::error::` line of a run that ended in error (exit 1). */
function failedWith(run: ActionRun): string {
  expect(run.code).toBe(1)
  expect(run.outputs.result).toBe('error')
  return firstError(run)
}

/** A diff whose record answers at once and whose summary follows `summary`. */
function scenario(id: number, summary: Scenarios[number]['summary']): Scenarios {
  return { [id]: { record: diffRecord({ id }), summary } }
}

describe('dist/index.js against faults on the wire', () => {
  it('a connection reset mid-body is retried, then passes', async () => {
    const done = json(sameDbDone({ id: 11 }))
    const fakes = await harness.start({ scenarios: scenario(11, [resetMidBody(done), done]) })
    const { datafold, github } = fakes
    const run = await fakes.run('11')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(datafold.hits(11, 'summary_results')).toBe(2)
    expect(run.stdout).toMatch(
      /summary_results failed after \d+ ms \(try 1 of 5\): a network error/
    )
    expect(github.commentsOn(482)).toHaveLength(1)
  }, 30_000)

  it('a body that stops half-way (Content-Length larger than sent) is retried, then passes', async () => {
    const done = json(sameDbDone({ id: 12 }))
    const fakes = await harness.start({ scenarios: scenario(12, [truncated(done), done]) })
    const { datafold } = fakes
    const run = await fakes.run('12')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(datafold.hits(12, 'summary_results')).toBe(2)
    expect(run.stdout).toMatch(/\(try 1 of 5\): a network error/)
  }, 25_000)

  it('a host that accepts and never answers: each request ends with the grace after wait-timeout', async () => {
    const fakes = await harness.start({
      scenarios: { 13: { record: [hang()], summary: [hang()] } }
    })
    const { datafold, github } = fakes
    const run = await fakes.run('13', { inputs: { 'wait-timeout': '3s' } })
    const failure = failedWith(run)
    expect(failure).toContain('diff 13: gave up after 1 try')
    expect(failure).toContain('after wait-timeout')
    expect(failure).toContain('a timeout after 5s')
    // One try each, cut to the wait-timeout: no retry starts past it.
    expect(datafold.hits(13, 'summary_results')).toBe(1)
    expect(datafold.hits(13, 'record')).toBe(1)
    // The report still gets written.
    expect(github.commentsOn(482)).toHaveLength(1)
  }, 90_000)

  it('429 without Retry-After backs off, then passes', async () => {
    const fakes = await harness.start({
      scenarios: scenario(14, [rateLimited(), json(sameDbDone({ id: 14 }))])
    })
    const { datafold } = fakes
    const run = await fakes.run('14')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(datafold.hits(14, 'summary_results')).toBe(2)
    const tries = datafold.requests.filter((r) => r.endpoint === 'summary_results')
    // Backoff: 1 s, stretched by up to half again (the log line says by how much).
    const gap = (tries[1]?.time ?? 0) - (tries[0]?.time ?? 0)
    expect(gap).toBeGreaterThanOrEqual(950)
    expect(run.stdout).toMatch(/diff 14: HTTP 429; retrying in 1(\.\d)?s/)
  }, 30_000)

  it('a Retry-After of an hour is not waited for: that diff fails without another try', async () => {
    const fakes = await harness.start({
      scenarios: {
        ...scenario(15, [rateLimited('3600')]),
        16: { record: diffRecord({ id: 16 }), summary: [json(sameDbDone({ id: 16 }))] }
      }
    })
    const { datafold } = fakes
    const run = await fakes.run('15,16')
    expect(run.stdout).not.toContain('retrying in')
    const failure = failedWith(run)
    expect(failure).toContain('diff 15: Datafold answered HTTP 429 and asked to wait 1h')
    expect(failure).toContain('(Retry-After)')
    expect(failure).toContain('try again later')
    expect(datafold.hits(15, 'summary_results')).toBe(1)
    // The other diff is checked as usual.
    const diffs = JSON.parse(run.outputs.diffs ?? '[]') as { id: number; result: string }[]
    expect(diffs.map((d) => [d.id, d.result])).toEqual([
      [15, 'error'],
      [16, 'pass']
    ])
  }, 20_000)

  it('a 302 to another host is not followed: the other host gets no request, no key', async () => {
    const other = harness.track(
      await startFakeDatafold({ scenarios: scenario(17, [json(sameDbDone({ id: 17 }))]) })
    )
    const fakes = await harness.start({
      scenarios: {
        17: {
          record: [redirectTo(`${other.url}/api/v1/datadiffs/17`)],
          summary: [redirectTo(`${other.url}/api/v1/datadiffs/17/summary_results`)]
        }
      }
    })
    const { datafold } = fakes
    const run = await fakes.run('17')
    const failure = failedWith(run)
    expect(other.requests).toHaveLength(0)
    // A redirect is not retried either.
    expect(datafold.hits(17, 'summary_results')).toBe(1)
    expect(datafold.hits(17, 'record')).toBe(1)
    expect(failure).toContain(
      `Datafold answered with a redirect to ${new URL(other.url).host}; set datafold-host`
    )
    expect(run.everything.replace(/^::add-mask::.*$/gm, '')).not.toContain(API_KEY)
  }, 20_000)

  it('500 for ever: gives up after 5 tries, naming the status and the tries', async () => {
    const fakes = await harness.start({ scenarios: scenario(18, [serverError(500)]) })
    const { datafold } = fakes
    const run = await fakes.run('18')
    // Backoff 1 + 2 + 4 + 8 s, each stretched by up to half: 15 to 22.5 s.
    const failure = failedWith(run)
    expect(run.durationMs).toBeGreaterThanOrEqual(15_000)
    expect(datafold.hits(18, 'summary_results')).toBe(5)
    expect(datafold.hits(18, 'record')).toBe(1)
    expect(failure).toContain(`diff 18: gave up after 5 tries at ${datafold.url}`)
    expect(failure).toContain('the last one ended in HTTP 500')
    expect(failure).toContain('Internal Server Error')
  }, 205_000)

  it('a GitHub secondary rate limit on the comment write is waited out, then the comment is written', async () => {
    const fakes = await harness.start({ scenarios: scenario(19, [json(sameDbDone({ id: 19 }))]) })
    const { github } = fakes
    github.failWrites(1, secondaryRateLimit('1'))
    const run = await fakes.run('19')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    const posts = github.requests.filter((r) => r.method === 'POST')
    expect(posts).toHaveLength(2)
    expect((posts[1]?.time ?? 0) - (posts[0]?.time ?? 0)).toBeGreaterThanOrEqual(950)
    expect(run.stdout).toMatch(/GitHub secondary rate limit on POST .*retry 1 of 2 in 1s/)
    const comments = github.commentsOn(482)
    expect(comments).toHaveLength(1)
    expect(run.outputs['comment-id']).toBe(String(comments[0]?.id))
    expect(run.stdout).not.toContain('::warning::')
  }, 45_000)
})

describe('dist/index.js, two runs racing on one PR', () => {
  it('both find no comment and both create one: one report comment is left', async () => {
    const fakes = await harness.start({ scenarios: scenario(21, [json(sameDbDone({ id: 21 }))]) })
    const { github } = fakes
    // Both runs list the thread before either writes, and look again once both have written.
    github.holdListings(2, 2)
    const [first, second] = await Promise.all([
      fakes.run('21', { env: { GITHUB_RUN_ID: '5001', GITHUB_RUN_ATTEMPT: '1' } }),
      fakes.run('21', { env: { GITHUB_RUN_ID: '5002', GITHUB_RUN_ATTEMPT: '1' } })
    ])
    for (const run of [first, second]) {
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).not.toContain('::warning::')
    }
    const count = (method: string) => github.requests.filter((r) => r.method === method).length
    // The race happened: two creates, two listings before them, one more listing each after.
    expect(count('POST')).toBe(2)
    const listings = github.requests.filter(
      (r) => r.method === 'GET' && r.path.includes('/issues/')
    )
    expect(listings).toHaveLength(4)
    const comments = github.commentsOn(482)
    expect(comments).toHaveLength(1)
    const survivor = comments[0]
    expect(survivor?.user.login).toBe(BOT_USER.login)
    expect(survivor?.body.startsWith(`${reportMarker()}\n`)).toBe(true)
    // The newer run's report survives.
    expect(survivor?.body).toContain('<!-- datafold-diff-gate:run {"runId":5002,"attempt":1,')
    expect(first.outputs['comment-id']).toBe(String(survivor?.id))
    expect(second.outputs['comment-id']).toBe(String(survivor?.id))
    // Small budget: at most one edit and the deletes of the extra comment.
    expect(count('PATCH')).toBeLessThanOrEqual(1)
    expect(count('DELETE')).toBeGreaterThanOrEqual(1)
    expect(count('DELETE')).toBeLessThanOrEqual(2)
  }, 45_000)

  it('a run older than the report there does not overwrite it', async () => {
    const fakes = await harness.start({ scenarios: scenario(22, [json(sameDbDone({ id: 22 }))]) })
    const { github } = fakes
    const newer = await fakes.run('22', { env: { GITHUB_RUN_ID: '7002', GITHUB_RUN_ATTEMPT: '1' } })
    expect(newer.code).toBe(0)
    const before = structuredClone(github.commentsOn(482))
    const older = await fakes.run('22', { env: { GITHUB_RUN_ID: '7001', GITHUB_RUN_ATTEMPT: '3' } })
    expect(older.code).toBe(0)
    expect(github.commentsOn(482)).toEqual(before)
    expect(github.requests.filter((r) => r.method !== 'GET')).toHaveLength(1)
    expect(older.stdout).toContain('was written by a newer run (run 7002 attempt 1)')
    expect(older.outputs['comment-id']).toBe(String(before[0]?.id))
    expect(older.outputs['comment-url']).toBe(before[0]?.html_url)
  }, 30_000)
})
