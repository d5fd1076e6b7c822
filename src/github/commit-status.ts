// One commit status on the pull request's head commit: how a workflow that `pull_request` did not
// start (`on: status`, `on: workflow_run`) gates the PR, since its own job check is on another
// commit. The caller passes the head SHA, never GITHUB_SHA, which such events set to the default
// branch's last commit. A refused or failed post is a warning: the verdict stands without it.
import type { CommitStatusSetting } from '../inputs.js'
import type { Redact } from '../redact.js'
import { oneLine } from '../text.js'
import { refusedWriteWarning, type GateIO, type GateVerdict } from './gate-verdict.js'
import type { GitHubClient } from './octokit.js'

/** The status's name on the PR, and in branch protection's list of required checks. */
export const STATUS_CONTEXT = 'Datafold diff gate'
/** GitHub refuses a longer description (422). Not in GitHub's OpenAPI description: its API says
 * `description is too long (maximum is 140 characters)`. */
export const MAX_STATUS_DESCRIPTION = 140

export type StatusState = 'pending' | 'success' | 'failure' | 'error'

/** Events whose job check is on the PR's head already: `auto` posts no status for them. */
const PULL_REQUEST_RUNS = new Set(['pull_request', 'pull_request_target'])

export function commitStatusWanted(setting: CommitStatusSetting, eventName: string): boolean {
  return setting === 'auto' ? !PULL_REQUEST_RUNS.has(eventName) : setting
}

/** `Datafold diff gate`, and `Datafold diff gate (<comment-key>)` for any other key: two steps
 * with their own keys post their own statuses instead of overwriting one. */
export function statusContext(commentKey: string): string {
  return commentKey === 'default' ? STATUS_CONTEXT : `${STATUS_CONTEXT} (${commentKey})`
}

/**
 * `pending` while the diffs run; then as the step ends: `success` when it passes (advisory
 * findings included: the step does not block, so neither does its status), `failure` when it
 * fails on a breach or an unchecked model, `error` when it fails because diffs could not be
 * checked.
 */
export function statusState(verdict: GateVerdict | 'running'): StatusState {
  if (verdict === 'running') return 'pending'
  if (!verdict.failed) return 'success'
  if (verdict.breaches === 0 && verdict.result === 'error') return 'error'
  return 'failure'
}

/**
 * The headline's words on one line, secrets scrubbed first, then cut to GitHub's 140 characters
 * at a word's end with `…` (a word longer than that is cut between graphemes, never in a
 * surrogate pair or an emoji).
 */
export function statusDescription(headline: string, redact: Redact = (text) => text): string {
  const text = redact(oneLine(headline)).replace(/\s+/g, ' ').trim()
  const chars = Array.from(text)
  if (chars.length <= MAX_STATUS_DESCRIPTION) return text
  const room = MAX_STATUS_DESCRIPTION - 1
  // One character more than the room: a space right after the last word that fits counts.
  const head = chars.slice(0, room + 1).join('')
  const space = head.lastIndexOf(' ')
  const cut = space >= head.length / 2 ? head.slice(0, space) : graphemesWithin(text, room)
  return `${cut.replace(/[\s·,;:–—-]+$/u, '')}…`
}

/** The longest start of `text` made of whole graphemes, at most `max` code points. */
function graphemesWithin(text: string, max: number): string {
  let out = ''
  let count = 0
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    const size = Array.from(segment).length
    if (count + size > max) break
    out += segment
    count += size
  }
  return out
}

export interface CommitStatusRequest {
  owner: string
  repo: string
  /** The pull request's head commit (its `head.sha`): never GITHUB_SHA of a status, workflow_run
   * or issue_comment event. */
  sha: string
  commentKey: string
  verdict: GateVerdict | 'running'
  /** The report's headline in plain text: `❌ 2 of 12 tables over their limits`. */
  headline: string
  /** The report comment, where the status links; else the run. */
  commentUrl: string | null
  runUrl: string | null
}

export interface PostedStatus {
  id: number
  context: string
  state: StatusState
  description: string
  targetUrl: string | null
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i

/** Posts the status; null, after one warning, when it could not be posted. Never throws. */
export async function postCommitStatus(
  github: GitHubClient,
  request: CommitStatusRequest,
  io: GateIO
): Promise<PostedStatus | null> {
  const what = 'post the commit status'
  if (!SHA.test(request.sha)) {
    io.warning(`Could not ${what}: "${io.redact(request.sha)}" is not a commit SHA`)
    return null
  }
  const context = statusContext(request.commentKey)
  const state = statusState(request.verdict)
  const description = statusDescription(request.headline, io.redact)
  const targetUrl = request.commentUrl ?? request.runUrl
  try {
    const { data } = await github.rest.repos.createCommitStatus({
      owner: request.owner,
      repo: request.repo,
      sha: request.sha,
      state,
      context,
      description,
      ...(targetUrl === null ? {} : { target_url: targetUrl })
    })
    io.info(`Commit status "${context}" ${state} on ${request.sha.slice(0, 7)}: ${description}`)
    return { id: data.id, context, state, description, targetUrl }
  } catch (error) {
    io.warning(io.redact(refusedWriteWarning(what, 'statuses', error)))
    return null
  }
}
