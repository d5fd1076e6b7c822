// A fake GitHub REST API on 127.0.0.1 under `/api/v3`, the way GitHub Enterprise Server serves
// it, so the action's octokit talks to it through `GITHUB_API_URL`. It covers what the sticky PR
// comment needs: list an issue's comments (paginated, with RFC 5988 `Link` headers), create,
// update and delete a comment, and `GET /user`, which a GITHUB_TOKEN may not call; and, in
// fake-github-checks.ts, commit statuses, check runs and the pull requests of a commit.
//
// Comments written through the API are authored by `github-actions[bot]`, as with a
// GITHUB_TOKEN, or by the account `postsAs` names (a personal token's). `readOnly` (settable at
// any time) makes every write answer 403 "Resource not accessible by integration", as for a fork's
// pull request. `failWrites` answers the next writes with a fault (a secondary rate limit by
// default); `holdListings` lines concurrent runs up; `slowAnswers` and `neverAnswer` delay or
// withhold answers; `pageLinksTo` points the page links at another host. Plain node:http and
// TypeScript, no jest: the demo runs this under `tsx`.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { checksApi, type ChecksApi, type ChecksOptions } from './fake-github-checks.js'
import {
  API_PREFIX,
  DOCS,
  notAccessible,
  notFound,
  now,
  pageOf,
  type Answer
} from './github-answers.js'
import { listenOnLoopback } from './loopback.js'

export interface GitHubUser {
  login: string
  id: number
  node_id: string
  avatar_url: string
  html_url: string
  type: 'Bot' | 'User'
  site_admin: boolean
}

/** An issue comment as the API returns it, plus where it lives (not sent). */
export interface FakeComment {
  id: number
  node_id: string
  url: string
  html_url: string
  issue_url: string
  body: string
  user: GitHubUser
  created_at: string
  updated_at: string
  author_association: 'NONE' | 'MEMBER' | 'CONTRIBUTOR' | 'OWNER'
  performed_via_github_app: null
  /** `owner/repo`; not part of the JSON the API sends. */
  repository: string
  /** Not part of the JSON the API sends. */
  issue_number: number
}

export interface SeedComment {
  body: string
  /** Default: a person, `{ login: 'octocat', type: 'User' }`. */
  user?: { login: string; type: 'Bot' | 'User' }
  /** Default: the server's `owner`/`repo`/`issueNumber`. */
  owner?: string
  repo?: string
  issue_number?: number
}

export interface FakeGitHubOptions extends ChecksOptions {
  owner?: string
  repo?: string
  /** The pull request seeded comments go to (default 482). */
  issueNumber?: number
  comments?: SeedComment[]
  /** When set, requests need `Authorization: token <t>` or `Bearer <t>`, else 401. */
  token?: string
  readOnly?: boolean
  latencyMs?: number
  /**
   * The account the token posts as (default `github-actions[bot]`, a GITHUB_TOKEN's). `GET /user`
   * names a User (a personal token), and answers 403 for a Bot (an installation token).
   */
  postsAs?: { login: string; type: 'Bot' | 'User' }
}

export interface RecordedGitHubRequest {
  method: string
  /** Path and query as sent, including the `/api/v3` prefix. */
  path: string
  headers: IncomingHttpHeaders
  /** The JSON body, parsed; the raw text when it is not JSON; undefined when empty. */
  body: unknown
  time: number
  /** What the fake answered, once it has (not for a request it never answers). */
  answer?: { status: number; body: unknown }
}

/** With the statuses, check runs and pulls of fake-github-checks.ts. */
export interface FakeGitHub extends Omit<ChecksApi, 'route'> {
  /** The API root, ending with `/api/v3`: the value for `GITHUB_API_URL`. */
  url: string
  /** The web root (the value for `GITHUB_SERVER_URL`). */
  serverUrl: string
  requests: RecordedGitHubRequest[]
  /** Every comment, all issues, oldest first; live. */
  comments: FakeComment[]
  /** The comments on one issue (default: the server's repository and pull request). */
  commentsOn(issueNumber?: number, repository?: string): FakeComment[]
  readOnly: boolean
  /**
   * The next `count` writes (POST, PATCH, DELETE; only `method` when given) get `fault` instead of
   * being carried out.
   */
  failWrites(count: number, fault?: GitHubFault, method?: 'POST' | 'PATCH' | 'DELETE'): void
  /**
   * Holds the next `count` comment listings until all `count` have arrived, then answers them
   * together: runs started at once all see the thread as it was before any of them wrote. With
   * `rounds`, so many groups of `count` in turn (a second round: their looks after writing).
   */
  holdListings(count: number, rounds?: number): void
  /** Requests that `match` are carried out at once and answered `ms` later. */
  slowAnswers(match: (request: RecordedGitHubRequest) => boolean, ms: number): void
  /**
   * Requests that `match` are carried out at once, and answered (as things stood when they
   * arrived) only when the function returned is called; after that, at once.
   */
  holdAnswers(match: (request: RecordedGitHubRequest) => boolean): () => void
  /**
   * Requests that `match` (every request by default) are accepted and never answered, nor carried
   * out; with `headersFirst`, a 200 and its headers are sent, and then no body.
   */
  neverAnswer(match?: (request: RecordedGitHubRequest) => boolean, headersFirst?: boolean): void
  /** Page links (`Link` headers) name this origin instead of the server's own; null: its own. */
  pageLinksTo(origin: string | null): void
  close(): Promise<void>
}

/** An answer a write gets instead of being carried out. */
export interface GitHubFault {
  status: number
  body: { message: string; documentation_url?: string }
  headers?: Record<string, string>
}

/** GitHub's primary rate limit, spent for the next hour: 403, `x-ratelimit-remaining: 0`. */
export function primaryRateLimit(): GitHubFault {
  return {
    status: 403,
    body: {
      message: 'API rate limit exceeded for installation ID 4242.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`
    },
    headers: {
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 3600)
    }
  }
}

/** What GitHub answers a new comment on a locked conversation. */
export function lockedConversation(): GitHubFault {
  return {
    status: 403,
    body: {
      message: 'Unable to create comment because issue is locked.',
      documentation_url: 'https://docs.github.com/articles/locking-conversations/'
    }
  }
}

/** GitHub refusing a comment for what it holds: 422 Validation Failed. */
export function commentRefused(): GitHubFault {
  return {
    status: 422,
    body: {
      message: `Validation Failed: body is too long (maximum is ${String(MAX_COMMENT_LENGTH)} characters)`,
      documentation_url: `${DOCS}/issues/comments#update-an-issue-comment`
    }
  }
}

/** GitHub's secondary rate limit: 403, `retry-after`, a message naming it. */
export function secondaryRateLimit(retryAfter = '1'): GitHubFault {
  return {
    status: 403,
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`
    },
    headers: { 'Retry-After': retryAfter }
  }
}

export const BOT_USER: GitHubUser = {
  login: 'github-actions[bot]',
  id: 41898282,
  node_id: 'MDM6Qm90NDE4OTgyODI=',
  avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
  html_url: 'https://github.com/apps/github-actions',
  type: 'Bot',
  site_admin: false
}

/** GitHub's limit on a comment body, in characters. */
export const MAX_COMMENT_LENGTH = 65_536

const LIST_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/
const COMMENT_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme'
  const repo = options.repo ?? 'analytics-dbt'
  const issueNumber = options.issueNumber ?? 482
  const requests: RecordedGitHubRequest[] = []
  const comments: FakeComment[] = []
  const users = new Map<string, GitHubUser>([[BOT_USER.login, BOT_USER]])
  let nextId = 2_034_567_001
  let base = ''
  let closed = false
  const timers = new Set<NodeJS.Timeout>()
  const faults: { fault: GitHubFault; method: string | undefined }[] = []
  const slow: { match: (request: RecordedGitHubRequest) => boolean; ms: number }[] = []
  const silent: { match: (request: RecordedGitHubRequest) => boolean; headersFirst: boolean }[] = []
  const held: { match: (request: RecordedGitHubRequest) => boolean; waiting: (() => void)[] }[] = []
  const unanswered = new Set<ServerResponse>()
  let linkOrigin: string | null = null
  const poster = options.postsAs ?? { login: BOT_USER.login, type: 'Bot' }
  let listingsToHold = 0
  let roundsToHold = 0
  let heldListings: (() => void)[] = []

  const userFor = (login: string, type: 'Bot' | 'User'): GitHubUser => {
    const known = users.get(login)
    if (known) return known
    const id = 9_000_000 + users.size
    const user: GitHubUser = {
      login,
      id,
      node_id: Buffer.from(`04:${type}${id}`).toString('base64'),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      html_url: `https://github.com/${login}`,
      type,
      site_admin: false
    }
    users.set(login, user)
    return user
  }

  const checks = checksApi(
    {
      owner,
      repo,
      api: () => `${base}${API_PREFIX}`,
      web: () => base,
      poster: () =>
        poster.login === BOT_USER.login ? BOT_USER : userFor(poster.login, poster.type),
      readOnly: () => fake.readOnly,
      userFor
    },
    options
  )

  const makeComment = (
    repository: string,
    issue: number,
    body: string,
    user: GitHubUser,
    at: string
  ): FakeComment => {
    const id = nextId++
    return {
      id,
      node_id: Buffer.from(`012:IssueComment${id}`).toString('base64'),
      url: `${base}${API_PREFIX}/repos/${repository}/issues/comments/${id}`,
      html_url: `${base}/${repository}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${base}${API_PREFIX}/repos/${repository}/issues/${issue}`,
      body,
      user,
      created_at: at,
      updated_at: at,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
      repository,
      issue_number: issue
    }
  }

  const route = (
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown
  ): Answer => {
    if (!pathname.startsWith(`${API_PREFIX}/`)) return notFound()
    const faultAt =
      method === 'GET' ? -1 : faults.findIndex((f) => f.method === undefined || f.method === method)
    const fault = faults.splice(faultAt, faultAt < 0 ? 0 : 1)[0]?.fault
    if (fault) return { status: fault.status, body: fault.body, headers: fault.headers ?? {} }
    const path = pathname.slice(API_PREFIX.length)
    if (path === '/user') {
      if (method !== 'GET') return notFound()
      return poster.type === 'User'
        ? { status: 200, body: userFor(poster.login, 'User') }
        : notAccessible('users/users#get-the-authenticated-user')
    }
    const list = LIST_PATH.exec(path)
    if (list) {
      const repository = `${list[1] ?? ''}/${list[2] ?? ''}`
      const issue = Number(list[3])
      if (method === 'GET') return listComments(repository, issue, query, pathname)
      if (method === 'POST') {
        if (fake.readOnly) return notAccessible('issues/comments#create-an-issue-comment')
        const text = bodyText(body)
        if (typeof text !== 'string') return text
        const author =
          poster.login === BOT_USER.login ? BOT_USER : userFor(poster.login, poster.type)
        const comment = makeComment(repository, issue, text, author, now())
        comments.push(comment)
        return { status: 201, body: wire(comment), headers: { Location: comment.url } }
      }
      return notFound()
    }
    const one = COMMENT_PATH.exec(path)
    if (one) {
      const repository = `${one[1] ?? ''}/${one[2] ?? ''}`
      const id = Number(one[3])
      const index = comments.findIndex((c) => c.id === id && c.repository === repository)
      const comment = comments[index]
      if (method === 'GET') return comment ? { status: 200, body: wire(comment) } : notFound()
      if (method === 'PATCH') {
        if (fake.readOnly) return notAccessible('issues/comments#update-an-issue-comment')
        if (!comment) return notFound('issues/comments#update-an-issue-comment')
        const text = bodyText(body)
        if (typeof text !== 'string') return text
        comment.body = text
        comment.updated_at = now()
        return { status: 200, body: wire(comment) }
      }
      if (method === 'DELETE') {
        if (fake.readOnly) return notAccessible('issues/comments#delete-an-issue-comment')
        if (!comment) return notFound('issues/comments#delete-an-issue-comment')
        comments.splice(index, 1)
        return { status: 204 }
      }
    }
    return checks.route(method, path, query, body) ?? notFound()
  }

  const listComments = (
    repository: string,
    issue: number,
    query: URLSearchParams,
    pathname: string
  ): Answer => {
    const all = comments.filter((c) => c.repository === repository && c.issue_number === issue)
    const page = pageOf(all, query, `${linkOrigin ?? base}${pathname}`)
    return { ...page, body: (page.body as FakeComment[]).map(wire) }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const method = req.method ?? 'GET'
      const target = req.url ?? '/'
      const url = new URL(target, 'http://127.0.0.1')
      const text = Buffer.concat(chunks).toString('utf8')
      const body = parseBody(text)
      const recorded: RecordedGitHubRequest = {
        method,
        path: target,
        headers: req.headers,
        body,
        time: Date.now()
      }
      requests.push(recorded)
      const withheld = silent.find((s) => s.match(recorded))
      if (withheld) {
        unanswered.add(res)
        if (withheld.headersFirst) {
          res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' })
          res.flushHeaders()
        }
        return
      }
      const respond = (): void => {
        const answer =
          options.token !== undefined && !hasToken(req.headers.authorization, options.token)
            ? {
                status: 401,
                body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' }
              }
            : route(method, url.pathname, url.searchParams, body)
        recorded.answer = { status: answer.status, body: answer.body }
        const latency =
          (options.latencyMs ?? 0) +
          slow.filter((s) => s.match(recorded)).reduce((sum, s) => sum + s.ms, 0)
        const hold = held.find((h) => h.match(recorded))
        if (hold) {
          hold.waiting.push(() => {
            reply(res, answer)
          })
          return
        }
        if (latency <= 0) {
          reply(res, answer)
          return
        }
        const timer = setTimeout(() => {
          timers.delete(timer)
          reply(res, answer)
        }, latency)
        timers.add(timer)
      }
      const isListing = method === 'GET' && LIST_PATH.test(url.pathname.slice(API_PREFIX.length))
      if (!isListing || listingsToHold === 0) {
        respond()
        return
      }
      heldListings.push(respond)
      if (heldListings.length < listingsToHold) return
      const release = heldListings
      heldListings = []
      if (--roundsToHold <= 0) listingsToHold = 0
      for (const held of release) held()
    })
  })

  base = await listenOnLoopback(server)

  const seedStart = Date.parse('2026-11-20T09:00:00Z')
  for (const [index, seed] of (options.comments ?? []).entries()) {
    const user = seed.user ?? { login: 'octocat', type: 'User' }
    const at = new Date(seedStart + index * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    comments.push(
      makeComment(
        `${seed.owner ?? owner}/${seed.repo ?? repo}`,
        seed.issue_number ?? issueNumber,
        seed.body,
        user.login === BOT_USER.login ? BOT_USER : userFor(user.login, user.type),
        at
      )
    )
  }

  const fake: FakeGitHub = {
    url: `${base}${API_PREFIX}`,
    serverUrl: base,
    requests,
    comments,
    commentsOn: (issue = issueNumber, repository = `${owner}/${repo}`) =>
      comments.filter((c) => c.repository === repository && c.issue_number === issue),
    readOnly: options.readOnly ?? false,
    failWrites: (count, fault = secondaryRateLimit(), method) => {
      for (let i = 0; i < count; i++) faults.push({ fault, method })
    },
    slowAnswers: (match, ms) => {
      slow.push({ match, ms })
    },
    holdAnswers: (match) => {
      const hold = { match, waiting: [] as (() => void)[] }
      held.push(hold)
      return () => {
        held.splice(held.indexOf(hold), 1)
        for (const answer of hold.waiting.splice(0)) answer()
      }
    },
    neverAnswer: (match = () => true, headersFirst = false) => {
      silent.push({ match, headersFirst })
    },
    pageLinksTo: (origin) => {
      linkOrigin = origin
    },
    statuses: checks.statuses,
    checkRuns: checks.checkRuns,
    pulls: checks.pulls,
    deny: (permission, level) => {
      checks.deny(permission, level)
    },
    allow: (permission) => {
      checks.allow(permission)
    },
    seedStatus: (seed) => checks.seedStatus(seed),
    holdListings: (count, rounds = 1) => {
      listingsToHold = Math.max(0, Math.trunc(count))
      roundsToHold = Math.max(1, Math.trunc(rounds))
      heldListings = []
    },
    close: async () => {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      for (const res of unanswered) res.destroy()
      const done = new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
      server.closeAllConnections()
      await done
    }
  }
  return fake
}

/** Fake GitHubs started for one test, closed together when it ends (from `afterEach`). */
export function fakeGitHubPool(): {
  start: (options?: FakeGitHubOptions) => Promise<FakeGitHub>
  closeAll: () => Promise<void>
} {
  let started: FakeGitHub[] = []
  return {
    start: async (options) => {
      const github = await startFakeGitHub(options)
      started.push(github)
      return github
    },
    closeAll: async () => {
      await Promise.all(started.map((github) => github.close()))
      started = []
    }
  }
}

/**
 * A long pull-request thread to seed: `total` comments by people and bots, with the action's
 * report (by `github-actions[bot]`, carrying `marker`) at `reportAt`, and a person's comment that
 * quotes the marker at `humanQuoteAt`. Leave either index out to omit it.
 */
export function commentThread(options: {
  total: number
  marker: string
  reportAt?: number
  reportBody?: string
  humanQuoteAt?: number
}): SeedComment[] {
  const people = ['dana-analytics', 'mo-data', 'priya-eng', 'sam-reviewer']
  return Array.from({ length: options.total }, (_, i): SeedComment => {
    if (i === options.reportAt) {
      return {
        body: options.reportBody ?? `${options.marker}\n## Datafold data diff\n\nAn older report.`,
        user: { login: BOT_USER.login, type: 'Bot' }
      }
    }
    if (i === options.humanQuoteAt) {
      return {
        body: `Why does the bot say this?\n\n> ${options.marker}\n> rows changed over the limit`,
        user: { login: 'priya-eng', type: 'User' }
      }
    }
    if (i % 50 === 7) {
      return {
        body: `Deploy preview ready: https://preview.example.com/pr-482/${String(i)}`,
        user: { login: 'netlify[bot]', type: 'Bot' }
      }
    }
    return {
      body: `Review note ${String(i + 1)}: ${i % 3 === 0 ? 'LGTM' : 'Could we add a test for this model?'}`,
      user: { login: people[i % people.length] ?? 'octocat', type: 'User' }
    }
  })
}

/** The report's hidden marker for a comment key. */
export function reportMarker(key = 'default'): string {
  return `<!-- datafold-diff-gate:${key} -->`
}

/** The comment as the API sends it: without where it lives. */
function wire(comment: FakeComment): Omit<FakeComment, 'repository' | 'issue_number'> {
  return {
    id: comment.id,
    node_id: comment.node_id,
    url: comment.url,
    html_url: comment.html_url,
    issue_url: comment.issue_url,
    body: comment.body,
    user: comment.user,
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: comment.author_association,
    performed_via_github_app: comment.performed_via_github_app
  }
}

/** Characters as GitHub counts them: code points, so a surrogate pair is one. */
function characters(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0)
}

function bodyText(body: unknown): string | Answer {
  const text =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).body : undefined
  if (typeof text !== 'string') {
    return {
      status: 422,
      body: {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: `${DOCS}/issues/comments`,
        status: '422'
      }
    }
  }
  if (characters(text) > MAX_COMMENT_LENGTH) {
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${String(MAX_COMMENT_LENGTH)} characters)`
          }
        ],
        documentation_url: `${DOCS}/issues/comments`,
        status: '422'
      }
    }
  }
  return text
}

function reply(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.writableEnded) return
  const headers: Record<string, string> = {
    'X-GitHub-Media-Type': 'github.v3; format=json',
    'X-GitHub-Request-Id': `FAKE:${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
    'X-RateLimit-Limit': '5000',
    'X-RateLimit-Remaining': '4990',
    'X-RateLimit-Used': '10',
    'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 3600),
    'X-RateLimit-Resource': 'core',
    ...answer.headers
  }
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers)
    res.end()
    return
  }
  res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(answer.body))
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function hasToken(header: string | undefined, token: string): boolean {
  if (!header) return false
  const match = /^(\S+)\s+(.+)$/.exec(header.trim())
  const scheme = match?.[1]?.toLowerCase()
  return (scheme === 'token' || scheme === 'bearer') && match?.[2] === token
}
