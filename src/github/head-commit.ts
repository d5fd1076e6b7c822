// The commit a commit status or a check run belongs on: the pull request's head, as the event that
// started the run names it. Never GITHUB_SHA of a `status` or `workflow_run` event, which is the
// default branch's last commit: a status there would never reach the PR. Pure: the event comes in.
import type { WorkflowEvent } from './pull-request.js'

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
