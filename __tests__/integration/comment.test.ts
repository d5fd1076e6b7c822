// upsertComment and createGitHubClient against nock playing the GitHub REST API, on github.com
// and on a GitHub Enterprise Server-like host under /api/v3. Assertions are on what was sent.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nock from 'nock'
import { commentMarker, stampLine } from '../../src/comment-state.js'
import {
  authorOfToken,
  upsertComment,
  type UpsertCommentOptions
} from '../../src/github/comment.js'
import { CommentPermissionError } from '../../src/github/errors.js'
import { createGitHubClient } from '../../src/github/octokit.js'

const TOKEN = 'ghs_SECRET_TOKEN_5f3a'
const MARKER = commentMarker('default')
const BODY = `${MARKER}\n### Datafold diff gate: pass\n\n| diff | rows removed |\n|---|---|\n| 12 | 0 |`
const BOT = { login: 'github-actions[bot]', type: 'Bot' }
const PERSON = { login: 'octocat', type: 'User' }

interface Call {
  method: string
  path: string
  body: unknown
}

interface Host {
  name: string
  origin: string
  prefix: string
}

const HOSTS: Host[] = [
  { name: 'github.com', origin: 'https://api.github.com', prefix: '' },
  { name: 'GitHub Enterprise Server', origin: 'https://ghe.example', prefix: '/api/v3' }
]

const COMMENTS = '/repos/acme/warehouse/issues/42/comments'

function comment(id: number, user: { login: string; type: string } | null, body: string) {
  return {
    id,
    body,
    user,
    html_url: `https://github.com/acme/warehouse/pull/42#issuecomment-${id}`,
    created_at: new Date(Date.UTC(2026, 10, 1, 0, 0, id)).toISOString()
  }
}

function options(overrides: Partial<UpsertCommentOptions> = {}): UpsertCommentOptions {
  return {
    owner: 'acme',
    repo: 'warehouse',
    issueNumber: 42,
    marker: MARKER,
    body: BODY,
    mode: 'update',
    ...overrides
  }
}

/** nock for one host, recording every request it answers, in order. */
function fakeGitHub(host: Host) {
  const calls: Call[] = []
  const logs: string[] = []
  const scope = nock(host.origin)
  const p = (path: string) => `${host.prefix}${path}`
  const answer = (status: number, data: nock.Body = '', headers?: nock.ReplyHeaders) =>
    function (this: nock.ReplyFnContext, uri: string, body: nock.Body): nock.ReplyFnResult {
      calls.push({ method: this.req.method, path: uri, body })
      return headers ? [status, data, headers] : [status, data]
    }
  const client = () =>
    createGitHubClient(TOKEN, {
      baseUrl: `${host.origin}${host.prefix}`,
      fetch: globalThis.fetch,
      log: (message) => logs.push(message),
      pacing: 'none'
    })
  /** GET /user as a GITHUB_TOKEN answers it. */
  const actionsToken = () =>
    scope.get(p('/user')).reply(answer(403, { message: 'Resource not accessible by integration' }))
  const listing = (comments: object[]) =>
    scope.get(p(COMMENTS)).query({ per_page: '100' }).reply(answer(200, comments))
  /** A create, then the one more listing that follows it (`relist`; null: the test scripts it). */
  const created = (id: number, relist: object[] | null = [comment(id, BOT, BODY)]) => {
    scope.post(p(COMMENTS)).reply(answer(201, comment(id, BOT, BODY)))
    if (relist) listing(relist)
  }
  const updated = (id: number, user: { login: string; type: string } = BOT) =>
    scope
      .patch(p(`/repos/acme/warehouse/issues/comments/${id}`))
      .reply(answer(200, comment(id, user, BODY)))
  const deleted = (id: number) =>
    scope.delete(p(`/repos/acme/warehouse/issues/comments/${id}`)).reply(answer(204))
  /** The report read afresh right before writing, as it is then. */
  const reread = (found: { id: number }) =>
    scope
      .get(p(`/repos/acme/warehouse/issues/comments/${found.id}`))
      .reply(answer(200, found as nock.Body))
  /** A listing whose newest report is then read afresh. */
  const found = (comments: object[], newest: { id: number }) => {
    listing(comments)
    reread(newest)
  }
  return {
    ...{ scope, calls, logs, p, answer, client, actionsToken, listing, created, updated },
    ...{ deleted, reread, found }
  }
}

beforeAll(() => {
  nock.disableNetConnect()
})

afterEach(() => {
  const pending = nock.pendingMocks()
  nock.cleanAll()
  expect(pending).toEqual([])
})

// Hands Node's http back: the next file's nock patches it afresh (jest runs files in one process).
afterAll(() => {
  nock.restore()
})

describe('commentMarker', () => {
  it('is an HTML comment naming the key', () => {
    expect(commentMarker('default')).toBe('<!-- datafold-diff-gate:default -->')
    expect(commentMarker('nightly-42')).toBe('<!-- datafold-diff-gate:nightly-42 -->')
  })
})

describe.each(HOSTS)('upsertComment on $name', (host) => {
  it('creates the comment when there is none, under the API prefix', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([comment(1, PERSON, 'LGTM')])
    // One more look after creating, for a concurrent run's comment: none.
    gh.created(901, [comment(1, PERSON, 'LGTM'), comment(901, BOT, BODY)])

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toEqual({
      id: 901,
      url: 'https://github.com/acme/warehouse/pull/42#issuecomment-901',
      action: 'created'
    })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `GET ${gh.p('/user')}`,
      `GET ${gh.p(COMMENTS)}?per_page=100`,
      `POST ${gh.p(COMMENTS)}`,
      `GET ${gh.p(COMMENTS)}?per_page=100`
    ])
    expect(gh.calls.every((c) => c.path.startsWith(`${host.prefix}/`))).toBe(true)
    expect(gh.calls[2]?.body).toEqual({ body: BODY })
  })

  it('reads every page and edits the comment it finds on page 3 of 3', async () => {
    const gh = fakeGitHub(host)
    const base = `${host.origin}${host.prefix}/repositories/7/issues/42/comments`
    const link = (page: number) =>
      `<${base}?per_page=100&page=${page + 1}>; rel="next", <${base}?per_page=100&page=3>; rel="last"`
    const people = (from: number) =>
      Array.from({ length: 100 }, (_, i) => comment(from + i, PERSON, `comment ${from + i}`))
    const threePages = (report: object) =>
      gh.scope
        .get(gh.p(COMMENTS))
        .query({ per_page: '100' })
        .reply(gh.answer(200, people(1), { link: link(1) }))
        .get(gh.p('/repositories/7/issues/42/comments'))
        .query({ per_page: '100', page: '2' })
        .reply(gh.answer(200, people(101), { link: link(2) }))
        .get(gh.p('/repositories/7/issues/42/comments'))
        .query({ per_page: '100', page: '3' })
        .reply(gh.answer(200, [comment(201, PERSON, 'one more'), report]))
    gh.actionsToken()
    threePages(comment(777, BOT, `${MARKER}\nold`))
    gh.reread(comment(777, BOT, `${MARKER}\nold`))
    gh.updated(777)
    // The look after writing reads every page again.
    threePages(comment(777, BOT, BODY))

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toMatchObject({ id: 777, action: 'updated' })
    const pages = [
      `GET ${gh.p(COMMENTS)}?per_page=100`,
      `GET ${gh.p('/repositories/7/issues/42/comments')}?per_page=100&page=2`,
      `GET ${gh.p('/repositories/7/issues/42/comments')}?per_page=100&page=3`
    ]
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `GET ${gh.p('/user')}`,
      ...pages,
      `GET ${gh.p('/repos/acme/warehouse/issues/comments/777')}`,
      `PATCH ${gh.p('/repos/acme/warehouse/issues/comments/777')}`,
      ...pages
    ])
    expect(gh.calls[5]?.body).toEqual({ body: BODY })
  })

  it('never touches a comment in which a person pasted the marker', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([
      comment(5, PERSON, `Why is ${MARKER} in my comment?`),
      // A person whose login imitates the bot is still a User.
      comment(6, { login: 'github-actions[bot]', type: 'User' }, `${MARKER}\nfake`)
    ])
    gh.created(902)

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toMatchObject({ id: 902, action: 'created' })
    expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'POST', 'GET'])
  })

  it('with a personal token, only that account’s comments are candidates', async () => {
    const gh = fakeGitHub(host)
    const releaseBot = { login: 'release-bot', type: 'User' }
    gh.scope.get(gh.p('/user')).reply(gh.answer(200, releaseBot))
    const others = [
      comment(10, BOT, `${MARKER}\nwritten by a GITHUB_TOKEN run`),
      comment(12, PERSON, `${MARKER}\npasted`),
      comment(13, releaseBot, 'ours, without the marker')
    ]
    gh.found(
      [...others, comment(11, releaseBot, `${MARKER}\nours`)],
      comment(11, releaseBot, `${MARKER}\nours`)
    )
    gh.updated(11, releaseBot)
    gh.listing([...others, comment(11, releaseBot, BODY)])

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toMatchObject({ id: 11, action: 'updated' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`).slice(2)).toEqual([
      `GET ${gh.p('/repos/acme/warehouse/issues/comments/11')}`,
      `PATCH ${gh.p('/repos/acme/warehouse/issues/comments/11')}`,
      `GET ${gh.p(COMMENTS)}?per_page=100`
    ])
  })

  it('update: edits the newest candidate, then deletes the older one a racing run left', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    const thread = (newest: string) => [
      comment(30, BOT, `${MARKER}\nfirst run`),
      comment(31, PERSON, 'a review'),
      comment(35, BOT, newest),
      comment(36, BOT, `${commentMarker('other-key')}\nanother gate`)
    ]
    gh.found(thread(`${MARKER}\nsecond run`), comment(35, BOT, `${MARKER}\nsecond run`))
    gh.updated(35)
    gh.listing(thread(BODY))
    gh.deleted(30)

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toMatchObject({ id: 35, action: 'updated' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`).slice(2)).toEqual([
      `GET ${gh.p('/repos/acme/warehouse/issues/comments/35')}`,
      `PATCH ${gh.p('/repos/acme/warehouse/issues/comments/35')}`,
      `GET ${gh.p(COMMENTS)}?per_page=100`,
      `DELETE ${gh.p('/repos/acme/warehouse/issues/comments/30')}`
    ])
    expect(gh.calls[3]?.body).toEqual({ body: BODY })
  })

  it('recreate: creates the comment first, then deletes every earlier report', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    const earlier = [
      comment(40, BOT, `${MARKER}\nolder`),
      comment(41, PERSON, `${MARKER}\npasted by a person`),
      comment(44, BOT, `${MARKER}\nnewer`)
    ]
    gh.found(earlier, comment(44, BOT, `${MARKER}\nnewer`))
    gh.created(950, [...earlier, comment(950, BOT, BODY)])
    gh.deleted(40)
    gh.deleted(44)

    const posted = await upsertComment(await gh.client(), options({ mode: 'recreate' }))

    expect(posted).toMatchObject({ id: 950, action: 'created' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`).slice(2)).toEqual([
      `GET ${gh.p('/repos/acme/warehouse/issues/comments/44')}`,
      `POST ${gh.p(COMMENTS)}`,
      `GET ${gh.p(COMMENTS)}?per_page=100`,
      `DELETE ${gh.p('/repos/acme/warehouse/issues/comments/40')}`,
      `DELETE ${gh.p('/repos/acme/warehouse/issues/comments/44')}`
    ])
    expect(gh.calls[3]?.body).toEqual({ body: BODY })
  })

  it('turns a 403 on create into a CommentPermissionError naming the permission', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.scope
      .post(gh.p(COMMENTS))
      .reply(gh.answer(403, { message: 'Resource not accessible by integration' }))

    const error = await upsertComment(await gh.client(), options()).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(CommentPermissionError)
    const message = (error as CommentPermissionError).message
    expect(message).toContain('`pull-requests: write`')
    expect(message).toContain('README section "Fork pull requests')
    expect(message).toContain('Resource not accessible by integration')
    expect(message).not.toContain(TOKEN)
    // A permission error is not retried.
    expect(gh.calls.filter((c) => c.method === 'POST')).toHaveLength(1)
  })

  it('retries a secondary rate limit (403 with retry-after) and then succeeds', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.scope.post(gh.p(COMMENTS)).reply(
      gh.answer(
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
        },
        { 'retry-after': '1' }
      )
    )
    gh.created(960)

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toMatchObject({ id: 960, action: 'created' })
    const posts = gh.calls.filter((c) => c.method === 'POST')
    expect(posts).toHaveLength(2)
    expect(posts.map((c) => c.body)).toEqual([{ body: BODY }, { body: BODY }])
    expect(
      gh.logs.some((m) => m.includes('secondary rate limit') && m.includes('retry 1 of 2'))
    ).toBe(true)
    expect(gh.logs.join('\n')).not.toContain(TOKEN)
  })
})

describe('upsertComment, further cases', () => {
  const host = HOSTS[0] as Host

  it('does not wait a minute or more for a secondary rate limit, and does not call it a permission problem', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.scope
      .post(COMMENTS)
      .reply(
        gh.answer(
          403,
          { message: 'You have exceeded a secondary rate limit.' },
          { 'retry-after': '90' }
        )
      )

    const error = await upsertComment(await gh.client(), options()).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(CommentPermissionError)
    expect(gh.calls.filter((c) => c.method === 'POST')).toHaveLength(1)
    expect(gh.logs.some((m) => m.includes('not retrying'))).toBe(true)
  })

  it('retries a primary rate limit at most twice', async () => {
    const gh = fakeGitHub(host)
    const limited = () =>
      gh.answer(
        403,
        { message: 'API rate limit exceeded for installation ID 1.' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000))
        }
      )
    gh.actionsToken()
    gh.scope
      .get(COMMENTS)
      .query(true)
      .reply(limited())
      .get(COMMENTS)
      .query(true)
      .reply(limited())
      .get(COMMENTS)
      .query(true)
      .reply(limited())

    const error = await upsertComment(await gh.client(), options()).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(CommentPermissionError)
    expect(gh.calls.filter((c) => c.path.startsWith(COMMENTS))).toHaveLength(3)
    expect(gh.logs.filter((m) => m.includes('retr'))).toEqual([
      expect.stringContaining('retry 1 of 2'),
      expect.stringContaining('retry 2 of 2'),
      expect.stringContaining('gave up after 2 retries')
    ])
  })

  it('turns a 403 on edit into a CommentPermissionError too (Dependabot, read-only token)', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.found([comment(70, BOT, `${MARKER}\nold`)], comment(70, BOT, `${MARKER}\nold`))
    gh.scope
      .patch('/repos/acme/warehouse/issues/comments/70')
      .reply(gh.answer(403, { message: 'Resource not accessible by integration' }))

    await expect(upsertComment(await gh.client(), options())).rejects.toThrow(
      CommentPermissionError
    )
  })

  it('creates a new comment when the one it meant to edit was deleted meanwhile', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.found([comment(80, BOT, `${MARKER}\nold`)], comment(80, BOT, `${MARKER}\nold`))
    gh.scope
      .patch('/repos/acme/warehouse/issues/comments/80')
      .reply(gh.answer(404, { message: 'Not Found' }))
    gh.created(981)

    const posted = await upsertComment(await gh.client(), options())

    expect(posted).toMatchObject({ id: 981, action: 'created' })
    expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET', 'PATCH', 'POST', 'GET'])
  })

  it('recreate: a candidate already deleted by a racing run is not an error', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.found([comment(90, BOT, `${MARKER}\nold`)], comment(90, BOT, `${MARKER}\nold`))
    gh.created(991, [comment(90, BOT, `${MARKER}\nold`), comment(991, BOT, BODY)])
    gh.scope
      .delete('/repos/acme/warehouse/issues/comments/90')
      .reply(gh.answer(404, { message: 'Not Found' }))

    const posted = await upsertComment(await gh.client(), options({ mode: 'recreate' }))

    expect(posted).toMatchObject({ id: 991, action: 'created' })
    expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET', 'POST', 'GET', 'DELETE'])
  })

  it('ignores comments of deleted accounts and puts the marker on a body that lacks it', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([comment(95, null, `${MARKER}\nby a deleted account`)])
    gh.created(996)

    await upsertComment(await gh.client(), options({ body: 'no marker here' }))

    expect(gh.calls[2]).toMatchObject({
      method: 'POST',
      body: { body: `${MARKER}\nno marker here` }
    })
  })

  it('with a GITHUB_TOKEN known by its prefix: one page, a fresh read, one write and one look after, no GET /user', async () => {
    const gh = fakeGitHub(host)
    gh.found(
      [comment(1, PERSON, `${MARKER}\npasted`), comment(777, BOT, `${MARKER}\nold`)],
      comment(777, BOT, `${MARKER}\nold`)
    )
    gh.updated(777)
    gh.listing([comment(1, PERSON, `${MARKER}\npasted`), comment(777, BOT, BODY)])

    const posted = await upsertComment(await gh.client(), options({ author: authorOfToken(TOKEN) }))

    expect(posted).toMatchObject({ id: 777, action: 'updated' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `GET ${gh.p(COMMENTS)}?per_page=100`,
      `GET ${gh.p('/repos/acme/warehouse/issues/comments/777')}`,
      `PATCH ${gh.p('/repos/acme/warehouse/issues/comments/777')}`,
      `GET ${gh.p(COMMENTS)}?per_page=100`
    ])
  })

  it('stops, writing nothing, when the token is refused outright', async () => {
    const gh = fakeGitHub(host)
    gh.scope.get('/user').reply(gh.answer(401, { message: 'Bad credentials' }))

    const error = await upsertComment(await gh.client(), options()).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(CommentPermissionError)
    expect(gh.calls.map((c) => c.method)).toEqual(['GET'])
  })
})

describe('authorOfToken', () => {
  it.each([
    ['ghs_16C7e42F292c6912E7710c838347Ae178B4a', { login: 'github-actions[bot]', type: 'Bot' }],
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', null],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', null],
    ['gho_16C7e42F292c6912E7710c838347Ae178B4a', null],
    ['0123456789abcdef0123456789abcdef01234567', null]
  ])('%s → %j', (token, author) => {
    expect(authorOfToken(token)).toEqual(author)
  })
})

describe('upsertComment: older runs and racing runs', () => {
  const host = HOSTS[0] as Host
  const stamped = (runId: number, attempt = 1) =>
    `${MARKER}\n${stampLine({ runId, attempt, at: '2026-11-20T09:00:00.000Z', sha: null })}\n## report`
  const OURS = stamped(500)

  it('leaves a newer run’s report as it is: no write, the existing comment is returned', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.found([comment(60, BOT, stamped(501))], comment(60, BOT, stamped(501)))
    const logs: string[] = []

    const posted = await upsertComment(
      await gh.client(),
      options({ body: OURS, log: (m) => logs.push(m) })
    )

    expect(posted).toEqual({
      id: 60,
      url: 'https://github.com/acme/warehouse/pull/42#issuecomment-60',
      action: 'kept'
    })
    expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET'])
    expect(logs.some((m) => m.includes('written by a newer run (run 501 attempt 1)'))).toBe(true)
  })

  it('reads the report afresh before writing: a newer run wrote since the listing, so it is kept', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    // The listing shows an older run's report; by the time of the write a newer run has edited it.
    gh.found([comment(63, BOT, stamped(499))], comment(63, BOT, stamped(501)))

    const posted = await upsertComment(await gh.client(), options({ body: OURS }))

    expect(posted).toMatchObject({ id: 63, action: 'kept' })
    expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET'])
  })

  it('reads the report found when the run started afresh instead of listing again', async () => {
    const gh = fakeGitHub(host)
    gh.reread(comment(64, BOT, stamped(499)))
    gh.updated(64)
    gh.listing([comment(64, BOT, OURS)])

    const posted = await upsertComment(
      await gh.client(),
      options({ body: OURS, author: authorOfToken(TOKEN), known: comment(64, BOT, stamped(499)) })
    )

    expect(posted).toMatchObject({ id: 64, action: 'updated' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /repos/acme/warehouse/issues/comments/64',
      'PATCH /repos/acme/warehouse/issues/comments/64',
      `GET ${COMMENTS}?per_page=100`
    ])
  })

  it('a re-run attempt of the same run is newer; recreate does not delete a newer report either', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.found([comment(61, BOT, stamped(500, 2))], comment(61, BOT, stamped(500, 2)))

    const posted = await upsertComment(await gh.client(), options({ body: OURS, mode: 'recreate' }))

    expect(posted).toMatchObject({ id: 61, action: 'kept' })
    expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET'])
  })

  it('edits a report from an older run, or one without a stamp, then looks once more', async () => {
    for (const existing of [stamped(499), `${MARKER}\nan older version's report`]) {
      const gh = fakeGitHub(host)
      gh.actionsToken()
      gh.found([comment(62, BOT, existing)], comment(62, BOT, existing))
      gh.updated(62)
      gh.listing([comment(62, BOT, OURS)])

      const posted = await upsertComment(await gh.client(), options({ body: OURS }))

      expect(posted).toMatchObject({ id: 62, action: 'updated' })
      expect(gh.calls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET', 'PATCH', 'GET'])
      expect(gh.calls[3]?.body).toEqual({ body: OURS })
    }
  })

  it('after a create, the newest run’s report stays: an older racer’s is deleted', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.created(71, null)
    // A racing run (an older one) created 70 meanwhile.
    gh.listing([comment(70, BOT, stamped(499)), comment(71, BOT, OURS)])
    gh.deleted(70)

    const posted = await upsertComment(await gh.client(), options({ body: OURS }))

    expect(posted).toMatchObject({ id: 71, action: 'created' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`).slice(2)).toEqual([
      `POST ${COMMENTS}`,
      `GET ${COMMENTS}?per_page=100`,
      'DELETE /repos/acme/warehouse/issues/comments/70'
    ])
  })

  it('after a create, a newer racer’s report stays, even when written after; this run’s goes', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.created(80, null)
    gh.listing([comment(80, BOT, OURS), comment(81, BOT, stamped(501))])
    gh.deleted(80)

    const posted = await upsertComment(await gh.client(), options({ body: OURS }))

    expect(posted).toMatchObject({ id: 81, action: 'kept' })
    expect(gh.calls.map((c) => `${c.method} ${c.path}`).slice(2)).toEqual([
      `POST ${COMMENTS}`,
      `GET ${COMMENTS}?per_page=100`,
      'DELETE /repos/acme/warehouse/issues/comments/80'
    ])
  })

  it('after a create, does not edit the oldest report when a newer run wrote it', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.created(91, null)
    gh.listing([comment(90, BOT, stamped(501)), comment(91, BOT, OURS)])
    gh.deleted(91)

    const posted = await upsertComment(await gh.client(), options({ body: OURS }))

    expect(posted).toMatchObject({ id: 90, action: 'kept' })
    expect(gh.calls.map((c) => c.method).slice(2)).toEqual(['POST', 'GET', 'DELETE'])
  })

  it('keeps the comment it created when the second look fails', async () => {
    const gh = fakeGitHub(host)
    gh.actionsToken()
    gh.listing([])
    gh.created(95, null)
    // A 404 (the pull request went away, say), which is not retried.
    gh.scope
      .get(COMMENTS)
      .query(true)
      .reply(gh.answer(404, { message: 'Not Found' }))
    const logs: string[] = []

    const posted = await upsertComment(
      await gh.client(),
      options({ body: OURS, log: (m) => logs.push(m) })
    )

    expect(posted).toMatchObject({ id: 95, action: 'created' })
    expect(
      logs.some((m) => m.startsWith('Could not check for a report written by a concurrent run'))
    ).toBe(true)
  })
})

describe('createGitHubClient', () => {
  it('sends the token and the base URL it was given', async () => {
    const scope = nock('https://ghe.example', {
      reqheaders: { authorization: `token ${TOKEN}` }
    })
      .get('/api/v3/user')
      .reply(200, { login: 'someone' })
    const github = await createGitHubClient(TOKEN, {
      baseUrl: 'https://ghe.example/api/v3',
      fetch: globalThis.fetch
    })

    const { data } = await github.rest.users.getAuthenticated()

    expect(data.login).toBe('someone')
    expect(scope.isDone()).toBe(true)
  })

  it('keeps GitHub’s pacing unless told otherwise: a second between two writes', async () => {
    const at: number[] = []
    const scope = nock('https://ghe.example')
      .patch(/\/api\/v3\/repos\/acme\/warehouse\/issues\/comments\/\d+$/)
      .times(2)
      .reply(() => {
        at.push(Date.now())
        return [200, comment(1, BOT, BODY)]
      })
    const github = await createGitHubClient(TOKEN, {
      baseUrl: 'https://ghe.example/api/v3',
      fetch: globalThis.fetch
    })
    const edit = (comment_id: number) =>
      github.rest.issues.updateComment({ owner: 'acme', repo: 'warehouse', comment_id, body: 'x' })

    await Promise.all([edit(1), edit(2)])

    expect(scope.isDone()).toBe(true)
    // The throttling plugin starts the second write 1,000 ms after the first; clocks may round.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(990)
  }, 15_000)

  it('sends every request with the fetch it is given, and the orchestration id in its user agent', async () => {
    const sent: string[] = []
    const scope = nock('https://ghe.example')
      .get('/api/v3/user')
      .reply(function () {
        return [200, { login: String(this.req.headers['user-agent']) }]
      })
    // @actions/github reads the runner's ACTIONS_ORCHESTRATION_ID when the client is made.
    process.env.ACTIONS_ORCHESTRATION_ID = ' run 42/attempt:1 '
    const github = await createGitHubClient(TOKEN, {
      baseUrl: 'https://ghe.example/api/v3',
      fetch: (input, init) => {
        sent.push(input instanceof Request ? input.url : input.toString())
        return globalThis.fetch(input, init)
      },
      pacing: 'none'
    }).finally(() => {
      delete process.env.ACTIONS_ORCHESTRATION_ID
    })

    const { data } = await github.rest.users.getAuthenticated()

    expect(sent).toEqual(['https://ghe.example/api/v3/user'])
    expect(data.login).toMatch(/actions_orchestration_id\/run_42_attempt_1/)
    expect(scope.isDone()).toBe(true)
  })

  it('loads octokit and its plugins lazily (type-only imports at the top)', () => {
    const source = ['octokit.ts', 'request-guard.ts']
      .map((file) => readFileSync(new URL(`../../src/github/${file}`, import.meta.url), 'utf8'))
      .join('\n')
    const staticImports = source
      .split('\n')
      .filter((line) => /^import\s.*from '@(actions|octokit)\//.test(line))
    expect(staticImports).not.toEqual([])
    expect(staticImports.every((line) => line.startsWith('import type '))).toBe(true)
  })
})
