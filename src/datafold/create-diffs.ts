// Creates the plan's diffs at Datafold: data-source names resolved to ids (data-sources.ts), one
// `POST /api/v1/datadiffs` per entry, side by side within the transport's concurrency limit. A
// diff created for the same entry, request and commit before (the comment's created block) is
// reused instead. A create Datafold refuses makes that entry an error; the others go on.
import type { CreatedDiff } from '../plan/created-block.js'
import type { PlannedDiff } from '../plan/merge.js'
import { createDiffBody, requestFingerprint, type TagContext } from '../plan/request.js'
import { reasonOf } from '../text.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { createdDiffSchema } from './created.js'
import { resolveDataSources } from './data-sources.js'
import { DatafoldRequestError } from './errors.js'
import { createsInFlight, type CreatesInFlight } from './in-flight.js'

/** What became of one entry. */
export interface PlannedOutcome {
  entry: string
  /** null when the diff could not be created. */
  id: number | null
  /** Created by this run (not reused from an earlier run for the same commit). */
  created: boolean
  fingerprint: string
  /** Why there is no diff. */
  error: string | null
}

export interface CreateOptions {
  client: DatafoldPlanClient
  tags: TagContext
  /** What earlier runs created for this PR (the comment's block). */
  earlier: CreatedDiff[]
  log: (message: string) => void
  /** Told of each secret the data sources' records hold, before anything else is done. */
  mask?: (secret: string) => void
  /** Told of each diff as soon as it is created, so a stopped job can cancel it. */
  onCreated?: (id: number, entry: string) => void
  /** The creates under way, for a stopped job to wait for. */
  inFlight?: CreatesInFlight
}

/** One outcome per entry, in plan order. Throws DataSourceError before creating anything. */
export async function createPlannedDiffs(
  planned: PlannedDiff[],
  options: CreateOptions
): Promise<PlannedOutcome[]> {
  const ids = await resolveDataSources(planned, options.client, (secret) => options.mask?.(secret))
  const { sha } = options.tags
  const inFlight = options.inFlight ?? createsInFlight()
  return Promise.all(
    planned.map(async (diff): Promise<PlannedOutcome> => {
      const body = createDiffBody(
        diff,
        { a: ids(diff.dataSourceA), b: ids(diff.dataSourceB) },
        options.tags
      )
      const fingerprint = requestFingerprint(body)
      const earlier = options.earlier.find(
        (e) => e.entry === diff.name && e.fingerprint === fingerprint && e.sha === sha
      )
      if (earlier) {
        options.log(`${diff.name}: reusing diff ${earlier.id}, created for this commit before`)
        return { entry: diff.name, id: earlier.id, created: false, fingerprint, error: null }
      }
      return inFlight.track(diff.name, (signal) =>
        createOne({ entry: diff.name, body, fingerprint }, signal, options)
      )
    })
  )
}

/** Sends one entry's create (unless the job is stopping), and records the diff it made. */
async function createOne(
  { entry, body, fingerprint }: { entry: string; body: object; fingerprint: string },
  signal: AbortSignal,
  options: CreateOptions
): Promise<PlannedOutcome> {
  try {
    const answer = createdDiffSchema.safeParse(await options.client.createDiff(body, signal))
    if (!answer.success || answer.data.id === null) {
      const why = 'Datafold answered the create without a diff id'
      return { entry, id: null, created: false, fingerprint, error: why }
    }
    options.onCreated?.(answer.data.id, entry)
    options.log(`${entry}: created diff ${answer.data.id}`)
    return { entry, id: answer.data.id, created: true, fingerprint, error: null }
  } catch (error) {
    const reason = error instanceof DatafoldRequestError ? error.reason : reasonOf(error)
    return {
      entry,
      id: null,
      created: false,
      fingerprint,
      error: `could not create the diff: ${reason}`
    }
  }
}
