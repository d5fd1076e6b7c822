// The guard on every request of the GitHub client: the token goes to the API's origin only, each
// request has a time to answer, and the whole GitHub part a bound. The action's own client against
// the fake GitHub on loopback; the limits are shortened through createGitHubClient's options, and
// the bound's clock is injected where the test must place a request past it. Each test's timeout
// guards against a hang: ten times its duration on a busy 2-core machine.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  commentThread,
  fakeGitHubPool,
  reportMarker,
  secondaryRateLimit,
  type FakeGitHub
} from '../../__fixtures__/fake-github.js'
import { upsertComment } from '../../src/github/comment.js'
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/octokit.js'
import { GitHubTimeoutError, TokenDestinationError } from '../../src/github/request-guard.js'

const TOKEN = 'ghs_guard_0123456789abcdef'

const pool = fakeGitHubPool()
afterEach(() => pool.closeAll())
const fakeGitHub = pool.start

function client(gh: FakeGitHub, options: Partial<GitHubClientOptions> = {}, logs: string[] = []) {
  return createGitHubClient(TOKEN, {
    baseUrl: gh.url,
    fetch: globalThis.fetch,
    log: (message) => logs.push(message),
    pacing: 'none',
    ...options
  })
}

const THREAD = { owner: 'acme', repo: 'analytics-dbt', issue_number: 482, per_page: 100 }

function listAll(github: Awaited<ReturnType<typeof client>>) {
  return github.paginate(github.rest.issues.listComments, THREAD)
}

describe('the token stays with GitHub', () => {
  it('a page link to another host is not followed: the error names the host, which gets nothing', async () => {
    const gh = await fakeGitHub({ comments: commentThread({ total: 150, marker: reportMarker() }) })
    const elsewhere = await fakeGitHub()
    gh.pageLinksTo(elsewhere.serverUrl)

    const error = await listAll(await client(gh)).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TokenDestinationError)
    const message = (error as Error).message
    expect(message).toContain(`links to another host, ${new URL(elsewhere.url).host}`)
    expect(message).toContain(`the GitHub API is at ${new URL(gh.url).host}`)
    expect(message).not.toContain(TOKEN)
    expect(elsewhere.requests).toEqual([])
    expect(gh.requests).toHaveLength(1)
  }, 15_000)

  it('a page link on the API’s own origin is followed as before', async () => {
    const gh = await fakeGitHub({ comments: commentThread({ total: 150, marker: reportMarker() }) })

    expect(await listAll(await client(gh))).toHaveLength(150)
    expect(gh.requests).toHaveLength(2)
  }, 10_000)
})

describe('every wait bounded', () => {
  it('a GitHub that accepts and never answers: the request ends at its timeout, and is not retried', async () => {
    const gh = await fakeGitHub()
    gh.neverAnswer()

    const error = await listAll(await client(gh, { requestTimeoutMs: 300 })).catch(
      (e: unknown) => e
    )

    expect(error).toBeInstanceOf(GitHubTimeoutError)
    expect((error as Error).message).toBe(
      'GitHub did not answer GET /api/v3/repos/acme/analytics-dbt/issues/482/comments within 300ms'
    )
    expect(gh.requests).toHaveLength(1)
  }, 10_000)

  it('an answer whose body never comes is a timeout, not an empty page', async () => {
    const gh = await fakeGitHub()
    gh.neverAnswer(undefined, true)

    await expect(listAll(await client(gh, { requestTimeoutMs: 300 }))).rejects.toThrow(
      GitHubTimeoutError
    )
    expect(gh.requests).toHaveLength(1)
  }, 10_000)

  it('no request is sent once the GitHub part has used its bound', async () => {
    const gh = await fakeGitHub()
    let clock = 0
    const github = await client(gh, { boundMs: 120_000, now: () => clock })
    await listAll(github)
    clock = 120_000

    const error = await listAll(github).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(GitHubTimeoutError)
    expect((error as Error).message).toBe(
      'Stopped before GET /api/v3/repos/acme/analytics-dbt/issues/482/comments: ' +
        'the GitHub part took 2m already'
    )
    expect(gh.requests).toHaveLength(1)
  }, 10_000)

  it('a request in flight when the bound is reached is cut then', async () => {
    const gh = await fakeGitHub()
    gh.neverAnswer()

    const error = await listAll(await client(gh, { boundMs: 300 })).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(GitHubTimeoutError)
    expect((error as Error).message).toContain(
      'Cut GET /api/v3/repos/acme/analytics-dbt/issues/482/comments at the end of the 300ms'
    )
  }, 10_000)

  it('upsertComment stops at the bound too: the report it wrote stays, and it says what it skipped', async () => {
    const gh = await fakeGitHub()
    let clock = 0
    const github = await client(gh, { boundMs: 1_000, now: () => clock })
    // Each answer moves the injected clock on by 500 ms: the third request would start at 1 s.
    github.hook.after('request', () => {
      clock += 500
    })
    const logs: string[] = []

    const posted = await upsertComment(github, {
      owner: 'acme',
      repo: 'analytics-dbt',
      issueNumber: 482,
      marker: reportMarker(),
      body: `${reportMarker()}\nreport`,
      mode: 'update',
      author: { login: 'github-actions[bot]', type: 'Bot' },
      log: (message) => logs.push(message)
    })

    // The listing and the create were sent; the look after them was not.
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'POST'])
    expect(posted).toMatchObject({ id: gh.commentsOn()[0]?.id, action: 'created' })
    expect(logs.at(-1)).toBe(
      'Could not check for a report written by a concurrent run: Stopped before GET ' +
        '/api/v3/repos/acme/analytics-dbt/issues/482/comments: the GitHub part took 1s already; ' +
        `keeping comment ${String(posted.id)}`
    )
  }, 10_000)

  it('a failed request is not retried when the retry’s wait would end past the bound', async () => {
    const gh = await fakeGitHub()
    const badGateway = { status: 502, body: { message: 'Server Error' } }
    gh.failWrites(1, badGateway, 'POST')
    let clock = 0
    const github = await client(gh, { boundMs: 60_000, now: () => clock })
    const post = () =>
      github.rest.issues.createComment({ ...THREAD, body: 'x' }).catch((e: unknown) => e)

    // With time left, the retry plugin tries again (after 1 s, a pause this client does not take).
    await post()
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(2)
    // With 5 s left (the retry plugin may wait up to 9 s), it does not.
    clock = 55_000
    gh.failWrites(1, badGateway, 'POST')
    const error = await post()
    expect(error).toMatchObject({ status: 502 })
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(3)
  }, 20_000)

  it('a rate-limit wait that would end past the bound is not taken', async () => {
    const gh = await fakeGitHub()
    gh.failWrites(1, secondaryRateLimit('5'), 'POST')
    const logs: string[] = []
    const github = await client(gh, { boundMs: 4_000 }, logs)

    const error = await github.rest.issues
      .createComment({ ...THREAD, body: 'x' })
      .catch((e: unknown) => e)

    expect(error).toMatchObject({ status: 403 })
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(logs.join('\n')).toContain(
      'the wait (5s) would end past the 4s the GitHub part may take, not retrying'
    )
  }, 10_000)
})
