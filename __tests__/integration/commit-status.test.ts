// The commit status against the fake GitHub over HTTP, through the action's own GitHub client: one
// status on the head SHA the caller names, its context, state, description and link as sent; and
// a token without `statuses: write`, or a failure, costing one warning and never a throw.
import { afterEach, describe, expect, it } from '@jest/globals'
import { fakeGitHubPool } from '../../__fixtures__/fake-github.js'
import { gitHubWithClient } from '../../__fixtures__/gate-client.js'
import { postCommitStatus, type CommitStatusRequest } from '../../src/github/commit-status.js'

const pool = fakeGitHubPool()
afterEach(async () => {
  await pool.closeAll()
})

const TOKEN = 'ghs_status_token_7d1f0c2a9b'
/** The PR's head. */
const HEAD = 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe'
/** What a `status` or `workflow_run` event sets GITHUB_SHA to: the default branch's last commit. */
const GITHUB_SHA = 'b45e0000b45e0000b45e0000b45e0000b45e0000'
const COMMENT = 'https://github.com/acme/analytics-dbt/pull/482#issuecomment-2034567001'
const RUN = 'https://github.com/acme/analytics-dbt/actions/runs/9001'

function request(overrides: Partial<CommitStatusRequest> = {}): CommitStatusRequest {
  return {
    owner: 'acme',
    repo: 'analytics-dbt',
    sha: HEAD,
    commentKey: 'default',
    verdict: { result: 'fail', breaches: 2, unchecked: 0, failed: true },
    headline: '❌ 2 of 12 tables over their limits',
    commentUrl: COMMENT,
    runUrl: RUN,
    ...overrides
  }
}

const setUp = () => gitHubWithClient(pool, TOKEN, { pulls: [{ number: 482, headSha: HEAD }] })

describe('postCommitStatus over HTTP', () => {
  it('posts one status on the head SHA it is given, with the state, description and link', async () => {
    const { gh, github, io, log } = await setUp()
    const posted = await postCommitStatus(github, request(), io)
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/v3/repos/acme/analytics-dbt/statuses/${HEAD}`
    ])
    expect(gh.requests[0]?.body).toEqual({
      state: 'failure',
      context: 'Datafold diff gate',
      description: '❌ 2 of 12 tables over their limits',
      target_url: COMMENT
    })
    expect(gh.statuses.map((s) => [s.sha, s.context, s.state])).toEqual([
      [HEAD, 'Datafold diff gate', 'failure']
    ])
    expect(gh.statuses.some((s) => s.sha === GITHUB_SHA)).toBe(false)
    expect(posted).toEqual({
      id: gh.statuses[0]?.id,
      context: 'Datafold diff gate',
      state: 'failure',
      description: '❌ 2 of 12 tables over their limits',
      targetUrl: COMMENT
    })
    expect(log.warnings).toEqual([])
    expect(log.infos).toEqual([
      'Commit status "Datafold diff gate" failure on c0ffee0: ❌ 2 of 12 tables over their limits'
    ])
  }, 30_000)

  it('goes from pending to its result under one context per comment-key, linking the run without a comment', async () => {
    const { gh, github, io } = await setUp()
    await postCommitStatus(
      github,
      request({ commentKey: 'dbt', verdict: 'running', headline: '⏳ 12 diffs running' }),
      io
    )
    await postCommitStatus(
      github,
      request({
        commentKey: 'dbt',
        verdict: { result: 'pass', breaches: 0, unchecked: 0, failed: false },
        headline: '✅ 12 tables within their limits',
        commentUrl: null
      }),
      io
    )
    const combined = (await (
      await fetch(`${gh.url}/repos/acme/analytics-dbt/commits/${HEAD}/status`, {
        headers: { Authorization: `token ${TOKEN}` }
      })
    ).json()) as {
      state: string
      statuses: { context: string; state: string; target_url: string | null }[]
    }
    expect(combined.state).toBe('success')
    expect(combined.statuses).toEqual([
      expect.objectContaining({
        context: 'Datafold diff gate (dbt)',
        state: 'success',
        target_url: RUN
      })
    ])
    expect(gh.statuses.map((s) => s.state)).toEqual(['pending', 'success'])
  }, 30_000)

  it('sends a long headline cut to 140 characters, and no secret', async () => {
    const { gh, github, io } = await setUp()
    const headline = `❌ ${TOKEN} ${'orders, customers, '.repeat(12)}and payments over their limits`
    await postCommitStatus(github, request({ headline }), io)
    const sent = (gh.requests[0]?.body as { description: string }).description
    expect(Array.from(sent).length).toBeLessThanOrEqual(140)
    expect(sent.endsWith('…')).toBe(true)
    expect(JSON.stringify(gh.requests.map((r) => r.body))).not.toContain(TOKEN)
    expect(gh.statuses).toHaveLength(1)
  }, 30_000)

  it('gives one warning with the permission line when the token lacks statuses: write, and never throws', async () => {
    const { gh, github, io, log } = await setUp()
    gh.deny('statuses')
    await expect(postCommitStatus(github, request(), io)).resolves.toBeNull()
    expect(log.warnings).toHaveLength(1)
    expect(log.warnings[0]).toContain(
      'Could not post the commit status: GitHub answered 403 (Resource not accessible by integration)'
    )
    expect(log.warnings[0]).toContain(
      "add `statuses: write` to the workflow's or the job's `permissions:` block"
    )
    expect(gh.statuses).toEqual([])
    // The same for a fork's read-only token.
    gh.allow('statuses')
    gh.readOnly = true
    await expect(postCommitStatus(github, request(), io)).resolves.toBeNull()
    expect(log.warnings).toHaveLength(2)
  }, 30_000)

  it('turns any other failure into a warning that says what GitHub answered', async () => {
    const { gh, github, io, log } = await setUp()
    gh.failWrites(1, { status: 422, body: { message: 'Validation Failed' } })
    await expect(postCommitStatus(github, request(), io)).resolves.toBeNull()
    expect(log.warnings).toEqual([
      'Could not post the commit status: GitHub answered 422: Validation Failed'
    ])
    // Not a SHA: nothing is sent.
    await expect(
      postCommitStatus(github, request({ sha: 'refs/heads/main' }), io)
    ).resolves.toBeNull()
    expect(log.warnings[1]).toBe(
      'Could not post the commit status: "refs/heads/main" is not a commit SHA'
    )
    expect(gh.requests).toHaveLength(1)
  }, 30_000)
})
