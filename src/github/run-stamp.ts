// Which run wrote a report: a second hidden line under the comment's marker,
// `<!-- datafold-diff-gate:run {"runId":123,"attempt":1,"at":"2026-11-20T09:00:00.000Z"} -->`.
// The newest run's report is the one a pull request keeps (see comment.ts).
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
const STAMP_PATTERN = /^<!-- datafold-diff-gate:run (\{.*\}) -->$/

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

/**
 * The stamp of a report: read from the line right after the marker (the comment's first line), and
 * nowhere else, so a stamp quoted further down (in a reply, in an error text) is never taken for it.
 * Null when there is none or it does not read.
 */
export function readRunStamp(body: string | null | undefined): RunStamp | null {
  const secondLine = ((body ?? '').split('\n', 2)[1] ?? '').replace(/\r$/, '')
  const match = STAMP_PATTERN.exec(secondLine)
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
 * Orders runs, oldest first: by run id, then attempt, then start time (run ids grow with time in a
 * repository). What is unknown comes first, and a report without a stamp (older versions of the
 * action) before any stamped one, so every run ranks any two reports the same way.
 */
export function compareRuns(a: RunStamp | null, b: RunStamp | null): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0)
  const time = (stamp: RunStamp): number => (stamp.at === '' ? -1 : Date.parse(stamp.at))
  return (
    Math.sign((a.runId ?? -1) - (b.runId ?? -1)) ||
    Math.sign((a.attempt ?? -1) - (b.attempt ?? -1)) ||
    Math.sign(time(a) - time(b))
  )
}

/** The run a stamp names, for a log line: `run 123 attempt 2`. */
export function describeRun(stamp: RunStamp | null): string {
  if (stamp && stamp.runId !== null) {
    return `run ${stamp.runId}${stamp.attempt === null ? '' : ` attempt ${stamp.attempt}`}`
  }
  if (stamp && stamp.at !== '') return `a run started at ${stamp.at}`
  return 'a run that started later'
}
