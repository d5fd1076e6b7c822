// The fake GitHub's commit statuses, check runs and "pull requests of a commit", as GitHub's REST
// API serves them: `POST /repos/{o}/{r}/statuses/{sha}`, `GET …/commits/{ref}/statuses` (newest
// first) and `GET …/commits/{ref}/status` (combined), `GET …/commits/{sha}/pulls`,
// `POST …/check-runs` and `PATCH …/check-runs/{id}` (each update appends its annotations). GitHub's
// limits are enforced with its 422s: a description over 140 characters, over 50 annotations in a
// request, a summary over 65,535 characters. A permission can be denied (`deny`), answered with
// the 403 a GITHUB_TOKEN without it gets; statuses can be seeded (dbt Cloud's, say).
import {
  actionsApp,
  notAccessible,
  notFound,
  now,
  pageOf,
  repositoryJson,
  simpleUser,
  validationFailed,
  type Answer
} from './github-answers.js'
import type { GitHubUser } from './fake-github.js'

export type StatusState = 'pending' | 'success' | 'failure' | 'error'

/** A commit status as the API sends it, plus where it lives (not sent). */
export interface FakeStatus {
  avatar_url: string | null
  id: number
  node_id: string
  state: StatusState
  description: string | null
  target_url: string | null
  context: string
  created_at: string
  updated_at: string
  creator: GitHubUser
  /** Not part of the JSON the API sends. */
  sha: string
  repository: string
}

export interface SeedStatus {
  sha: string
  state: StatusState
  /** Default `default`, as GitHub's. */
  context?: string
  description?: string | null
  target_url?: string | null
  /** Default: a person, `dbt-cloud`, as dbt Cloud posts its CI status. */
  creator?: { login: string; type: 'Bot' | 'User' }
  /** Default: owner/repo of the server. */
  repository?: string
}

export interface SeedPull {
  number: number
  headSha: string
  /** Default `feature/pr-<number>`. */
  headRef?: string
  /** Default `main`. */
  baseRef?: string
  /** Default `open`. */
  state?: 'open' | 'closed'
  title?: string
}

export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title?: string
  raw_details?: string
  start_column?: number
  end_column?: number
}

export interface FakeCheckRun {
  id: number
  repository: string
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  started_at: string | null
  completed_at: string | null
  details_url: string | null
  external_id: string
  output: { title: string | null; summary: string | null; text: string | null }
  /** Every annotation received, in order, across the create and its updates. */
  annotations: CheckAnnotation[]
}

/** What a token may be refused: its write (`write`), or read and write alike (`read`). */
export type GitHubPermission = 'statuses' | 'checks' | 'pull-requests'
export type Denial = 'write' | 'read'

export interface ChecksOptions {
  statuses?: SeedStatus[]
  pulls?: SeedPull[]
  deny?: Partial<Record<GitHubPermission, Denial>>
}

export interface ChecksApi {
  /** Every commit status, all commits, oldest first; live. */
  statuses: FakeStatus[]
  /** Every check run, with every annotation it received; live. */
  checkRuns: FakeCheckRun[]
  /** The pull requests `GET /repos/{o}/{r}/commits/{sha}/pulls` finds by their head; live. */
  pulls: SeedPull[]
  /**
   * Refuses the permission as GitHub refuses a token without it (403 "Resource not accessible by
   * integration"): its writes (`write`, the default), or its reads too (`read`).
   */
  deny(permission: GitHubPermission, level?: Denial): void
  allow(permission: GitHubPermission): void
  /** A status someone else posted (dbt Cloud's, say), on the server's repository by default. */
  seedStatus(seed: SeedStatus): FakeStatus
  /** The answer to a request of this part of the API; null for a path it does not serve. */
  route(method: string, path: string, query: URLSearchParams, body: unknown): Answer | null
}

interface Server {
  owner: string
  repo: string
  /** The API root (…/api/v3) and the web root, known once the server listens. */
  api: () => string
  web: () => string
  /** The account a write is made as. */
  poster: () => GitHubUser
  /** Every write refused, as for a fork's pull request. */
  readOnly: () => boolean
  userFor: (login: string, type: 'Bot' | 'User') => GitHubUser
}

/** GitHub's limits, as its API enforces them. */
export const MAX_STATUS_DESCRIPTION = 140
export const MAX_STATUSES_PER_CONTEXT = 1_000
export const MAX_ANNOTATIONS_PER_REQUEST = 50
export const MAX_CHECK_OUTPUT_LENGTH = 65_535

const STATES = new Set<string>(['pending', 'success', 'failure', 'error'])
const SHA = /^[0-9a-f]{40}$/
const STATUS_DOC = 'commits/statuses#create-a-commit-status'
const CREATE_DOC = 'checks/runs#create-a-check-run'
const UPDATE_DOC = 'checks/runs#update-a-check-run'

const STATUSES = /^\/repos\/([^/]+\/[^/]+)\/statuses\/([^/]+)$/
const COMMIT = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)\/(statuses|status|pulls)$/
const CHECK_RUNS = /^\/repos\/([^/]+\/[^/]+)\/check-runs(?:\/(\d+))?$/

export function checksApi(server: Server, options: ChecksOptions = {}): ChecksApi {
  const statuses: FakeStatus[] = []
  const checkRuns: FakeCheckRun[] = []
  const pulls = [...(options.pulls ?? [])]
  const denied = new Map<GitHubPermission, Denial>(
    Object.entries(options.deny ?? {}) as [GitHubPermission, Denial][]
  )
  let nextStatusId = 40_100_000_001
  let nextCheckRunId = 31_200_000_001
  const own = `${server.owner}/${server.repo}`

  const refused = (permission: GitHubPermission, write: boolean): boolean => {
    const level = denied.get(permission)
    return level === 'read' || (write && (level === 'write' || server.readOnly()))
  }

  const addStatus = (
    repository: string,
    sha: string,
    fields: {
      state: StatusState
      context: string
      description: string | null
      target_url: string | null
    },
    creator: GitHubUser
  ): FakeStatus => {
    const id = nextStatusId++
    const at = now()
    const status: FakeStatus = {
      avatar_url: creator.avatar_url,
      id,
      node_id: Buffer.from(`011:StatusContext${id}`).toString('base64'),
      ...fields,
      created_at: at,
      updated_at: at,
      creator,
      sha,
      repository
    }
    statuses.push(status)
    return status
  }

  const statusUrl = (status: FakeStatus): string =>
    `${server.api()}/repos/${status.repository}/statuses/${status.sha}`

  const statusJson = (status: FakeStatus, withCreator = true): Record<string, unknown> => ({
    url: statusUrl(status),
    avatar_url: status.avatar_url,
    id: status.id,
    node_id: status.node_id,
    state: status.state,
    description: status.description,
    target_url: status.target_url,
    context: status.context,
    created_at: status.created_at,
    updated_at: status.updated_at,
    ...(withCreator ? { creator: simpleUser(status.creator, server.api()) } : {})
  })

  /** A branch name of a seeded pull request resolves to its head; anything else is a SHA. */
  const shaOf = (ref: string): string | null => {
    if (SHA.test(ref)) return ref
    return pulls.find((p) => (p.headRef ?? `feature/pr-${p.number}`) === ref)?.headSha ?? null
  }

  /** Newest first, as GitHub lists them. */
  const statusesOf = (repository: string, sha: string): FakeStatus[] =>
    statuses.filter((s) => s.repository === repository && s.sha === sha).reverse()

  const createStatus = (repository: string, sha: string, body: unknown): Answer => {
    if (refused('statuses', true)) return notAccessible(STATUS_DOC, 'statuses=write')
    if (!SHA.test(sha)) {
      return {
        status: 422,
        body: { message: `No commit found for SHA: ${sha}`, documentation_url: '', status: '422' }
      }
    }
    const fields = recordOf(body)
    const state = fields.state
    if (typeof state !== 'string' || !STATES.has(state)) {
      return validationFailed('Status', 'state', 'state is not included in the list', STATUS_DOC)
    }
    const description = optionalText(fields.description)
    if (description !== null && characters(description) > MAX_STATUS_DESCRIPTION) {
      return validationFailed(
        'Status',
        'description',
        `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)`,
        STATUS_DOC
      )
    }
    const context = optionalText(fields.context) ?? 'default'
    const same = statusesOf(repository, sha).filter(
      (s) => s.context.toLowerCase() === context.toLowerCase()
    )
    if (same.length >= MAX_STATUSES_PER_CONTEXT) {
      return validationFailed(
        'Status',
        'context',
        `This SHA and context has reached the maximum number of statuses.`,
        STATUS_DOC
      )
    }
    const status = addStatus(
      repository,
      sha,
      {
        state: state as StatusState,
        context,
        description,
        target_url: optionalText(fields.target_url)
      },
      server.poster()
    )
    return { status: 201, body: statusJson(status), headers: { Location: statusUrl(status) } }
  }

  const combined = (repository: string, sha: string, query: URLSearchParams): Answer => {
    // The latest status of each context, newest first.
    const latest = new Map<string, FakeStatus>()
    for (const status of statusesOf(repository, sha)) {
      const key = status.context.toLowerCase()
      if (!latest.has(key)) latest.set(key, status)
    }
    const all = [...latest.values()]
    const states = all.map((s) => s.state)
    const state =
      states.includes('error') || states.includes('failure')
        ? 'failure'
        : states.length === 0 || states.includes('pending')
          ? 'pending'
          : 'success'
    const page = pageOf(all, query, `${server.api()}/repos/${repository}/commits/${sha}/status`)
    const owner = server.userFor(repository.split('/')[0] ?? server.owner, 'User')
    return {
      ...page,
      body: {
        state,
        // `simple-commit-status`: without the creator.
        statuses: (page.body as FakeStatus[]).map((s) => statusJson(s, false)),
        sha,
        total_count: all.length,
        repository: repositoryJson(repository, owner, server.web(), server.api()),
        commit_url: `${server.api()}/repos/${repository}/commits/${sha}`,
        url: `${server.api()}/repos/${repository}/commits/${sha}/status`
      }
    }
  }

  const pullsOf = (repository: string, ref: string, query: URLSearchParams): Answer => {
    if (refused('pull-requests', false)) {
      return notAccessible(
        'commits/commits#list-pull-requests-associated-with-a-commit',
        'pull_requests=read'
      )
    }
    const sha = shaOf(ref)
    const found = repository === own ? pulls.filter((p) => p.headSha === sha) : []
    const page = pageOf(found, query, `${server.api()}/repos/${repository}/commits/${ref}/pulls`)
    return { ...page, body: (page.body as SeedPull[]).map((p) => pullJson(p, repository)) }
  }

  const pullJson = (pull: SeedPull, repository: string): Record<string, unknown> => {
    const api = `${server.api()}/repos/${repository}`
    const web = `${server.web()}/${repository}`
    const owner = server.userFor(repository.split('/')[0] ?? server.owner, 'User')
    const author = server.userFor('dana-analytics', 'User')
    const repo = repositoryJson(repository, owner, server.web(), server.api())
    const side = (ref: string, sha: string) => ({
      label: `${owner.login}:${ref}`,
      ref,
      repo,
      sha,
      user: simpleUser(owner, server.api())
    })
    const link = (href: string) => ({ href })
    const number = pull.number
    return {
      url: `${api}/pulls/${number}`,
      id: 1_900_000_000 + number,
      node_id: Buffer.from(`011:PullRequest${number}`).toString('base64'),
      html_url: `${web}/pull/${number}`,
      diff_url: `${web}/pull/${number}.diff`,
      patch_url: `${web}/pull/${number}.patch`,
      issue_url: `${api}/issues/${number}`,
      commits_url: `${api}/pulls/${number}/commits`,
      review_comments_url: `${api}/pulls/${number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${number}/comments`,
      statuses_url: `${api}/statuses/${pull.headSha}`,
      number,
      state: pull.state ?? 'open',
      locked: false,
      title: pull.title ?? `Change the orders models (#${number})`,
      user: simpleUser(author, server.api()),
      body: null,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: '2026-11-19T16:20:00Z',
      updated_at: '2026-11-20T08:55:00Z',
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: side(pull.headRef ?? `feature/pr-${number}`, pull.headSha),
      base: side(pull.baseRef ?? 'main', '1111111111111111111111111111111111111111'),
      _links: {
        self: link(`${api}/pulls/${number}`),
        html: link(`${web}/pull/${number}`),
        issue: link(`${api}/issues/${number}`),
        comments: link(`${api}/issues/${number}/comments`),
        review_comments: link(`${api}/pulls/${number}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        commits: link(`${api}/pulls/${number}/commits`),
        statuses: link(`${api}/statuses/${pull.headSha}`)
      },
      author_association: 'MEMBER',
      auto_merge: null,
      draft: false
    }
  }

  const checkRunJson = (run: FakeCheckRun): Record<string, unknown> => {
    const api = `${server.api()}/repos/${run.repository}`
    return {
      id: run.id,
      name: run.name,
      node_id: Buffer.from(`08:CheckRun${run.id}`).toString('base64'),
      head_sha: run.head_sha,
      external_id: run.external_id,
      url: `${api}/check-runs/${run.id}`,
      html_url: `${server.web()}/${run.repository}/runs/${run.id}`,
      details_url: run.details_url ?? `${server.web()}/${run.repository}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      output: {
        ...run.output,
        annotations_count: run.annotations.length,
        annotations_url: `${api}/check-runs/${run.id}/annotations`
      },
      check_suite: { id: 29_700_000_000 + (run.id % 1_000_000) },
      app: actionsApp(server.web(), server.api()),
      pull_requests: pulls
        .filter(
          (p) =>
            run.repository === own && p.headSha === run.head_sha && (p.state ?? 'open') === 'open'
        )
        .map((p) => ({
          url: `${api}/pulls/${p.number}`,
          id: 1_900_000_000 + p.number,
          number: p.number,
          head: {
            ref: p.headRef ?? `feature/pr-${p.number}`,
            sha: p.headSha,
            repo: { id: 1, url: api, name: server.repo }
          },
          base: {
            ref: p.baseRef ?? 'main',
            sha: '1111111111111111111111111111111111111111',
            repo: { id: 1, url: api, name: server.repo }
          }
        }))
    }
  }

  /** The fields a create or an update sets; an Answer when GitHub would refuse them. */
  const checkRunFields = (
    body: unknown,
    creating: boolean,
    doc: string
  ): { refused: Answer } | { fields: Record<string, unknown> } => {
    const fields = recordOf(body)
    if (creating && (typeof fields.name !== 'string' || fields.name.trim() === '')) {
      return refuse('CheckRun', 'name', "name can't be blank", doc)
    }
    if (creating && (typeof fields.head_sha !== 'string' || !SHA.test(fields.head_sha))) {
      return refuse('CheckRun', 'head_sha', 'head_sha is not a valid commit', doc)
    }
    if (fields.status === 'completed' && typeof fields.conclusion !== 'string') {
      return refuse(
        'CheckRun',
        'conclusion',
        'conclusion is required when status is completed',
        doc
      )
    }
    if (fields.output !== undefined) {
      const output = recordOf(fields.output)
      if (typeof output.summary !== 'string' || (creating && typeof output.title !== 'string')) {
        return refuse('CheckRun', 'output', 'output needs a title and a summary', doc)
      }
      for (const key of ['summary', 'text'] as const) {
        const text = output[key]
        if (typeof text === 'string' && characters(text) > MAX_CHECK_OUTPUT_LENGTH) {
          return refuse(
            'CheckRun',
            `output.${key}`,
            `${key} is too long (maximum is ${MAX_CHECK_OUTPUT_LENGTH} characters)`,
            doc
          )
        }
      }
      const annotations = output.annotations ?? []
      if (!Array.isArray(annotations) || annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
        return refuse(
          'CheckRun',
          'output.annotations',
          `only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request`,
          doc
        )
      }
      if (!annotations.every(isAnnotation)) {
        return refuse(
          'CheckRun',
          'output.annotations',
          'an annotation needs a path, start_line, end_line, annotation_level and message',
          doc
        )
      }
    }
    return { fields }
  }

  const applyCheckRun = (run: FakeCheckRun, fields: Record<string, unknown>): void => {
    if (typeof fields.name === 'string') run.name = fields.name
    if (typeof fields.details_url === 'string') run.details_url = fields.details_url
    if (typeof fields.external_id === 'string') run.external_id = fields.external_id
    if (typeof fields.started_at === 'string') run.started_at = fields.started_at
    if (typeof fields.status === 'string') run.status = fields.status
    if (typeof fields.conclusion === 'string') {
      // A conclusion completes the run.
      run.conclusion = fields.conclusion
      run.status = 'completed'
      run.completed_at = typeof fields.completed_at === 'string' ? fields.completed_at : now()
    }
    if (fields.output !== undefined) {
      const output = recordOf(fields.output)
      if (typeof output.title === 'string') run.output.title = output.title
      run.output.summary = output.summary as string
      if (typeof output.text === 'string') run.output.text = output.text
      run.annotations.push(...((output.annotations ?? []) as CheckAnnotation[]))
    }
  }

  const checkRunRoute = (
    method: string,
    repository: string,
    id: string | undefined,
    body: unknown
  ): Answer | null => {
    if (method === 'POST' && id === undefined) {
      if (refused('checks', true)) return notAccessible(CREATE_DOC, 'checks=write')
      const checked = checkRunFields(body, true, CREATE_DOC)
      if ('refused' in checked) return checked.refused
      const run: FakeCheckRun = {
        id: nextCheckRunId++,
        repository,
        name: '',
        head_sha: String(recordOf(body).head_sha),
        status: 'queued',
        conclusion: null,
        started_at: now(),
        completed_at: null,
        details_url: null,
        external_id: '',
        output: { title: null, summary: null, text: null },
        annotations: []
      }
      applyCheckRun(run, checked.fields)
      checkRuns.push(run)
      return { status: 201, body: checkRunJson(run) }
    }
    if (method === 'PATCH' && id !== undefined) {
      if (refused('checks', true)) return notAccessible(UPDATE_DOC, 'checks=write')
      const run = checkRuns.find((r) => r.id === Number(id) && r.repository === repository)
      if (!run) return notFound(UPDATE_DOC)
      const checked = checkRunFields(body, false, UPDATE_DOC)
      if ('refused' in checked) return checked.refused
      applyCheckRun(run, checked.fields)
      return { status: 200, body: checkRunJson(run) }
    }
    if (method === 'GET' && id !== undefined) {
      if (refused('checks', false))
        return notAccessible('checks/runs#get-a-check-run', 'checks=read')
      const run = checkRuns.find((r) => r.id === Number(id) && r.repository === repository)
      return run
        ? { status: 200, body: checkRunJson(run) }
        : notFound('checks/runs#get-a-check-run')
    }
    return null
  }

  const api: ChecksApi = {
    statuses,
    checkRuns,
    pulls,
    deny: (permission, level = 'write') => {
      denied.set(permission, level)
    },
    allow: (permission) => {
      denied.delete(permission)
    },
    seedStatus: (seed) => {
      const creator = seed.creator ?? { login: 'dbt-cloud', type: 'User' }
      return addStatus(
        seed.repository ?? own,
        seed.sha,
        {
          state: seed.state,
          context: seed.context ?? 'default',
          description: seed.description ?? null,
          target_url: seed.target_url ?? null
        },
        server.userFor(creator.login, creator.type)
      )
    },
    route: (method, path, query, body) => {
      const status = STATUSES.exec(path)
      if (status) {
        return method === 'POST' ? createStatus(status[1] ?? '', status[2] ?? '', body) : notFound()
      }
      const commit = COMMIT.exec(path)
      if (commit) {
        if (method !== 'GET') return notFound()
        const [, repository = '', encoded = '', what] = commit
        // A branch's `/` arrives encoded, as octokit sends it.
        const ref = decodeURIComponent(encoded)
        if (what === 'pulls') return pullsOf(repository, ref, query)
        if (refused('statuses', false)) {
          return notAccessible(
            `commits/statuses#${what === 'status' ? 'get-the-combined-status-for-a-specific-reference' : 'list-commit-statuses-for-a-reference'}`,
            'statuses=read'
          )
        }
        const sha = shaOf(ref)
        if (what === 'statuses') {
          const link = `${server.api()}/repos/${repository}/commits/${ref}/statuses`
          const page = pageOf(sha === null ? [] : statusesOf(repository, sha), query, link)
          return { ...page, body: (page.body as FakeStatus[]).map((s) => statusJson(s)) }
        }
        return sha === null
          ? notFound('commits/statuses#get-the-combined-status-for-a-specific-reference')
          : combined(repository, sha, query)
      }
      const checkRun = CHECK_RUNS.exec(path)
      if (checkRun) return checkRunRoute(method, checkRun[1] ?? '', checkRun[2], body) ?? notFound()
      return null
    }
  }
  for (const seed of options.statuses ?? []) api.seedStatus(seed)
  return api
}

/** GitHub's 422 on a check run's field. */
function refuse(
  resource: string,
  field: string,
  message: string,
  doc: string
): { refused: Answer } {
  return { refused: validationFailed(resource, field, message, doc) }
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function isAnnotation(value: unknown): boolean {
  const a = recordOf(value)
  return (
    typeof a.path === 'string' &&
    Number.isInteger(a.start_line) &&
    Number.isInteger(a.end_line) &&
    (a.annotation_level === 'notice' ||
      a.annotation_level === 'warning' ||
      a.annotation_level === 'failure') &&
    typeof a.message === 'string'
  )
}

/** Characters as GitHub counts them: code points, so a surrogate pair is one. */
export function characters(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0)
}
