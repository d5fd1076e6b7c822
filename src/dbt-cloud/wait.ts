// Waiting for dbt Cloud: a check is repeated until it is done or the deadline passes, with one last
// check at the deadline. Each check says what it waits for (logged once, when it changes) and which
// error the wait ends in should time run out then. The clock and the sleep are passed in.
import type { DbtCloudError } from './errors.js'

export type Poll<T> = { done: T } | { waiting: string; timedOut: () => DbtCloudError }

export interface WaitOptions {
  sleep: (ms: number) => Promise<void>
  now: () => number
  /** `now()` time of the last check; at or before the first, there is one check only. */
  deadline: number
  /** Between checks. */
  intervalMs: number
  log: (message: string) => void
}

/** The first check's `done`; throws the last check's `timedOut()` once the deadline has passed. */
export async function pollUntil<T>(
  check: () => Promise<Poll<T>>,
  options: WaitOptions
): Promise<T> {
  let said = ''
  for (;;) {
    const result = await check()
    if ('done' in result) return result.done
    if (result.waiting !== said) {
      options.log(result.waiting)
      said = result.waiting
    }
    const left = options.deadline - options.now()
    if (left <= 0) throw result.timedOut()
    await options.sleep(Math.min(options.intervalMs, left))
  }
}
