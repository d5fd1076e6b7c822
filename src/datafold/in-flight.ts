// The creates under way, for a job that is stopped (SIGINT, SIGTERM) while it creates its diffs. A
// create already sent may still make a diff at Datafold: rather than leave it running unseen, a
// stopped job sends no more creates, waits a few seconds for those under way to be answered, and
// cancels what they made with the rest; the creates still unanswered then are named in the log.
import { sleep as clockSleep } from '../clock.js'
import { formatDuration } from '../format.js'

/**
 * How long a stopped job waits for creates under way. The runner sends SIGINT, then SIGTERM
 * 7.5 s later, and kills the job 2.5 s after that: the wait and the cancels (one short try
 * each) fit in that.
 */
export const STOP_WAIT_MS = 5_000

export interface CreatesInFlight {
  /** Runs the create of one entry (all of it: sent, answered, recorded), counted until it ends. */
  track<T>(entry: string, create: (signal: AbortSignal) => Promise<T>): Promise<T>
  /**
   * Sends no more creates, and waits up to STOP_WAIT_MS for those under way; logs each that is
   * still unanswered then.
   */
  stop(log: (message: string) => void): Promise<void>
}

export function createsInFlight(
  sleep: (ms: number) => Promise<void> = clockSleep
): CreatesInFlight {
  const stopping = new AbortController()
  const underWay = new Map<Promise<unknown>, string>()
  return {
    track: (entry, create) => {
      const work = create(stopping.signal).finally(() => underWay.delete(work))
      underWay.set(work, entry)
      return work
    },
    stop: async (log) => {
      stopping.abort(new Error('not sent: the job was cancelled'))
      // Those waiting for their turn end at once; those sent end with their answer.
      if (underWay.size === 0) return
      log(`Waiting up to ${formatDuration(STOP_WAIT_MS)} for the creates sent`)
      await Promise.race([Promise.allSettled(underWay.keys()), sleep(STOP_WAIT_MS)])
      for (const entry of underWay.values()) {
        log(
          `${entry}: Datafold did not answer its create within ${formatDuration(STOP_WAIT_MS)}; a diff it makes of it now is not cancelled`
        )
      }
    }
  }
}
