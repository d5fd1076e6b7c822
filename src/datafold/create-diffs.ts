// Creates the requested diffs at Datafold: data-source names resolved to ids (exact match), one
// `POST /api/v1/datadiffs` per diff, side by side within the transport's concurrency limit. A diff
// created for the same entry, request and commit before (the comment's carried state) is reused
// instead. A create Datafold refuses makes that diff an error; the others go on.
import type { CarriedState } from '../comment-state.js'
import type { DataSourceRef } from '../plan/merge.js'
import { createDiffBody, reuseKey, type TagContext } from '../plan/request.js'
import type { DiffToJudge, GivenDiff, RequestedDiff } from '../sources/source.js'
import { reasonOf } from '../text.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { createdDiffSchema, dataSourcesSchema, type DataSource } from './created.js'
import { DatafoldRequestError } from './errors.js'

/** One diff to judge and what became of it at Datafold: given, created now, reused from an
 * earlier run for the same commit, or refused with why. */
export type Obtained =
  | { diff: GivenDiff; origin: 'given'; id: number }
  | { diff: RequestedDiff; origin: 'created' | 'reused'; id: number; key: string }
  | { diff: RequestedDiff; origin: 'not created'; error: string }

/** A data-source name that does not resolve: nothing is created. */
export class DataSourceError extends Error {
  constructor(readonly problems: string[]) {
    super(`No diff was created: ${problems.join('; ')}`)
    this.name = 'DataSourceError'
  }
}

export interface CreateOptions {
  client: DatafoldPlanClient
  tags: TagContext
  /** What an earlier run for this PR carried in its report; reused when its commit is this one. */
  carried: CarriedState | null
  log: (message: string) => void
  /** Told of each diff as soon as it is created, so a stopped job can cancel it. */
  onCreated?: (id: number, name: string) => void
}

/** One outcome per diff, in order. Throws DataSourceError before creating anything. */
export async function createRequestedDiffs(
  diffs: DiffToJudge[],
  options: CreateOptions
): Promise<Obtained[]> {
  const requested = diffs.flatMap((diff) => (diff.kind === 'requested' ? [diff] : []))
  const ids = await resolveDataSources(requested, options.client)
  const { carried, tags } = options
  const reusable = carried !== null && carried.sha === tags.sha ? carried.created : null
  return Promise.all(
    diffs.map(async (diff): Promise<Obtained> => {
      if (diff.kind === 'given') return { diff, origin: 'given', id: diff.id }
      const { request, name } = diff
      const body = createDiffBody(
        request,
        { a: ids(request.dataSourceA), b: ids(request.dataSourceB) },
        tags
      )
      const key = reuseKey(name, body)
      const earlier = reusable?.get(key)
      if (earlier !== undefined) {
        options.log(`${name}: reusing diff ${earlier}, created for this commit before`)
        return { diff, origin: 'reused', id: earlier, key }
      }
      try {
        const answer = createdDiffSchema.safeParse(await options.client.createDiff(body))
        if (!answer.success || answer.data.id === null) {
          return {
            diff,
            origin: 'not created',
            error: 'Datafold answered the create without a diff id'
          }
        }
        options.onCreated?.(answer.data.id, name)
        options.log(`${name}: created diff ${answer.data.id}`)
        return { diff, origin: 'created', id: answer.data.id, key }
      } catch (error) {
        const reason = error instanceof DatafoldRequestError ? error.reason : reasonOf(error)
        return { diff, origin: 'not created', error: `could not create the diff: ${reason}` }
      }
    })
  )
}

/** Resolves every name the plan uses with one list request; ids are taken as given. */
async function resolveDataSources(
  requested: RequestedDiff[],
  client: DatafoldPlanClient
): Promise<(ref: DataSourceRef) => number> {
  const names = new Set(
    requested
      .flatMap(({ request }) => [request.dataSourceA, request.dataSourceB])
      .flatMap((r) => ('name' in r ? [r.name] : []))
  )
  const byName = new Map<string, number>()
  if (names.size > 0) {
    const parsed = dataSourcesSchema.safeParse(await client.listDataSources())
    // The records are never shown: they may hold connection secrets.
    if (!parsed.success) {
      throw new DataSourceError(['the data source list from Datafold fits no known shape'])
    }
    const problems: string[] = []
    for (const name of names) {
      const found = parsed.data.filter((source) => source.name === name)
      const [only] = found
      if (found.length === 1 && typeof only?.id === 'number') byName.set(name, only.id)
      else problems.push(unresolved(name, found, parsed.data))
    }
    if (problems.length > 0) throw new DataSourceError(problems)
  }
  return (ref) => ('id' in ref ? ref.id : (byName.get(ref.name) ?? 0))
}

function unresolved(name: string, found: DataSource[], all: DataSource[]): string {
  if (found.length > 1) {
    const ids = found.map((source) => String(source.id ?? '?')).join(', ')
    return `data-source "${name}" names ${found.length} data sources (ids ${ids}): give the id instead`
  }
  const names = [...new Set(all.map((source) => source.name))].sort()
  const listed = names.length === 0 ? 'there are none' : `the names there are: ${names.join(', ')}`
  return `data-source "${name}" is not the name of a data source at Datafold; ${listed}`
}
