// Waits for every diff that has an id and reads it, within wait-timeout; the diffs this run created
// that were still unfinished when wait-timeout ended are cancelled, so they stop using the
// warehouse. Each diff to judge comes back with what was read of it.
import { now as clockNow } from '../clock.js'
import { cancelDiffs, type DiffToCancel } from './cancel-diffs.js'
import type { Obtained } from './create-diffs.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { fetchDiffs } from './fetch-diffs.js'
import type { FetchedDiff } from './fetched.js'

/** A diff to judge with what Datafold answered for it; nothing for one that was not created. */
export type ReadDiff =
  | { obtained: Extract<Obtained, { origin: 'not created' }>; fetched: null }
  | { obtained: Exclude<Obtained, { origin: 'not created' }>; fetched: FetchedDiff }

export interface WaitAndReadOptions {
  client: DatafoldPlanClient
  /** 0 = do not wait for running diffs. */
  waitTimeoutMs: number
  /** When wait-timeout ends, counted from the run's start; null with wait-timeout 0, where what is
   * still running is left to finish. */
  deadline: number | null
  /** Created by this run: what is cancelled when wait-timeout ends first. */
  created: DiffToCancel[]
  log: (message: string) => void
  /** Called before each wait for a running diff. */
  onWaiting?: () => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export async function waitAndRead(
  obtained: Obtained[],
  options: WaitAndReadOptions
): Promise<{ read: ReadDiff[]; cancelled: number[] }> {
  const now = options.now ?? clockNow
  // A diff given by id and also created by a plan (or named twice) is read once.
  const ids = [...new Set(obtained.flatMap((o) => (o.origin === 'not created' ? [] : [o.id])))]
  const fetched = await fetchDiffs(ids, {
    ...{ client: options.client, waitTimeoutMs: options.waitTimeoutMs },
    ...{ sleep: options.sleep, now: options.now, log: options.log, onWaiting: options.onWaiting }
  })
  const byId = new Map(fetched.map((f) => [f.id, f]))
  const timedOut = options.deadline !== null && now() >= options.deadline
  const unfinished = options.created.filter((diff) => byId.get(diff.id)?.summary === null)
  const cancelled = timedOut
    ? await cancelDiffs(
        options.client,
        unfinished,
        'wait-timeout ended before it finished',
        options.log
      )
    : []
  const read = obtained.map((o): ReadDiff => {
    if (o.origin === 'not created') return { obtained: o, fetched: null }
    const answer = byId.get(o.id)
    if (answer === undefined) throw new Error(`diff ${o.id} was not fetched`)
    return { obtained: o, fetched: answer }
  })
  return { read, cancelled }
}
