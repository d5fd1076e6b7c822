// Creates the plan's diffs at Datafold: data-source names resolved to ids (exact match), one
// `POST /api/v1/datadiffs` per entry, side by side within the transport's concurrency limit. A
// diff created for the same entry, request and commit before (the comment's created block) is
// reused instead. A create Datafold refuses makes that entry an error; the others go on.
import type { CreatedDiff } from '../plan/created-block.js'
import type { DataSourceRef, PlannedDiff } from '../plan/merge.js'
import { createDiffBody, requestFingerprint, type TagContext } from '../plan/request.js'
import { reasonOf } from '../text.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { createdDiffSchema, dataSourcesSchema, type DataSource } from './created.js'
import { DatafoldRequestError } from './errors.js'

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
  /** What earlier runs created for this PR (the comment's block). */
  earlier: CreatedDiff[]
  log: (message: string) => void
  /** Told of each diff as soon as it is created, so a stopped job can cancel it. */
  onCreated?: (id: number, entry: string) => void
}

/** One outcome per entry, in plan order. Throws DataSourceError before creating anything. */
export async function createPlannedDiffs(
  planned: PlannedDiff[],
  options: CreateOptions
): Promise<PlannedOutcome[]> {
  const ids = await resolveDataSources(planned, options.client)
  const { sha } = options.tags
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
      try {
        const answer = createdDiffSchema.safeParse(await options.client.createDiff(body))
        if (!answer.success || answer.data.id === null) {
          const why = 'Datafold answered the create without a diff id'
          return { entry: diff.name, id: null, created: false, fingerprint, error: why }
        }
        options.onCreated?.(answer.data.id, diff.name)
        options.log(`${diff.name}: created diff ${answer.data.id}`)
        return { entry: diff.name, id: answer.data.id, created: true, fingerprint, error: null }
      } catch (error) {
        const reason = error instanceof DatafoldRequestError ? error.reason : reasonOf(error)
        const error_ = `could not create the diff: ${reason}`
        return { entry: diff.name, id: null, created: false, fingerprint, error: error_ }
      }
    })
  )
}

/** Resolves every name the plan uses with one list request; ids are taken as given. */
async function resolveDataSources(
  planned: PlannedDiff[],
  client: DatafoldPlanClient
): Promise<(ref: DataSourceRef) => number> {
  const names = new Set(
    planned
      .flatMap((d) => [d.dataSourceA, d.dataSourceB])
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
