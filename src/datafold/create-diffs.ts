// Creates the requested diffs at Datafold: data sources resolved (data-sources.ts: names to ids, and
// the types that say how names are stored), one
// `POST /api/v1/datadiffs` per diff, side by side within the transport's concurrency limit. A diff
// created for the same entry, request and commit before (the comment's carried state) is reused
// instead. A create Datafold refuses makes that diff an error; the others go on.
import type { CarriedState } from '../comment-state.js'
import { createDiffBody, reuseKey, type TagContext } from '../plan/request.js'
import type { DiffToJudge, GivenDiff, RequestedDiff } from '../sources/source.js'
import { reasonOf } from '../text.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { createdDiffSchema } from './created.js'
import { resolveDataSources } from './data-sources.js'
import { DatafoldRequestError } from './errors.js'
import { createsInFlight, type CreatesInFlight } from './in-flight.js'

/** One diff to judge and what became of it at Datafold: given, created now, reused from an
 * earlier run for the same commit, or refused with why. */
export type Obtained =
  | { diff: GivenDiff; origin: 'given'; id: number }
  | { diff: RequestedDiff; origin: 'created' | 'reused'; id: number; key: string }
  | { diff: RequestedDiff; origin: 'not created'; error: string }

export interface CreateOptions {
  client: DatafoldPlanClient
  tags: TagContext
  /** What an earlier run for this PR carried in its report; reused when its commit is this one. */
  carried: CarriedState | null
  log: (message: string) => void
  /** Told of each secret the data sources' records hold, before anything else is done. */
  mask?: (secret: string) => void
  /** Told of each diff as soon as it is created, so a stopped job can cancel it. */
  onCreated?: (id: number, name: string) => void
  /** The creates under way, for a stopped job to wait for. */
  inFlight?: CreatesInFlight
}

/** One outcome per diff, in order. Throws DataSourceError before creating anything. */
export async function createRequestedDiffs(
  diffs: DiffToJudge[],
  options: CreateOptions
): Promise<Obtained[]> {
  const requested = diffs.flatMap((diff) => (diff.kind === 'requested' ? [diff] : []))
  const sourceOf = await resolveDataSources(
    requested.map(({ request }) => request),
    options.client,
    (secret) => options.mask?.(secret)
  )
  const { carried, tags } = options
  const inFlight = options.inFlight ?? createsInFlight()
  const reusable = carried !== null && carried.sha === tags.sha ? carried.created : null
  return Promise.all(
    diffs.map(async (diff): Promise<Obtained> => {
      if (diff.kind === 'given') return { diff, origin: 'given', id: diff.id }
      const { request, name } = diff
      const body = createDiffBody(
        request,
        { a: sourceOf(request.dataSourceA), b: sourceOf(request.dataSourceB) },
        tags
      )
      const key = reuseKey(name, body)
      const earlier = reusable?.get(key)
      if (earlier !== undefined) {
        options.log(`${name}: reusing diff ${earlier}, created for this commit before`)
        return { diff, origin: 'reused', id: earlier, key }
      }
      return inFlight.track(name, (signal) => createOne({ diff, body, key }, signal, options))
    })
  )
}

/** Sends one diff's create (unless the job is stopping), and records the diff it made. */
async function createOne(
  { diff, body, key }: { diff: RequestedDiff; body: object; key: string },
  signal: AbortSignal,
  options: CreateOptions
): Promise<Obtained> {
  try {
    const answer = createdDiffSchema.safeParse(await options.client.createDiff(body, signal))
    if (!answer.success || answer.data.id === null) {
      return {
        diff,
        origin: 'not created',
        error: 'Datafold answered the create without a diff id'
      }
    }
    options.onCreated?.(answer.data.id, diff.name)
    options.log(`${diff.name}: created diff ${answer.data.id}`)
    return { diff, origin: 'created', id: answer.data.id, key }
  } catch (error) {
    const reason = error instanceof DatafoldRequestError ? error.reason : reasonOf(error)
    return { diff, origin: 'not created', error: `could not create the diff: ${reason}` }
  }
}
