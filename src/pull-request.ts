// Which pull request the run is about, from the `pr-number` input or the event that started the
// run, and which commit: with the inputs, what the run was given. Pure: the event comes in as data.

export type PullRequestTarget = { number: number } | { number: null; reason: string }

export interface WorkflowEvent {
  eventName: string
  payload: Record<string, unknown>
}

/** Events whose payload carries the pull request itself as `pull_request`. */
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment'
])

const SET_PR_NUMBER = 'set pr-number to comment'

/** The run's PR and commit, and the environment: what the placeholders, the tags and the report
 * name. */
export interface RunTarget {
  /** The pull request's number; null when the run has none, with why. */
  pr: number | null
  noPrReason?: string
  /** The head commit the event names (see `headCommit`), else GITHUB_SHA; null when unknown. */
  sha: string | null
  env: Record<string, string | undefined>
}

export function runTarget(
  event: WorkflowEvent,
  prNumberInput: number | null,
  env: Record<string, string | undefined>
): RunTarget {
  const pullRequest = findPullRequest(event, prNumberInput)
  // GITHUB_SHA is a merge commit on pull_request, and the default branch's on status/workflow_run.
  const sha = headCommit(event)?.sha ?? (env.GITHUB_SHA || null)
  return pullRequest.number === null
    ? { pr: null, noPrReason: pullRequest.reason, sha, env }
    : { pr: pullRequest.number, sha, env }
}

export function findPullRequest(
  event: WorkflowEvent,
  prNumberInput: number | null
): PullRequestTarget {
  if (prNumberInput !== null) return { number: prNumberInput }
  const { eventName, payload } = event

  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const number = prNumber(record(payload.pull_request)?.number)
    return number !== null
      ? { number }
      : none(`the ${eventName} event payload has no pull_request.number; ${SET_PR_NUMBER}`)
  }

  if (eventName === 'issue_comment') {
    const issue = record(payload.issue)
    const number = prNumber(issue?.number)
    if (issue?.pull_request == null) {
      const which = number !== null ? `issue #${number}` : 'an issue'
      return none(
        `this run was triggered by a comment on ${which}, which is not a pull request; ${SET_PR_NUMBER}`
      )
    }
    return number !== null
      ? { number }
      : none(`the issue_comment event payload has no issue.number; ${SET_PR_NUMBER}`)
  }

  if (eventName === 'workflow_run') return fromWorkflowRun(payload)

  if (!eventName) {
    return none(
      `the event that started this run is unknown (GITHUB_EVENT_NAME is empty); ${SET_PR_NUMBER}`
    )
  }
  return none(`this run was triggered by ${eventName}, which has no pull request; ${SET_PR_NUMBER}`)
}

function fromWorkflowRun(payload: Record<string, unknown>): PullRequestTarget {
  const listed = record(payload.workflow_run)?.pull_requests
  const entries = Array.isArray(listed) ? listed.map(record) : []
  // The list can name pull requests of other repositories whose head is this branch (an upstream
  // the branch was also proposed to); only this repository's own can be commented on.
  const repositoryId = record(payload.repository)?.id
  const own = entries.filter((entry) => {
    const baseRepoId = record(record(entry?.base)?.repo)?.id
    return repositoryId === undefined || baseRepoId === undefined || baseRepoId === repositoryId
  })
  const numbers = own.map((entry) => prNumber(entry?.number))
  const [only] = numbers
  if (numbers.length === 1) {
    return only != null
      ? { number: only }
      : none(`workflow_run lists a pull request without a number; ${SET_PR_NUMBER}`)
  }
  if (numbers.length === 0) {
    return none(
      'workflow_run lists 0 pull requests (runs from forks list none): pass pr-number, for ' +
        'example read from an artifact the triggering workflow uploaded'
    )
  }
  const named = numbers.map((n) => (n === null ? '?' : `#${n}`)).join(', ')
  return none(
    `workflow_run lists ${numbers.length} pull requests (${named}) for its branch, so which one ` +
      'to comment on is ambiguous: pass pr-number'
  )
}

function none(reason: string): PullRequestTarget {
  return { number: null, reason }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function prNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null
}

// The commit a diff's tags, a commit status or a check run belong on: the pull request's head, as
// the event that started the run names it. Never GITHUB_SHA of a `status` or `workflow_run` event,
// which is the default branch's last commit: a status there would never reach the PR.
export interface HeadCommit {
  sha: string
  /** Where it was read, for the log: `pull_request.head.sha`. */
  from: string
}

/** Where each event carries its head commit. */
const HEAD_FIELDS: Record<string, [string, string]> = {
  pull_request: ['pull_request', 'head.sha'],
  pull_request_target: ['pull_request', 'head.sha'],
  pull_request_review: ['pull_request', 'head.sha'],
  pull_request_review_comment: ['pull_request', 'head.sha'],
  // The commit the status was posted on: dbt Cloud's CI posts on the PR's head.
  status: ['', 'sha'],
  workflow_run: ['workflow_run', 'head_sha'],
  check_run: ['check_run', 'head_sha'],
  check_suite: ['check_suite', 'head_sha'],
  push: ['', 'after']
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i

/** The head commit the event names; null for an event that names none (issue_comment,
 * workflow_dispatch, schedule): the caller asks GitHub for the PR's head, or posts nothing. */
export function headCommit(event: WorkflowEvent): HeadCommit | null {
  const fields = HEAD_FIELDS[event.eventName]
  if (!fields) return null
  const [object, path] = fields
  let value: unknown = object === '' ? event.payload : event.payload[object]
  for (const key of path.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined
  }
  if (typeof value !== 'string' || !SHA.test(value)) return null
  return { sha: value, from: object === '' ? path : `${object}.${path}` }
}
