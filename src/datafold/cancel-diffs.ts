// Cancels diffs this action created and no longer needs, so they stop using the user's warehouse:
// when wait-timeout ends first, when the job is cancelled, and an older commit's diffs. Each is
// logged. Never throws: a cancel that fails is logged, and the run goes on.
import { reasonOf } from '../text.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { cancelledDiffSchema, UNFINISHED_JOB_STATUSES } from './created.js'
import { diffRecordSchema } from './schemas.js'

export interface DiffToCancel {
  id: number
  /** For the log: the entry's or model's name, or which commit it was created for. */
  name: string
}

/** Cancels each diff; the ids Datafold reports cancelled. `why` ends the log line. */
export async function cancelDiffs(
  client: Pick<DatafoldPlanClient, 'cancelDiff'>,
  diffs: DiffToCancel[],
  why: string,
  log: (message: string) => void
): Promise<number[]> {
  const cancelled = await Promise.all(
    diffs.map(async ({ id, name }) => {
      try {
        const answer = cancelledDiffSchema.safeParse(await client.cancelDiff(id))
        const status = answer.success ? answer.data.status : 'unknown'
        if (status === 'cancelled') {
          log(`Cancelled diff ${id} (${name}): ${why}`)
          return [id]
        }
        log(`Diff ${id} (${name}) was not cancelled: Datafold reports it ${status}`)
      } catch (error) {
        log(`Could not cancel diff ${id} (${name}): ${reasonOf(error)}`)
      }
      return []
    })
  )
  return cancelled.flat()
}

/** Cancels those of `diffs` that Datafold still reports unfinished; the ids cancelled. */
export async function cancelUnfinished(
  client: Pick<DatafoldPlanClient, 'cancelDiff' | 'getDiff'>,
  diffs: DiffToCancel[],
  why: string,
  log: (message: string) => void
): Promise<number[]> {
  const unfinished = await Promise.all(
    diffs.map(async (diff) => {
      try {
        const record = diffRecordSchema.safeParse(await client.getDiff(diff.id))
        const status = record.success ? record.data.status : null
        return typeof status === 'string' && UNFINISHED_JOB_STATUSES.has(status) ? [diff] : []
      } catch (error) {
        log(`Could not read diff ${diff.id} (${diff.name}) to cancel it: ${reasonOf(error)}`)
        return []
      }
    })
  )
  return cancelDiffs(client, unfinished.flat(), why, log)
}
