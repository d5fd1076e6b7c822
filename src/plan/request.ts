// A planned diff as Datafold's create request (`POST /api/v1/datadiffs`, ApiDataDiffData), its
// names as its data sources' warehouses store them, with the tags that mark it as this action's,
// and the key that tells a re-run whether the same entry sent the same request for the same commit
// already. Pure.
import { createHash } from 'node:crypto'
import { storedName, unquotedCase } from '../letter-case.js'
import { canonicalJson } from './canonical-json.js'
import type { Dataset, PlannedDiff } from './merge.js'

/** The tag on every diff this action creates. */
export const ACTION_TAG = 'datafold-diff-gate'

/** What the tags name besides the action: the repository, the PR, the commit. */
export interface TagContext {
  /** `owner/name`; '' when unknown. */
  repository: string
  pr: number | null
  sha: string | null
}

/** The ApiDataDiffData fields this action sends. */
export interface CreateDiffBody {
  data_source1_id: number
  data_source2_id: number
  table1?: string[]
  table2?: string[]
  query1?: string
  query2?: string
  pk_columns?: string[]
  infer_pk?: boolean
  include_columns?: string[]
  exclude_columns?: string[]
  filter1?: string
  filter2?: string
  sampling_tolerance?: number
  sampling_confidence?: number
  sampling_ratio?: number
  sampling_max_rows?: number
  time_travel_point1?: number | string
  time_travel_point2?: number | string
  tags: string[]
}

/** A data source as a create needs it: its id, and its type at Datafold (`snowflake`), which says
 * how its warehouse stores a name written without quotes; null when not known. */
export interface ResolvedSource {
  id: number
  type: string | null
}

/** The request for one entry, its data sources resolved. Unset fields are left out. */
export function createDiffBody(
  diff: PlannedDiff,
  sources: { a: ResolvedSource; b: ResolvedSource },
  context: TagContext
): CreateDiffBody {
  const { sampling, quoting } = diff
  const { a, b } = sources
  // One list of columns for both sides: folded only where both warehouses store them alike.
  const columnsType = unquotedCase(a.type) === unquotedCase(b.type) ? a.type : null
  const stored = (names: string[] | null, quoted: boolean[] | undefined, type: string | null) =>
    names?.map((name, i) => (quoted ? storedName(name, quoted[i] === true, type) : name)) ?? null
  const primaryKey = stored(diff.primaryKey, quoting?.primaryKey, columnsType)
  return {
    data_source1_id: a.id,
    data_source2_id: b.id,
    ...side(diff.datasetA, '1', (table) => stored(table, quoting?.tableA, a.type)),
    ...side(diff.datasetB, '2', (table) => stored(table, quoting?.tableB, b.type)),
    ...(primaryKey === null ? { infer_pk: true } : { pk_columns: primaryKey }),
    ...optional(
      'include_columns',
      stored(diff.includeColumns, quoting?.includeColumns, columnsType)
    ),
    ...optional(
      'exclude_columns',
      stored(diff.excludeColumns, quoting?.excludeColumns, columnsType)
    ),
    ...optional('filter1', diff.filterA),
    ...optional('filter2', diff.filterB),
    ...optional('sampling_tolerance', sampling?.tolerance),
    ...optional('sampling_confidence', sampling?.confidence),
    ...optional('sampling_ratio', sampling?.ratio),
    ...optional('sampling_max_rows', sampling?.maxRows),
    ...optional('time_travel_point1', diff.timeTravelA),
    ...optional('time_travel_point2', diff.timeTravelB),
    tags: [...new Set([...actionTags(context), ...diff.tags])]
  }
}

/** `datafold-diff-gate`, `github-repo:acme/dbt`, `github-pr:482`, `github-sha:<sha>`. */
export function actionTags(context: TagContext): string[] {
  return [
    ACTION_TAG,
    ...(context.repository === '' ? [] : [`github-repo:${context.repository}`]),
    ...(context.pr === null ? [] : [`github-pr:${context.pr}`]),
    ...(context.sha === null ? [] : [`github-sha:${context.sha}`])
  ]
}

/**
 * 32 bits of a hash of the entry's name and its request, whatever the order of the request's keys:
 * the report comment keeps one per created diff (see comment-state.ts), so it is short. A request
 * changed since (a new commit is in its tags) gets another key, bar a one in four billion chance.
 */
export function reuseKey(name: string, body: CreateDiffBody): string {
  return createHash('sha256')
    .update(`${name}\n${canonicalJson(body)}`)
    .digest('hex')
    .slice(0, 8)
}

function side(
  dataset: Dataset,
  n: '1' | '2',
  stored: (table: string[]) => string[] | null
): Partial<CreateDiffBody> {
  return 'table' in dataset
    ? { [`table${n}`]: stored(dataset.table) }
    : { [`query${n}`]: dataset.query }
}

function optional<K extends keyof CreateDiffBody>(
  key: K,
  value: CreateDiffBody[K] | null | undefined
): Partial<CreateDiffBody> {
  return value === null || value === undefined ? {} : { [key]: value }
}
