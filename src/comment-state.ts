// What the report comment carries from one run to the next, and the one rule for which report is
// the newest. Its owner: nothing else reads or writes these lines. A report comment is
//   <!-- datafold-diff-gate:KEY -->                                   the marker (line 1)
//   <!-- datafold-diff-gate:run {"runId":…,"attempt":…,"at":…,"sha":…} -->   which run wrote it (line 2)
//   …the report…
//   <!-- datafold-diff-gate:state v2 BASE64 -->                       what a re-run needs (last line)
// The state is deflated JSON: the commit its diffs were created for, and each created diff as a
// 32-bit fingerprint of its entry and request plus its id (delta-coded), so 5,000 created diffs take
// about 35,000 characters. Pure but for node's zlib.
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** Which run wrote a report. */
export interface RunStamp {
  /** GITHUB_RUN_ID; null outside Actions. */
  runId: number | null
  /** GITHUB_RUN_ATTEMPT; null when unknown. */
  attempt: number | null
  /** When the run started, ISO 8601; '' when unknown. */
  at: string
  /** The commit the run judged; null when unknown. */
  sha: string | null
}

/** What re-runs for the same commit need: the diffs created for it, to reuse rather than create. */
export interface CarriedState {
  /** The commit the diffs were created for. */
  sha: string
  /** Diff id by fingerprint (see plan/request.ts `reuseKey`), in the order they were created. */
  created: ReadonlyMap<string, number>
  /** Created diffs the comment had no room for: a re-run creates those again. */
  forgotten: number
}

/** A report comment as GitHub gives it: its id and its body. */
export interface ReportComment {
  id: number
  body?: string | null
}

const PREFIX = 'datafold-diff-gate'

export function commentMarker(key: string): string {
  return `<!-- ${PREFIX}:${key} -->`
}

/** This run's stamp, from the runner's GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT. */
export function runStamp(
  run: { runId: string; runAttempt?: string },
  startedAt: number,
  sha: string | null
): RunStamp {
  const count = (text: string | undefined): number | null =>
    text !== undefined && /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : null
  return {
    runId: count(run.runId),
    attempt: count(run.runAttempt),
    at: new Date(startedAt).toISOString(),
    sha
  }
}

export function stampLine(stamp: RunStamp): string {
  return `<!-- ${PREFIX}:run ${JSON.stringify(stamp)} -->`
}

const STAMP = new RegExp(`^<!-- ${PREFIX}:run (\\{.*\\}) -->$`)
const STATE = new RegExp(`<!-- ${PREFIX}:state v2 ([A-Za-z0-9+/=]*) -->`)

/**
 * The stamp of a report: read from the line right after the marker (the comment's first line), and
 * nowhere else, so a stamp quoted further down (in a reply, in an error text) is never taken for it.
 * Null when there is none or it does not read.
 */
export function readStamp(body: string | null | undefined): RunStamp | null {
  const secondLine = ((body ?? '').split('\n', 2)[1] ?? '').replace(/\r$/, '')
  const value = parseJson(STAMP.exec(secondLine)?.[1])
  if (value === null) return null
  const count = (n: unknown): number | null =>
    typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null
  const { runId, attempt, at, sha } = value
  return {
    runId: count(runId),
    attempt: count(attempt),
    at: typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : '',
    sha: typeof sha === 'string' && /^[0-9a-f]{7,64}$/i.test(sha) ? sha : null
  }
}

/**
 * Orders runs, oldest first: by run id, then attempt, then start time. Run ids grow with time in a
 * repository, so the run of a newer head commit, and a later run or re-run of the same commit,
 * rank above. What is unknown comes first, and a report without a stamp before any stamped one, so
 * every run ranks any two reports the same way.
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

/** Orders report comments, oldest first: by the run that wrote each, then by the one written last. */
export function compareReports(a: ReportComment, b: ReportComment): number {
  return compareRuns(readStamp(a.body), readStamp(b.body)) || a.id - b.id
}

/** Whether a report on the PR must be left as it is: a later run wrote it than `ours`. */
export function isNewerReport(theirs: ReportComment, ours: ReportComment): boolean {
  return compareRuns(readStamp(theirs.body), readStamp(ours.body)) > 0
}

/** The run a stamp names, for a log line: `run 123 attempt 2`. */
export function describeRun(stamp: RunStamp | null): string {
  if (stamp && stamp.runId !== null) {
    return `run ${stamp.runId}${stamp.attempt === null ? '' : ` attempt ${stamp.attempt}`}`
  }
  if (stamp && stamp.at !== '') return `a run started at ${stamp.at}`
  return 'a run that started later'
}

/**
 * The state line, at most `maxLength` characters: when every created diff does not fit, the first
 * ones that do are kept, and `forgotten` (in the line, and returned) counts the rest. The line is
 * '' when there is nothing to carry.
 */
export function stateLine(
  state: CarriedState,
  maxLength: number
): { line: string; forgotten: number } {
  const entries = [...state.created]
  const line = (count: number): string => {
    const kept = entries.slice(0, count)
    const payload = {
      sha: state.sha,
      fp: Buffer.concat(kept.map(([key]) => Buffer.from(key, 'hex'))).toString('base64'),
      // Ids created side by side are close: their differences deflate to almost nothing.
      ids: kept.map(([, id], i) => id - (kept[i - 1]?.[1] ?? 0)),
      forgotten: state.forgotten + entries.length - count
    }
    const packed = deflateRawSync(JSON.stringify(payload)).toString('base64')
    return `<!-- ${PREFIX}:state v2 ${packed} -->`
  }
  const result = (count: number) => ({
    line: line(count),
    forgotten: state.forgotten + entries.length - count
  })
  if (entries.length === 0) return { line: '', forgotten: state.forgotten }
  const all = result(entries.length)
  if (all.line.length <= maxLength) return all
  // The most entries that fit, by halving: a few encodings, however many diffs.
  let fits = 0
  let tooMany = entries.length
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2)
    if (line(middle).length <= maxLength) fits = middle
    else tooMany = middle
  }
  return fits === 0 && line(0).length > maxLength
    ? { line: '', forgotten: state.forgotten + entries.length }
    : result(fits)
}

/** The state a report carries; null when it carries none or it does not read. */
export function readState(body: string | null | undefined): CarriedState | null {
  const packed = STATE.exec(body ?? '')?.[1]
  if (packed === undefined) return null
  let text: string
  try {
    // A bound on what a hostile or broken block can make the runner inflate.
    text = inflateRawSync(Buffer.from(packed, 'base64'), { maxOutputLength: 1 << 22 }).toString()
  } catch {
    return null
  }
  const value = parseJson(text)
  const { sha, fp, ids, forgotten } = value ?? {}
  if (typeof sha !== 'string' || typeof fp !== 'string' || !Array.isArray(ids)) return null
  const keys = Buffer.from(fp, 'base64').toString('hex').match(/.{8}/g) ?? []
  if (keys.length !== ids.length) return null
  const created = new Map<string, number>()
  let id = 0
  for (const [i, key] of keys.entries()) {
    const delta: unknown = ids[i]
    if (typeof delta !== 'number' || !Number.isSafeInteger(delta)) return null
    id += delta
    if (!Number.isSafeInteger(id) || id <= 0) return null
    created.set(key, id)
  }
  const count =
    typeof forgotten === 'number' && Number.isSafeInteger(forgotten) && forgotten > 0
      ? forgotten
      : 0
  return { sha, created, forgotten: count }
}

function parseJson(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}
