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
  /** The PR's head commit (not the merge commit GITHUB_SHA names), else GITHUB_SHA; null when
   * unknown. */
  sha: string | null
  env: Record<string, string | undefined>
}

export function runTarget(
  event: WorkflowEvent,
  prNumberInput: number | null,
  env: Record<string, string | undefined>
): RunTarget {
  const pullRequest = findPullRequest(event, prNumberInput)
  const head = record(record(event.payload.pull_request)?.head)?.sha
  const sha = typeof head === 'string' && head !== '' ? head : env.GITHUB_SHA || null
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
