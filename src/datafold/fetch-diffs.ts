// Fetches every diff the action checks: its record (names and job status, for the report) and its
// summary_results (the counts), waiting for diffs that are still running within wait-timeout.
// A diff that cannot be read becomes an error for that diff alone; the others go on.
import { now as clockNow, sleep as clockSleep } from '../clock.js'
import { formatDuration } from '../format.js'
import { excerpt } from '../text.js'
import type { DatafoldClient } from './endpoints.js'
import { REASON_EXCERPT } from './describe.js'
import { failureOf } from './errors.js'
import type { FetchedDiff, FinishedSummary } from './fetched.js'
import { readRecord, readSummary } from './read-diff.js'
import { STUCK_JOB_STATUSES, type DiffRecord, type FailedError } from './schemas.js'

export interface FetchDiffsOptions {
  /** Its transport bounds the requests in flight, over all diffs. */
  client: DatafoldClient
  /** 0 = do not wait for running diffs. One deadline for all diffs, counted from the call. */
  waitTimeoutMs: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  /** Wait before the (attempt + 1)th re-check; default 3 s, then doubling, capped at 30 s. */
  pollDelays?: (attempt: number) => number
  /** Info lines, e.g. "diff 12 is running; checking again in 6s (18s elapsed)". */
  log?: (message: string) => void
  /** Called before each wait for a running diff: the wait has begun to matter. */
  onWaiting?: () => void
}

/** 3 s, 6 s, 12 s, 24 s, then every 30 s: a diff is noticed within 30 s of finishing. */
export function defaultPollDelay(attempt: number): number {
  return Math.min(3_000 * 2 ** attempt, 30_000)
}

interface Context {
  client: DatafoldClient
  waitTimeoutMs: number
  started: number
  deadline: number
  now: () => number
  sleep: (ms: number) => Promise<void>
  pollDelays: (attempt: number) => number
  log: (message: string) => void
  onWaiting: () => void
}

/**
 * Fetches the diffs side by side; the results keep the order of `ids`. wait-timeout is one
 * deadline for all diffs, counted from this call.
 */
export async function fetchDiffs(
  ids: number[],
  options: FetchDiffsOptions
): Promise<FetchedDiff[]> {
  const now = options.now ?? clockNow
  const started = now()
  const waitTimeoutMs = Math.max(0, options.waitTimeoutMs)
  const context: Context = {
    client: options.client,
    waitTimeoutMs,
    started,
    deadline: started + waitTimeoutMs,
    now,
    sleep: options.sleep ?? clockSleep,
    pollDelays: options.pollDelays ?? defaultPollDelay,
    log: options.log ?? (() => undefined),
    onWaiting: options.onWaiting ?? (() => undefined)
  }
  // Whatever goes wrong becomes that diff's error; the other diffs go on.
  return Promise.all(
    ids.map((id) =>
      fetchOne(id, context).catch((error: unknown): FetchedDiff => ({
        id,
        summary: null,
        error: failureOf(id, error).message,
        record: null,
        warnings: []
      }))
    )
  )
}

async function fetchOne(id: number, context: Context): Promise<FetchedDiff> {
  const { client } = context
  const [recordAnswer, firstAnswer] = await Promise.all([
    readRecord(client, id),
    readSummary(client, id)
  ])
  const { record } = recordAnswer
  const warnings: string[] = []
  const sameRequestFailure =
    !firstAnswer.ok &&
    firstAnswer.requestStatus !== undefined &&
    firstAnswer.requestStatus === recordAnswer.requestStatus
  if (recordAnswer.problem !== null && !sameRequestFailure) {
    // The summary's own error already says the same thing: one message is enough.
    warnings.push(
      `could not read the details of diff ${id}: ${recordAnswer.problem}; the report shows its id`
    )
  }
  const finished = (summary: FinishedSummary): FetchedDiff => ({
    id,
    summary,
    error: null,
    record,
    warnings
  })
  const failed = (error: string): FetchedDiff => ({ id, summary: null, error, record, warnings })

  let answer = firstAnswer
  for (let polls = 0; ; polls++) {
    if (!answer.ok) return failed(answer.error)
    const summary = answer.summary
    switch (summary.shape) {
      case 'same-db':
      case 'cross-db':
      case 'dependencies-only':
        return finished(summary)
      case 'failed':
        return {
          ...failed(failedMessage(id, summary.error)),
          ...(summary.error.retryable === true ? { retryable: true as const } : {})
        }
      case 'running':
        break
    }
    const { status } = summary
    const blocked = blockedReason(id, record)
    if (blocked !== null) return failed(blocked)
    if (context.waitTimeoutMs === 0) {
      return failed(
        `diff ${id} is still ${status} in Datafold and wait-timeout is 0, so the action did not wait for it`
      )
    }
    const remaining = context.deadline - context.now()
    if (remaining <= 0) {
      return failed(
        `diff ${id} was still ${status} after ${formatDuration(context.waitTimeoutMs)} (wait-timeout)`
      )
    }
    // Never sleep past the deadline: the last wait is cut short so one last check falls on it.
    const delay = Math.min(Math.max(1, context.pollDelays(polls)), remaining)
    context.onWaiting()
    context.log(
      `diff ${id} is ${status}; checking again in ${formatDuration(delay)} (${formatDuration(
        context.now() - context.started
      )} elapsed)`
    )
    await context.sleep(delay)
    answer = await readSummary(client, id)
  }
}

function failedMessage(id: number, error: FailedError): string {
  const what = [error.type, error.value].filter((part) => part !== null).join(': ')
  // What to do about it depends on whether this action created the diff: normalise.ts says it.
  const retry =
    error.retryable === null
      ? ''
      : error.retryable
        ? '; Datafold says the error is retryable'
        : '; Datafold says the error is not retryable'
  return `diff ${id} failed in Datafold: ${excerpt(what || 'no error details given', REASON_EXCERPT)}${retry}`
}

/** A running diff that will not finish by itself, per its job status; null when it may. */
function blockedReason(id: number, record: DiffRecord | null): string | null {
  const status = record?.status
  if (status === undefined || status === null) return null
  if (STUCK_JOB_STATUSES.has(status)) {
    const todo =
      status === 'needs_authentication'
        ? 're-authenticate the data source in Datafold'
        : status === 'needs_confirmation'
          ? 'confirm the diff in Datafold'
          : 'resolve it in Datafold'
    return `diff ${id} waits on a person and will not finish by itself (job status ${status}): ${todo}, then run this check again`
  }
  if (status === 'cancelled') {
    return `diff ${id} was cancelled in Datafold (job status cancelled): run the diff again, then this check`
  }
  return null
}
