// Which comment is the report, and which report is left when runs race: upsertComment with the
// action's own client against the fake GitHub on loopback. Assertions are on what the fake holds
// and what it was sent.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import {
  fakeGitHubPool,
  lockedConversation,
  primaryRateLimit,
  type FakeGitHub,
  type RecordedGitHubRequest
} from '../../__fixtures__/fake-github.js'
import { commentMarker, readStamp, stampLine } from '../../src/comment-state.js'
import { authorOfToken, upsertComment } from '../../src/github/comment.js'
import { CommentPermissionError } from '../../src/github/errors.js'
import { createGitHubClient } from '../../src/github/octokit.js'
import type { WritingMode } from '../../src/github/comment-modes.js'

const MARKER = commentMarker('default')
const AT = '2026-11-20T09:00:00.000Z'
const stampOf = (runId: number) => stampLine({ runId, attempt: 1, at: AT, sha: null })
const report = (runId: number, text = 'the report') => `${MARKER}\n${stampOf(runId)}\n${text}`

// Each test starts a fake GitHub and takes at most 1.3 s on a busy 2-core machine: ten times that.
jest.setTimeout(15_000)

const pool = fakeGitHubPool()
afterEach(() => pool.closeAll())
const fakeGitHub = pool.start

/** One run of the action's comment step: its own client, its own token, its own stamp. */
async function upsert(
  gh: FakeGitHub,
  runId: number,
  mode: WritingMode = 'update',
  token = `ghs_run_${runId}`
) {
  const logs: string[] = []
  const github = await createGitHubClient(token, {
    baseUrl: gh.url,
    fetch: globalThis.fetch,
    pacing: 'none'
  })
  const posted = await upsertComment(github, {
    owner: 'acme',
    repo: 'analytics-dbt',
    issueNumber: 482,
    marker: MARKER,
    body: report(runId, `report of run ${runId}`),
    mode,
    author: authorOfToken(token),
    log: (message) => logs.push(message)
  })
  return { posted, logs }
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const
const byRun = (runId: number) => (r: RecordedGitHubRequest) =>
  r.headers.authorization === `token ghs_run_${runId}`
const writes = (gh: FakeGitHub) => gh.requests.filter((r) => r.method !== 'GET')

describe('ours only: the marker first, by the account the action posts as', () => {
  const quoting = [
    // Another workflow's github-actions[bot] comment that quotes the report, stamp and all.
    `Another gate saw this report:\n${MARKER}\n${stampOf(999_999_999)}`,
    `> ${report(999_999_999)}`
  ]

  it.each<WritingMode>(['update', 'recreate'])(
    '%s: a comment that quotes the marker below its start is not edited, deleted, nor read for its stamp',
    async (mode) => {
      const gh = await fakeGitHub({ comments: quoting.map((body) => ({ body, user: BOT })) })
      const before = structuredClone(gh.commentsOn())

      const { posted } = await upsert(gh, 500, mode)

      // Its made-up stamp of a newer run did not stop the report.
      expect(posted.action).toBe('created')
      const after = gh.commentsOn()
      expect(after.slice(0, 2)).toEqual(before)
      expect(after).toHaveLength(3)
      expect(after[2]?.body).toBe(report(500, 'report of run 500'))
      expect(writes(gh).map((r) => r.method)).toEqual(['POST'])
    }
  )

  it('with a personal token: that person’s comment quoting the marker is never overwritten', async () => {
    const dana = { login: 'dana-analytics', type: 'User' } as const
    const gh = await fakeGitHub({
      postsAs: dana,
      comments: [
        { body: `Why did this fail?\n\n${report(1)}`, user: dana },
        { body: report(1, 'her earlier report'), user: dana }
      ]
    })
    const quote = structuredClone(gh.commentsOn()[0])

    const { posted } = await upsert(gh, 500, 'update', 'ghp_dana_personal_token')

    // The account came from GET /user; only the comment that starts with the marker is the report.
    expect(gh.requests[0]?.path).toBe('/api/v3/user')
    expect(posted).toMatchObject({ id: gh.commentsOn()[1]?.id, action: 'updated' })
    expect(gh.commentsOn()[0]).toEqual(quote)
    expect(gh.commentsOn()[1]?.body).toBe(report(500, 'report of run 500'))
  })

  it('with an App’s installation token: the App’s earlier report is found by the post’s author, and deleted', async () => {
    const app = { login: 'gate-app[bot]', type: 'Bot' } as const
    const gh = await fakeGitHub({
      postsAs: app,
      comments: [{ body: report(499, 'the App’s earlier report'), user: app }]
    })
    const earlier = gh.commentsOn()[0]?.id

    // A `ghs_` token is taken for github-actions[bot] until GitHub's answer to the post says more.
    const { posted } = await upsert(gh, 500, 'update', 'ghs_installation_of_gate_app')

    expect(writes(gh).map((r) => `${r.method} ${r.path.split('/').at(-1) ?? ''}`)).toEqual([
      'POST comments',
      `DELETE ${String(earlier)}`
    ])
    expect(gh.commentsOn().map((c) => [c.id, c.user.login, c.body])).toEqual([
      [posted.id, app.login, report(500, 'report of run 500')]
    ])
  })

  it('reads a run stamp only from the line right after the marker', () => {
    expect(readStamp(`${MARKER}\n${stampOf(7)}\nreport`)).toMatchObject({ runId: 7 })
    expect(readStamp(`${MARKER}\r\n${stampOf(7)}\r\nreport`)).toMatchObject({ runId: 7 })
    // A stamp further down (quoted in a table cell, an error text) is not the report's.
    expect(readStamp(`${MARKER}\nreport\n${stampOf(7)}`)).toBeNull()
    expect(readStamp(`${MARKER}\n> ${stampOf(7)}`)).toBeNull()
    expect(readStamp(`${MARKER}\n${stampOf(7)} and more`)).toBeNull()
  })

  it('a 403 that GitHub explains as a locked conversation says so, not pull-requests: write', async () => {
    const gh = await fakeGitHub()
    gh.failWrites(1, lockedConversation(), 'POST')

    const error = await upsert(gh, 500).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(CommentPermissionError)
    const message = (error as Error).message
    expect(message).toContain('the conversation is locked')
    expect(message).toContain('Unable to create comment because issue is locked.')
    expect(message).not.toContain('pull-requests: write')
    expect(message).not.toContain('Fork pull requests')
  })
})

describe('a report always remains, and the newest run’s is the one left', () => {
  it('recreate: a create GitHub refuses leaves the old report as it was; nothing is deleted', async () => {
    const gh = await fakeGitHub({ comments: [{ body: report(499), user: BOT }] })
    const before = structuredClone(gh.commentsOn())
    gh.failWrites(1, primaryRateLimit(), 'POST')

    await expect(upsert(gh, 500, 'recreate')).rejects.toThrow(/rate limit/)

    expect(gh.commentsOn()).toEqual(before)
    expect(writes(gh).map((r) => r.method)).toEqual(['POST'])
  })

  it('recreate: posts the new report first, then deletes the old one', async () => {
    const gh = await fakeGitHub({ comments: [{ body: report(499), user: BOT }] })
    const old = gh.commentsOn()[0]?.id

    const { posted } = await upsert(gh, 500, 'recreate')

    expect(writes(gh).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v3/repos/acme/analytics-dbt/issues/482/comments',
      `DELETE /api/v3/repos/acme/analytics-dbt/issues/comments/${String(old)}`
    ])
    expect(gh.commentsOn().map((c) => c.id)).toEqual([posted.id])
  })

  it.each<WritingMode>(['update', 'recreate'])(
    '%s: two runs that both create a report leave the newer run’s, and both name it',
    async (mode) => {
      const gh = await fakeGitHub()
      // Both list before either writes, and look again once both have written.
      gh.holdListings(2, 2)

      const [older, newer] = await Promise.all([upsert(gh, 500, mode), upsert(gh, 501, mode)])

      const left = gh.commentsOn()
      expect(left.map((c) => c.body)).toEqual([report(501, 'report of run 501')])
      expect(newer.posted).toMatchObject({ id: left[0]?.id, action: 'created' })
      expect(older.posted).toMatchObject({ id: left[0]?.id, action: 'kept' })
      // The older run deleted its own report; nobody deleted the newer one.
      const deleted = writes(gh).filter((r) => r.method === 'DELETE')
      expect(deleted.every((r) => !r.path.endsWith(`/${String(left[0]?.id)}`))).toBe(true)
    }
  )

  it('the newer run’s create answered slowly: the newer report is left, and each run names a comment that exists when it ends', async () => {
    const gh = await fakeGitHub({ comments: [{ body: report(499), user: BOT }] })
    gh.holdListings(2)
    gh.slowAnswers((r) => r.method === 'POST' && byRun(501)(r), 1_000)
    const ended: Record<number, { id: number; at: number }> = {}
    const step = (runId: number) =>
      upsert(gh, runId, 'recreate').then((result) => {
        ended[runId] = { id: result.posted.id, at: Date.now() }
        return result
      })

    await Promise.all([step(500), step(501)])

    const left = gh.commentsOn()
    expect(left.map((c) => c.body)).toEqual([report(501, 'report of run 501')])
    for (const runId of [500, 501]) {
      const { id, at } = ended[runId] ?? { id: 0, at: 0 }
      const deletedAt = gh.requests.find(
        (r) => r.method === 'DELETE' && r.path.endsWith(`/${String(id)}`)
      )?.time
      expect(id === left[0]?.id || (deletedAt !== undefined && deletedAt >= at)).toBe(true)
    }
  })

  it('update: an older run whose listing GitHub answers late leaves the newer run’s report', async () => {
    const gh = await fakeGitHub({ comments: [{ body: report(499), user: BOT }] })
    const id = gh.commentsOn()[0]?.id
    // Both list the report of run 499; the older run's listing comes back after the newer run
    // has written its report. Its fresh read before writing sees that report.
    gh.holdListings(2)
    gh.slowAnswers((r) => r.method === 'GET' && byRun(500)(r) && r.path.includes('?'), 300)

    const [older, newer] = await Promise.all([upsert(gh, 500), upsert(gh, 501)])

    expect(gh.commentsOn().map((c) => [c.id, c.body])).toEqual([
      [id, report(501, 'report of run 501')]
    ])
    expect(writes(gh).map((r) => `${r.method} ${r.headers.authorization ?? ''}`)).toEqual([
      'PATCH token ghs_run_501'
    ])
    expect(older.posted).toMatchObject({ id, action: 'kept' })
    expect(newer.posted).toMatchObject({ id, action: 'updated' })
  })

  it('update: an older run’s edit that lands after the newer run’s is written over again', async () => {
    const gh = await fakeGitHub({ comments: [{ body: report(499), user: BOT }] })
    const id = gh.commentsOn()[0]?.id
    // Both read the report of run 499, the older run's fresh read too, but that read is answered
    // late: its edit lands after the newer run's, before the newer run looks again.
    gh.holdListings(2)
    gh.slowAnswers((r) => r.method === 'GET' && byRun(500)(r) && !r.path.includes('?'), 200)
    gh.slowAnswers((r) => r.method === 'PATCH' && byRun(501)(r), 600)

    const [older, newer] = await Promise.all([upsert(gh, 500), upsert(gh, 501)])

    expect(gh.commentsOn().map((c) => [c.id, c.body])).toEqual([
      [id, report(501, 'report of run 501')]
    ])
    const patches = writes(gh).filter((r) => r.method === 'PATCH')
    expect(patches.map((r) => r.headers.authorization)).toEqual([
      'token ghs_run_501',
      'token ghs_run_500',
      'token ghs_run_501'
    ])
    expect(newer.logs.join('\n')).toContain(
      `Report comment ${String(id)} was overwritten by an older run (run 500 attempt 1)`
    )
    expect(newer.posted).toMatchObject({ id, action: 'updated' })
    expect(older.posted.id).toBe(id)
  })

  it('an older run never deletes nor edits a newer run’s report it finds after writing', async () => {
    const gh = await fakeGitHub({ comments: [{ body: report(499), user: BOT }] })
    // The newer run's report appears while the older run's create is on its way.
    gh.slowAnswers((r) => r.method === 'POST' && byRun(500)(r), 300)
    const older = upsert(gh, 500, 'recreate')
    await until(() => gh.requests.some((r) => r.method === 'POST'))
    const newer = await upsert(gh, 501, 'update')
    const { posted } = await older

    const left = gh.commentsOn()
    expect(left.map((c) => c.body)).toEqual([report(501, 'report of run 501')])
    expect(posted).toMatchObject({ id: newer.posted.id, action: 'kept' })
    // The newer run found the older run's fresh report and wrote over it; the older run, looking
    // again, left that comment alone.
    const byOlder = writes(gh).filter(byRun(500))
    expect(byOlder[0]?.method).toBe('POST')
    expect(byOlder.slice(1).filter((r) => r.method === 'PATCH')).toEqual([])
    expect(byOlder.filter((r) => r.path.endsWith(`/${String(posted.id)}`))).toEqual([])
  })

  it('an older run deletes only reports no newer than its own, even when they are not the newest', async () => {
    const gh = await fakeGitHub()
    gh.slowAnswers((r) => r.method === 'POST' && byRun(500)(r), 300)
    const older = upsert(gh, 500, 'recreate')
    await until(() => gh.comments.length === 1)
    // Runs 501 and 502 write their reports while run 500's answer is on its way.
    for (const runId of [501, 502]) {
      await fetch(`${gh.url}/repos/acme/analytics-dbt/issues/482/comments`, {
        method: 'POST',
        body: JSON.stringify({ body: report(runId) })
      })
    }
    const { posted } = await older

    expect(gh.commentsOn().map((c) => c.body)).toEqual([report(501), report(502)])
    expect(posted).toMatchObject({ id: gh.commentsOn()[1]?.id, action: 'kept' })
  })

  it('the comment it wrote, deleted before it looked again, is an error, not a comment id', async () => {
    const gh = await fakeGitHub()
    gh.slowAnswers((r) => r.method === 'POST', 300)
    const run = upsert(gh, 500)
    await until(() => gh.comments.length === 1)
    gh.comments.splice(0, 1)

    await expect(run).rejects.toThrow(/was deleted while this run wrote it/)
  })
})

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}
