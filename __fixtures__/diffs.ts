// Realistic Datafold answers for the fakes, the end-to-end tests and the demo: builders for every
// shape `GET /api/v1/datadiffs/{id}/summary_results` answers 200 with, and for the diff record of
// `GET /api/v1/datadiffs/{id}` (`ApiDataDiffWithProgressState`). The numbers are derived from a
// small description of the diff (rows removed, added, changed per column, schema changes), so a
// body is always self-consistent, and __tests__/contract/fakes.test.ts validates every body
// against the OpenAPI contract in shared/datafold-api, so the fakes cannot drift from what
// Datafold sends.
//
// Every `[A, B]` pair is dataset A (`table1`, production) then dataset B (`table2`, the PR build):
// rows only in B are "added" (`pks.exclusives[1]`), only in A "removed" (`pks.exclusives[0]`).
//
// Plain TypeScript, no jest: the demo imports this under `tsx`.
import type { DiffScenario, Scenarios } from './datafold-scenario.js'

export type Pair = [number, number]

/** `ApiDataDiffSummaryPKs` */
export interface PksSummary {
  total_rows: Pair
  nulls: Pair
  dupes: Pair
  exclusives: Pair
  distincts: Pair
}

/** `ApiDataDiffSummarySchema` */
export interface SchemaSummary {
  columns_mismatched: Pair
  column_type_mismatches: number
  column_reorders: number
  column_counts: Pair
  column_type_differs: string[]
  exclusive_columns: string[][]
}

/** `ApiEstimatedIntValue` */
export interface EstimatedIntValue {
  value: number
  estimate: number
  confidence: number
  interval: { min: number; max: number }
}

/** `ApiColumnDiffStat` */
export interface ColumnDiffStat {
  column_name: string
  match: number
  values_different: number
  values_different_estimate?: EstimatedIntValue | null
}

/** `ApiDataDiffSummaryValues` */
export interface ValuesSummary {
  total_rows: number
  rows_with_differences: number
  total_values: number
  values_with_differences: number
  compared_columns: number
  columns_with_differences: number
  columns_diff_stats: ColumnDiffStat[]
}

/** `ApiCIDependency` */
export interface CIDependency {
  uid: string
  item_type: string
  name: string
  path: string[]
  data_source_id: number
  data_source_type: string
  popularity?: number | null
  primary_key?: string | null
  query_type?: string | null
  raw_sql?: string | null
  remote_id?: string | null
  table_name?: string | null
}

/** `ApiMaterializedResult` */
export interface MaterializedResult {
  data_source_id: number
  path: string[]
  is_sampled: boolean
}

/** `ApiMaterializedResults` */
export interface MaterializedResults {
  diff?: MaterializedResult[] | null
  exclusives?: MaterializedResult[] | null
  duplicates1?: MaterializedResult[] | null
  duplicates2?: MaterializedResult[] | null
}

export type FinishedStatus = 'done' | 'success'

/** `ApiDataDiffSummaryForDone`: a same-database diff that finished. */
export interface SameDbDoneBody {
  status: FinishedStatus
  pks: PksSummary
  dependencies: CIDependency[]
  schema: SchemaSummary
  materialized_results: MaterializedResults
  values?: ValuesSummary | null
  exclusives_profile?: null
}

/** `ApiCrossDataDiffSummaryForDone`: a cross-database diff that finished; no schema block. */
export interface CrossDbDoneBody {
  status: FinishedStatus
  pks?: PksSummary | null
  values?: ValuesSummary | null
}

/** `ApiDataDiffError` */
export interface DataDiffError {
  error_type: string
  error_value: string
  is_retryable?: boolean | null
}

/** `ApiDataDiffSummaryForFailed`: `error` is an `ApiDataDiffError` or any other object. */
export interface FailedBody {
  status: 'failed'
  error: DataDiffError | Record<string, unknown>
}

/** `ApiDataDiffSummaryForRunning` */
export interface RunningBody {
  status: 'running' | 'pending'
}

/** `InternalApiDataDiffDependencies`: finished, and nothing but the dependencies. */
export interface DependenciesOnlyBody {
  status: FinishedStatus
  dependencies: CIDependency[]
}

export type SummaryBody =
  SameDbDoneBody | CrossDbDoneBody | FailedBody | RunningBody | DependenciesOnlyBody

/** `JobStatus`: the diff record's own status vocabulary. */
export type JobStatus =
  | 'needs_confirmation'
  | 'needs_authentication'
  | 'waiting'
  | 'queued'
  | 'processing'
  | 'done'
  | 'failed'
  | 'cancelled'

export type DiffKind = 'in_db' | 'cross_db'

/** The part of `ApiDataDiffWithProgressState` the builders fill in (all that a real one shows). */
export interface DiffRecord {
  id: number
  data_source1_id: number
  data_source2_id: number
  pk_columns: string[]
  kind: DiffKind
  table1: string[] | null
  table2: string[] | null
  query1: string | null
  query2: string | null
  filter1: string | null
  filter2: string | null
  include_columns: string[] | null
  exclude_columns: string[] | null
  algorithm: 'join' | 'fetch_and_join'
  status: JobStatus | null
  done: boolean
  result: 'error' | 'bad-pks' | 'different' | 'missing-pks' | 'identical' | 'empty' | null
  source: 'ci'
  tags: string[]
  ci_pr_num: number
  ci_pr_branch: string
  ci_base_branch: string
  ci_pr_sha: string
  ci_pr_url: string
  ci_pr_username: string
  ci_run_id: number
  diff_progress: { version: string; completed_steps: number | null; total_steps: number | null }
  sampling_tolerance: number | null
  sampling_confidence: number | null
  sampling_threshold: number | null
  materialize_dataset1: boolean
  materialize_dataset2: boolean
  archived: boolean
  purged: boolean
  runtime: number | null
  user_id: number
  result_revisions: Record<string, number>
  created_at: string
  updated_at: string
  finished_at: string | null
}

/** The pull request every demo diff belongs to. */
export const PR = {
  number: 482,
  branch: 'feature/refund-aware-revenue',
  base: 'main',
  sha: '9f2c1e7b4a0d3c85e6f1a2b3c4d5e6f708192a3b',
  url: 'https://github.com/acme/analytics-dbt/pull/482',
  username: 'dana-analytics',
  ciSchema: 'dbt_cloud_pr_4711_482'
} as const

/** Data sources: one Snowflake warehouse, and the Redshift cluster a migration copies from. */
export const DATA_SOURCES = {
  snowflake: { id: 3, type: 'snowflake' },
  redshift: { id: 7, type: 'redshift' }
} as const

interface ModelDefaults {
  pk: string[]
  columns: string[]
  rows: number
}

/** jaffle-shop-like dbt models: primary key, the other columns, rows in production. */
export const MODELS: Record<string, ModelDefaults> = {
  orders: {
    pk: ['order_id'],
    columns: [
      'customer_id',
      'order_date',
      'status',
      'amount',
      'credit_card_amount',
      'coupon_amount',
      'bank_transfer_amount',
      'gift_card_amount'
    ],
    rows: 125_430
  },
  customers: {
    pk: ['customer_id'],
    columns: [
      'first_name',
      'last_name',
      'first_order',
      'most_recent_order',
      'number_of_orders',
      'customer_lifetime_value'
    ],
    rows: 48_210
  },
  payments: {
    pk: ['payment_id'],
    columns: ['order_id', 'payment_method', 'amount', 'created_at'],
    rows: 311_877
  },
  events: {
    pk: ['event_id'],
    columns: ['session_id', 'user_id', 'event_type', 'occurred_at', 'page_url', 'revenue'],
    rows: 48_352_901
  },
  fct_revenue: {
    pk: ['date_day', 'region'],
    columns: ['gross_revenue', 'refunds', 'net_revenue', 'order_count'],
    rows: 7_305
  }
}

/** A diff described in the terms a reviewer thinks in; the builders derive every count. */
export interface DiffSpec {
  /** Record id; also names the materialized tables. */
  id?: number
  /** A key of MODELS (default `orders`) or any name when `pk` and `columns` are given. */
  model?: string
  pk?: string[]
  /** Columns other than the primary key, present in both tables. */
  columns?: string[]
  /** Rows in dataset A (production). */
  rowsA?: number
  /** Rows only in A (`pks.exclusives[0]`). */
  removed?: number
  /** Rows only in B (`pks.exclusives[1]`). */
  added?: number
  /** Values that differ, per column, among the rows in both tables (the whole table). */
  differences?: Record<string, number>
  /** Rows with at least one differing value; default: the largest per-column count. */
  changed?: number
  dupes?: Pair
  nulls?: Pair
  schemaChanges?: {
    onlyInA?: string[]
    onlyInB?: string[]
    typeChanged?: string[]
    reorders?: number
  }
  status?: FinishedStatus
  /** false: the diff compared primary keys only, so `values` is null. */
  compareValues?: boolean
  /** Values were compared on a sample of this many of the rows in both tables. */
  sampled?: { rows: number; confidence?: number }
  table1?: string[]
  table2?: string[]
  dependencies?: CIDependency[]
}

interface Derived {
  id: number
  model: string
  pk: string[]
  columns: string[]
  rowsA: number
  rowsB: number
  inBoth: number
  removed: number
  added: number
  differences: Record<string, number>
  changed: number
  dupes: Pair
  nulls: Pair
}

function derive(spec: DiffSpec): Derived {
  const model = spec.model ?? 'orders'
  const defaults = MODELS[model]
  const pk = spec.pk ?? defaults?.pk
  const columns = spec.columns ?? defaults?.columns
  const rowsA = spec.rowsA ?? defaults?.rows
  if (!pk || !columns || rowsA === undefined) {
    throw new Error(`unknown model "${model}": give pk, columns and rowsA`)
  }
  const removed = spec.removed ?? 0
  const added = spec.added ?? 0
  const differences = spec.differences ?? {}
  for (const [column, count] of Object.entries(differences)) {
    if (!columns.includes(column)) throw new Error(`"${column}" is not a column of ${model}`)
    checkCount(`differences.${column}`, count)
  }
  for (const [name, value] of Object.entries({ rowsA, removed, added })) checkCount(name, value)
  if (removed > rowsA) throw new Error(`removed (${removed}) exceeds rowsA (${rowsA})`)
  const inBoth = rowsA - removed
  const counts = Object.values(differences)
  const largest = Math.max(0, ...counts)
  const sum = counts.reduce((a, b) => a + b, 0)
  const changed = spec.changed ?? largest
  checkCount('changed', changed)
  if (changed < largest || changed > sum || changed > inBoth) {
    throw new Error(
      `changed (${changed}) must lie between the largest column count (${largest}) and ` +
        `min(sum of counts ${sum}, rows in both ${inBoth})`
    )
  }
  return {
    id: spec.id ?? 101,
    model,
    pk,
    columns,
    rowsA,
    rowsB: inBoth + added,
    inBoth,
    removed,
    added,
    differences,
    changed,
    dupes: spec.dupes ?? [0, 0],
    nulls: spec.nulls ?? [0, 0]
  }
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${value}`)
  }
}

function pksOf(d: Derived): PksSummary {
  return {
    total_rows: [d.rowsA, d.rowsB],
    nulls: d.nulls,
    dupes: d.dupes,
    exclusives: [d.removed, d.added],
    distincts: [d.rowsA - d.dupes[0] - d.nulls[0], d.rowsB - d.dupes[1] - d.nulls[1]]
  }
}

function valuesOf(d: Derived, sampled: DiffSpec['sampled']): ValuesSummary {
  const compared = d.columns.length
  if (!sampled) {
    const stats = d.columns.map((column) => {
      const different = d.differences[column] ?? 0
      return {
        column_name: column,
        match: matchPercent(different, d.inBoth),
        values_different: different
      }
    })
    return {
      total_rows: d.inBoth,
      rows_with_differences: d.changed,
      total_values: d.inBoth * compared,
      values_with_differences: sumOf(stats.map((s) => s.values_different)),
      compared_columns: compared,
      columns_with_differences: stats.filter((s) => s.values_different > 0).length,
      columns_diff_stats: stats
    }
  }
  const sampleRows = Math.min(sampled.rows, d.inBoth)
  checkCount('sampled.rows', sampleRows)
  const fraction = d.inBoth === 0 ? 1 : sampleRows / d.inBoth
  const confidence = sampled.confidence ?? 0.95
  const stats = d.columns.map((column) => {
    const observed = Math.round((d.differences[column] ?? 0) * fraction)
    return {
      column_name: column,
      match: matchPercent(observed, sampleRows),
      values_different: observed,
      values_different_estimate: estimateOf(observed, sampleRows, d.inBoth, confidence)
    }
  })
  const largest = Math.max(0, ...stats.map((s) => s.values_different))
  const observedSum = sumOf(stats.map((s) => s.values_different))
  const changed = Math.min(Math.max(Math.round(d.changed * fraction), largest), observedSum)
  return {
    total_rows: sampleRows,
    rows_with_differences: changed,
    total_values: sampleRows * compared,
    values_with_differences: observedSum,
    compared_columns: compared,
    columns_with_differences: stats.filter((s) => s.values_different > 0).length,
    columns_diff_stats: stats
  }
}

/** A binomial estimate: normal interval, or the rule of three when nothing was observed. */
function estimateOf(
  observed: number,
  sampleRows: number,
  population: number,
  confidence: number
): EstimatedIntValue {
  if (sampleRows === 0) {
    return { value: 0, estimate: 0, confidence, interval: { min: 0, max: population } }
  }
  const scale = population / sampleRows
  if (observed === 0) {
    const max = Math.min(population, Math.ceil((3 / sampleRows) * population))
    return { value: 0, estimate: 0, confidence, interval: { min: 0, max } }
  }
  const z = confidence >= 0.99 ? 2.576 : confidence >= 0.95 ? 1.96 : 1.645
  const p = observed / sampleRows
  const margin = z * Math.sqrt((p * (1 - p)) / sampleRows)
  const estimate = Math.round(observed * scale)
  return {
    value: observed,
    estimate,
    confidence,
    interval: {
      min: Math.min(estimate, Math.max(0, Math.floor((p - margin) * population))),
      max: Math.max(estimate, Math.min(population, Math.ceil((p + margin) * population)))
    }
  }
}

function matchPercent(different: number, rows: number): number {
  return rows === 0 ? 100 : 100 * (1 - different / rows)
}

function sumOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

function schemaOf(d: Derived, changes: DiffSpec['schemaChanges'] = {}): SchemaSummary {
  const onlyInA = changes.onlyInA ?? []
  const onlyInB = changes.onlyInB ?? []
  const typeChanged = changes.typeChanged ?? []
  for (const column of typeChanged) {
    if (!d.columns.includes(column)) throw new Error(`"${column}" is not a column of ${d.model}`)
  }
  const common = d.pk.length + d.columns.length
  return {
    columns_mismatched: [onlyInA.length, onlyInB.length],
    column_type_mismatches: typeChanged.length,
    column_reorders: changes.reorders ?? 0,
    column_counts: [common + onlyInA.length, common + onlyInB.length],
    column_type_differs: typeChanged,
    exclusive_columns: [onlyInA, onlyInB]
  }
}

function hasDifferences(d: Derived): boolean {
  return d.removed > 0 || d.added > 0 || d.changed > 0 || d.dupes[0] + d.dupes[1] > 0
}

/** Production table of a model, and the PR build of it in the CI schema. */
export function tablesOf(model: string): { table1: string[]; table2: string[] } {
  return { table1: ['analytics', model], table2: [PR.ciSchema, model] }
}

/** What sits downstream of a model: a dbt model and a Looker dashboard. */
export function dependenciesOf(model: string): CIDependency[] {
  const { id, type } = DATA_SOURCES.snowflake
  return [
    {
      uid: `${type}:${id}:analytics.fct_revenue`,
      item_type: 'table',
      name: 'fct_revenue',
      path: ['analytics', 'fct_revenue'],
      data_source_id: id,
      data_source_type: type,
      popularity: 87,
      primary_key: 'date_day',
      query_type: null,
      raw_sql: null,
      remote_id: null,
      table_name: 'fct_revenue'
    },
    {
      uid: `looker:dashboard:${model}_overview`,
      item_type: 'looker_dashboard',
      name: `${capitalise(model)} overview`,
      path: ['Finance', `${capitalise(model)} overview`],
      data_source_id: id,
      data_source_type: type,
      popularity: 312,
      primary_key: null,
      query_type: null,
      raw_sql: null,
      remote_id: '42',
      table_name: null
    }
  ]
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function materializedOf(d: Derived, sampled: boolean): MaterializedResults {
  if (!hasDifferences(d))
    return { diff: null, exclusives: null, duplicates1: null, duplicates2: null }
  const table = (suffix: string): MaterializedResult[] => [
    {
      data_source_id: DATA_SOURCES.snowflake.id,
      path: ['analytics', 'datafold_tmp', `datadiff_${d.id}_${suffix}`],
      is_sampled: sampled
    }
  ]
  return {
    diff: d.changed > 0 ? table('diff') : null,
    exclusives: d.removed + d.added > 0 ? table('exclusives') : null,
    duplicates1: d.dupes[0] > 0 ? table('duplicates1') : null,
    duplicates2: d.dupes[1] > 0 ? table('duplicates2') : null
  }
}

/** `ApiDataDiffSummaryForDone`: a same-database diff that finished (defaults: a clean diff). */
export function sameDbDone(spec: DiffSpec = {}): SameDbDoneBody {
  const d = derive(spec)
  return {
    status: spec.status ?? 'done',
    pks: pksOf(d),
    dependencies: spec.dependencies ?? dependenciesOf(d.model),
    schema: schemaOf(d, spec.schemaChanges),
    materialized_results: materializedOf(d, spec.sampled !== undefined),
    values: spec.compareValues === false ? null : valuesOf(d, spec.sampled),
    exclusives_profile: null
  }
}

/** A same-database diff whose values were compared on a sample: columns carry estimates. */
export function sampledDone(spec: DiffSpec = {}): SameDbDoneBody {
  const model = spec.model ?? 'events'
  return sameDbDone({ ...spec, model, sampled: spec.sampled ?? { rows: 500_000 } })
}

/**
 * `ApiCrossDataDiffSummaryForDone`: no schema, no dependencies. `omit` leaves `pks` or `values`
 * out altogether, `null` sends them as null: both happen.
 */
export function crossDbDone(
  spec: DiffSpec & { omit?: ('pks' | 'values')[]; nulls?: Pair } = {}
): CrossDbDoneBody {
  const d = derive({ model: 'payments', ...spec })
  const body: CrossDbDoneBody = {
    status: spec.status ?? 'success',
    pks: pksOf(d),
    values: spec.compareValues === false ? null : valuesOf(d, spec.sampled)
  }
  if (spec.omit?.includes('pks')) delete body.pks
  if (spec.omit?.includes('values')) delete body.values
  return body
}

/** `ApiDataDiffSummaryForFailed` with an `ApiDataDiffError` (or, given one, any other object). */
export function failedSummary(
  error: Partial<DataDiffError> | Record<string, unknown> = {}
): FailedBody {
  if ('error_type' in error || 'error_value' in error || Object.keys(error).length === 0) {
    return {
      status: 'failed',
      error: {
        error_type: 'QueryError',
        error_value:
          `SQL compilation error:\nObject 'ANALYTICS.${PR.ciSchema.toUpperCase()}.FCT_REVENUE' ` +
          'does not exist or not authorized.',
        is_retryable: false,
        ...error
      }
    }
  }
  return { status: 'failed', error }
}

/** `ApiDataDiffSummaryForRunning` */
export function runningSummary(status: RunningBody['status'] = 'running'): RunningBody {
  return { status }
}

/** `InternalApiDataDiffDependencies`: finished, and nothing but the dependencies. */
export function dependenciesOnly(
  model = 'orders',
  status: FinishedStatus = 'done'
): DependenciesOnlyBody {
  return { status, dependencies: dependenciesOf(model) }
}

/**
 * Bodies that fit none of the five shapes: the contract check must reject each (see the tests).
 * `shapelessSummary()` is the default: a finished status with counts of the wrong type.
 */
export function shapelessSummary(
  kind: 'wrong-types' | 'unknown-status' | 'no-status' = 'wrong-types'
): Record<string, unknown> {
  switch (kind) {
    case 'unknown-status':
      return { status: 'completed', pks: pksOf(derive({})) }
    case 'no-status':
      return { state: 'done', rows_changed: 12, rows_removed: 3 }
    case 'wrong-types':
      return {
        status: 'done',
        pks: { total_rows: '125k', exclusives: [3] },
        values: { rows_with_differences: 'n/a' }
      }
  }
}

export interface RecordSpec extends DiffSpec {
  kind?: DiffKind
  /** null: the record carries no status. Default `done`. */
  jobStatus?: JobStatus | null
  /** Compare two SQL queries instead of two tables. */
  queries?: [string, string]
  /** Default: both Snowflake, or Redshift then Snowflake for a cross-database diff. */
  dataSources?: [number, number]
}

const CREATED = Date.parse('2026-11-24T14:02:11Z')

/** `ApiDataDiffWithProgressState`: the diff record (defaults: a finished in-db diff of orders). */
export function diffRecord(spec: RecordSpec = {}): DiffRecord {
  const kind = spec.kind ?? 'in_db'
  const d = derive({ model: kind === 'cross_db' ? 'payments' : 'orders', ...spec })
  const status = spec.jobStatus === undefined ? 'done' : spec.jobStatus
  const finished = status === 'done' || status === 'failed' || status === 'cancelled'
  const tables = tablesOf(d.model)
  const [ds1, ds2] =
    spec.dataSources ??
    (kind === 'cross_db'
      ? [DATA_SOURCES.redshift.id, DATA_SOURCES.snowflake.id]
      : [DATA_SOURCES.snowflake.id, DATA_SOURCES.snowflake.id])
  const runtime = 20 + (d.id % 17) * 3.7
  const stamp = (seconds: number): string =>
    new Date(CREATED + d.id * 60_000 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    id: d.id,
    data_source1_id: ds1,
    data_source2_id: ds2,
    pk_columns: d.pk,
    kind,
    table1: spec.queries ? null : (spec.table1 ?? tables.table1),
    table2: spec.queries ? null : (spec.table2 ?? tables.table2),
    query1: spec.queries?.[0] ?? null,
    query2: spec.queries?.[1] ?? null,
    filter1: null,
    filter2: null,
    include_columns: null,
    exclude_columns: null,
    algorithm: kind === 'cross_db' ? 'fetch_and_join' : 'join',
    status,
    done: finished,
    result:
      status === 'failed'
        ? 'error'
        : status === 'done'
          ? hasDifferences(d)
            ? 'different'
            : 'identical'
          : null,
    source: 'ci',
    tags: ['dbt', 'ci', `pr-${PR.number}`],
    ci_pr_num: PR.number,
    ci_pr_branch: PR.branch,
    ci_base_branch: PR.base,
    ci_pr_sha: PR.sha,
    ci_pr_url: PR.url,
    ci_pr_username: PR.username,
    ci_run_id: 88_214_530 + d.id,
    diff_progress: {
      version: '2',
      completed_steps: finished ? 6 : status === 'processing' ? 3 : 0,
      total_steps: 6
    },
    sampling_tolerance: spec.sampled ? 0.0001 : null,
    sampling_confidence: spec.sampled ? Math.round((spec.sampled.confidence ?? 0.95) * 100) : null,
    sampling_threshold: spec.sampled ? 1_000_000 : null,
    materialize_dataset1: false,
    materialize_dataset2: false,
    archived: false,
    purged: false,
    runtime: finished ? Math.round(runtime * 10) / 10 : null,
    user_id: 12,
    result_revisions: {},
    created_at: stamp(0),
    updated_at: stamp(finished ? Math.round(runtime) : 5),
    finished_at: finished ? stamp(Math.round(runtime)) : null
  }
}

/** The ids of demoScenario(), in the order a workflow would list them. */
export const DEMO_DIFF_IDS = [101, 102, 103, 104, 105] as const

/** The five demo diffs as DiffSpecs, so tests can assert on the intended numbers. */
export const DEMO_SPECS = {
  /** Clean: orders rebuilt identically. */
  101: { id: 101, model: 'orders' },
  /** Over typical thresholds: 37 customers removed, 1,205 of 48,173 rows changed (2.5%). */
  102: {
    id: 102,
    model: 'customers',
    removed: 37,
    differences: { customer_lifetime_value: 1_205, number_of_orders: 212, most_recent_order: 212 },
    changed: 1_205,
    schemaChanges: { onlyInB: ['refund_total'], typeChanged: ['customer_lifetime_value'] }
  },
  /** Cross-database (Redshift → Snowflake migration): 3 payments added, 14 amounts differ. */
  103: { id: 103, model: 'payments', added: 3, differences: { amount: 14 } },
  /** Sampled: 48M events, values compared on 500,000 rows. */
  104: {
    id: 104,
    model: 'events',
    differences: { revenue: 9_671, page_url: 1_450 },
    changed: 9_671,
    sampled: { rows: 500_000, confidence: 0.95 }
  },
  /** Failed: the PR build of fct_revenue does not exist. */
  105: { id: 105, model: 'fct_revenue' }
} satisfies Record<(typeof DEMO_DIFF_IDS)[number], DiffSpec>

/**
 * The demo's diffs, ids 101..105, each answering at once: 101 clean, 102 over typical thresholds
 * (rows removed, ~2.5% of rows changed, a schema change), 103 cross-database, 104 sampled,
 * 105 failed. Each call builds fresh objects, so a test may change its copy.
 */
export function demoScenario(): Scenarios {
  const spec = (id: keyof typeof DEMO_SPECS): DiffSpec => structuredClone<DiffSpec>(DEMO_SPECS[id])
  const once = (body: SummaryBody): DiffScenario['summary'] => [{ body }]
  return {
    101: { record: diffRecord(spec(101)), summary: once(sameDbDone(spec(101))) },
    102: { record: diffRecord(spec(102)), summary: once(sameDbDone(spec(102))) },
    103: {
      record: diffRecord({ ...spec(103), kind: 'cross_db' }),
      summary: once(crossDbDone(spec(103)))
    },
    104: { record: diffRecord(spec(104)), summary: once(sampledDone(spec(104))) },
    105: {
      record: diffRecord({ ...spec(105), jobStatus: 'failed' }),
      summary: once(failedSummary())
    }
  }
}
