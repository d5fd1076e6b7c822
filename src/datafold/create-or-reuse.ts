// The diffs to judge, each with the id it has at Datafold: given ones as they are, requested ones
// created now or reused from an earlier run for the same commit. First, what an older commit's run
// left running is cancelled; while this run waits, a stopped job cancels what it created (and what
// the creates it had sent make, waited for a few seconds).
import type { CarriedState, ReportFigures } from '../comment-state.js'
import type { TagContext } from '../plan/request.js'
import type { DiffToJudge } from '../sources/source.js'
import { cancelDiffs, cancelUnfinished, type DiffToCancel } from './cancel-diffs.js'
import { createRequestedDiffs, type Obtained } from './create-diffs.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { createsInFlight } from './in-flight.js'
import type { ReadDiff } from './wait-and-read.js'

export interface CreateOrReuseOptions {
  client: DatafoldPlanClient
  /** For cancelling when the job is stopped: short, no retries. */
  stopClient: Pick<DatafoldPlanClient, 'cancelDiff'>
  tags: TagContext
  /** What the report comment carried from an earlier run, if any. */
  carried: CarriedState | null
  log: (message: string) => void
  /** Calls `stop` when the job is cancelled (SIGINT/SIGTERM); returns how to stop listening. */
  onStop?: (stop: () => Promise<void>) => () => void
  /** Masks each secret the data sources' records hold, in the log and what is written. */
  mask?: (secret: string) => void
}

export interface CreatedOrReused {
  /** In the order the sources gave the diffs. */
  obtained: Obtained[]
  /** Created by this run, as they were created: what a timeout or a stopped job cancels. */
  created: DiffToCancel[]
  /** Stops listening for the job being cancelled. */
  release: () => void
}

export async function createOrReuse(
  diffs: DiffToJudge[],
  options: CreateOrReuseOptions
): Promise<CreatedOrReused> {
  const { client, carried, tags, log } = options
  if (carried !== null && carried.sha !== tags.sha) {
    const by = tags.sha === null ? 'a newer commit' : `commit ${tags.sha.slice(0, 7)}`
    const older = [...carried.created.values()].map((id) => ({
      id,
      name: `for commit ${carried.sha.slice(0, 7)}`
    }))
    await cancelUnfinished(client, older, `replaced by ${by}`, log)
  }
  const created: DiffToCancel[] = []
  const inFlight = createsInFlight()
  const release =
    options.onStop?.(async () => {
      await inFlight.stop(log)
      await cancelDiffs(options.stopClient, created, 'the job was cancelled', log)
    }) ?? (() => undefined)
  const obtained = await createRequestedDiffs(diffs, {
    ...{ client, tags, carried, log, mask: options.mask, inFlight },
    onCreated: (id, name) => created.push({ id, name })
  })
  return { obtained, created, release }
}

/**
 * What the report comment carries for the next run: for a re-run of this commit, the diffs created
 * for it, less those cancelled and those that failed with an error Datafold calls retryable
 * (created again rather than reused); for a run of the next commit, what this report found
 * (`report`). Null without a commit to tie them to.
 */
export function stateToCarry(
  read: readonly ReadDiff[],
  sha: string | null,
  cancelled: readonly number[],
  report: ReportFigures | null
): CarriedState | null {
  if (sha === null) return null
  const created = new Map<string, number>()
  for (const { obtained, fetched } of read) {
    if (obtained.origin !== 'created' && obtained.origin !== 'reused') continue
    if (cancelled.includes(obtained.id) || fetched?.retryable === true) continue
    created.set(obtained.key, obtained.id)
  }
  return created.size === 0 && report === null ? null : { sha, created, forgotten: 0, report }
}
