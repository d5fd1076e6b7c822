// Which run wrote a report: a second hidden line under the comment's marker,
// `<!-- datafold-diff-gate:run {"runId":123,"attempt":1,"at":"2026-11-20T09:00:00.000Z"} -->`.
// A run never overwrites the report of a newer run (one that started later).
import type { GitHubContext } from './context.js'

export interface RunStamp {
  /** GITHUB_RUN_ID; null outside Actions. */
  runId: number | null
  /** GITHUB_RUN_ATTEMPT; null when unknown. */
  attempt: number | null
  /** When the run started, ISO 8601. */
  at: string
}

const STAMP_PREFIX = '<!-- datafold-diff-gate:run '
const STAMP_PATTERN = /<!-- datafold-diff-gate:run (\{[^\n]*?\}) -->/

/** This run's stamp, from the runner's context and when the run started. */
export function runStamp(github: GitHubContext, startedAt: number): RunStamp {
  const count = (text: string | undefined): number | null =>
    text !== undefined && /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : null
  return {
    runId: count(github.runId),
    attempt: count(github.runAttempt),
    at: new Date(startedAt).toISOString()
  }
}

export function runStampComment(stamp: RunStamp): string {
  return `${STAMP_PREFIX}${JSON.stringify(stamp)} -->`
}

/** The stamp in a comment body; null when there is none or it does not read. */
export function readRunStamp(body: string | null | undefined): RunStamp | null {
  const match = STAMP_PATTERN.exec(body ?? '')
  if (!match?.[1]) return null
  let value: unknown
  try {
    value = JSON.parse(match[1])
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { runId, attempt, at } = value as Record<string, unknown>
  const count = (n: unknown): number | null =>
    typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null
  return {
    runId: count(runId),
    attempt: count(attempt),
    at: typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : ''
  }
}

/**
 * Whether `theirs` comes from a later run than `ours`: by run id, then attempt, when both carry
 * a run id (run ids grow with time in a repository), else by start time. Unknown is never newer,
 * so a report without a stamp (older versions of the action) is updated as before.
 */
export function isNewerRun(theirs: RunStamp | null, ours: RunStamp | null): boolean {
  if (!theirs || !ours) return false
  if (theirs.runId !== null && ours.runId !== null) {
    if (theirs.runId !== ours.runId) return theirs.runId > ours.runId
    return (theirs.attempt ?? 0) > (ours.attempt ?? 0)
  }
  if (theirs.at === '' || ours.at === '') return false
  return Date.parse(theirs.at) > Date.parse(ours.at)
}

/** The run a stamp names, for a log line: `run 123 attempt 2`. */
export function describeRun(stamp: RunStamp | null): string {
  if (stamp && stamp.runId !== null) {
    return `run ${stamp.runId}${stamp.attempt === null ? '' : ` attempt ${stamp.attempt}`}`
  }
  if (stamp && stamp.at !== '') return `a run started at ${stamp.at}`
  return 'a run that started later'
}
