// zod schemas for the Datafold answers the action reads, written from the OpenAPI contract in
// shared/datafold-api. Unknown extra fields are accepted (zod objects strip them by default);
// counts are non-negative integers: a negative count is a broken answer, never a pass.
import { z } from 'zod'
import { truncate } from '../text.js'

const count = z.number().int().nonnegative()
const pair = z.tuple([count, count])

export const pksSchema = z.object({
  total_rows: pair,
  nulls: pair,
  dupes: pair,
  exclusives: pair,
  distincts: pair
})

export const estimateSchema = z.object({
  value: count,
  estimate: count,
  confidence: z.number(),
  interval: z.object({ min: count, max: count })
})

export const columnDiffStatSchema = z.object({
  column_name: z.string(),
  match: z.number().min(0).max(100),
  values_different: count,
  values_different_estimate: estimateSchema.nullish()
})

export const valuesSchema = z.object({
  total_rows: count,
  rows_with_differences: count,
  total_values: count,
  values_with_differences: count,
  compared_columns: count,
  columns_with_differences: count,
  columns_diff_stats: z.array(columnDiffStatSchema)
})

export const schemaSchema = z.object({
  columns_mismatched: pair,
  column_type_mismatches: count,
  column_reorders: count,
  column_counts: pair,
  column_type_differs: z.array(z.string()),
  exclusive_columns: z.array(z.array(z.string()))
})

export const dependencySchema = z.object({
  uid: z.string(),
  item_type: z.string(),
  name: z.string(),
  path: z.array(z.string()),
  data_source_id: z.number().int(),
  data_source_type: z.string()
})

const finishedStatus = z.enum(['done', 'success'])

/** `ApiDataDiffSummaryForDone`: a same-database diff that finished. */
export const sameDbDoneSchema = z.object({
  status: finishedStatus,
  pks: pksSchema,
  schema: schemaSchema,
  dependencies: z.array(dependencySchema),
  materialized_results: z.object({}).loose(),
  values: valuesSchema.nullish()
})

/** `InternalApiDataDiffDependencies`: finished, and nothing but the dependencies. */
export const dependenciesOnlySchema = z.object({
  status: finishedStatus,
  dependencies: z.array(dependencySchema)
})

/** `ApiCrossDataDiffSummaryForDone`: a cross-database diff that finished (no schema block). */
export const crossDbDoneSchema = z.object({
  status: finishedStatus,
  pks: pksSchema.nullish(),
  values: valuesSchema.nullish()
})

export const failedSchema = z.object({
  status: z.literal('failed'),
  error: z.union([
    z.object({
      error_type: z.string(),
      error_value: z.string(),
      is_retryable: z.boolean().nullish()
    }),
    z.record(z.string(), z.unknown())
  ])
})

export const runningSchema = z.object({ status: z.enum(['pending', 'running']) })

export type Pks = z.infer<typeof pksSchema>
export type Values = z.infer<typeof valuesSchema>
export type SchemaBlock = z.infer<typeof schemaSchema>
export type ColumnDiffStat = z.infer<typeof columnDiffStatSchema>
export type Dependency = z.infer<typeof dependencySchema>

/** What one `summary_results` answer says, once its shape is known. */
export type SummaryResults =
  | {
      shape: 'same-db'
      status: 'done' | 'success'
      pks: Pks
      values: Values | null
      schema: SchemaBlock
      dependencies: Dependency[]
    }
  | { shape: 'cross-db'; status: 'done' | 'success'; pks: Pks | null; values: Values | null }
  | { shape: 'dependencies-only'; status: 'done' | 'success'; dependencies: Dependency[] }
  | { shape: 'failed'; error: FailedError }
  | { shape: 'running'; status: 'pending' | 'running' }

export interface FailedError {
  type: string | null
  value: string | null
  retryable: boolean | null
}

export type ParsedSummary = { ok: true; summary: SummaryResults } | { ok: false; reason: string }

/**
 * Tells the five shapes apart by the fields present, as the contract requires (no field names
 * the shape). A known status with a body that fits none of its shapes is explained by the shape
 * the status promises, so the reason names the offending field.
 */
export function parseSummaryResults(body: unknown): ParsedSummary {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: `expected a JSON object, got ${describe(body)}` }
  }
  const record = body as Record<string, unknown>
  const status = record.status
  if (status === 'pending' || status === 'running')
    return { ok: true, summary: { shape: 'running', status } }
  if (status === 'failed') {
    const failed = failedSchema.safeParse(body)
    if (!failed.success) return invalid(failed.error)
    return { ok: true, summary: { shape: 'failed', error: failedError(failed.data.error) } }
  }
  if (status === 'done' || status === 'success') return parseFinished(record)
  if (typeof status === 'string') {
    return { ok: false, reason: `unknown status "${truncate(status, 60)}"` }
  }
  return { ok: false, reason: `"status" is ${describe(status)}, expected a string` }
}

function parseFinished(body: Record<string, unknown>): ParsedSummary {
  // Same-database first: its required blocks are what the cross-database shape lacks.
  if ('schema' in body || 'materialized_results' in body) {
    const sameDb = sameDbDoneSchema.safeParse(body)
    if (!sameDb.success) return invalid(sameDb.error)
    const { status, pks, values, schema, dependencies } = sameDb.data
    return {
      ok: true,
      summary: { shape: 'same-db', status, pks, values: values ?? null, schema, dependencies }
    }
  }
  if ('dependencies' in body && !('pks' in body) && !('values' in body)) {
    const deps = dependenciesOnlySchema.safeParse(body)
    if (!deps.success) return invalid(deps.error)
    const { status, dependencies } = deps.data
    return { ok: true, summary: { shape: 'dependencies-only', status, dependencies } }
  }
  const cross = crossDbDoneSchema.safeParse(body)
  if (!cross.success) return invalid(cross.error)
  const { status, pks, values } = cross.data
  return {
    ok: true,
    summary: { shape: 'cross-db', status, pks: pks ?? null, values: values ?? null }
  }
}

function failedError(error: Record<string, unknown>): FailedError {
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null)
  return {
    type: text(error.error_type),
    value: text(error.error_value) ?? (text(error.error_type) ? null : compactJson(error)),
    retryable: typeof error.is_retryable === 'boolean' ? error.is_retryable : null
  }
}

function invalid(error: z.ZodError): ParsedSummary {
  // One line: z.prettifyError puts each issue on its own line with its path.
  const reason = z
    .prettifyError(error)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
  return { ok: false, reason: truncate(reason, 300) }
}

function compactJson(value: unknown): string {
  return truncate(JSON.stringify(value), 200)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? 'a string' : typeof value
}

/** `GET /api/v1/datadiffs/{id}`: only what the report shows. */
export const diffRecordSchema = z.object({
  kind: z.enum(['in_db', 'cross_db']).nullish(),
  status: z.string().nullish(),
  table1: z.array(z.string()).nullish(),
  table2: z.array(z.string()).nullish(),
  query1: z.string().nullish(),
  query2: z.string().nullish(),
  file1: z.string().nullish(),
  file2: z.string().nullish(),
  pk_columns: z.array(z.string()).nullish(),
  sampling_ratio: z.number().nullish(),
  sampling_max_rows: z.number().nullish(),
  diff_stats: z.object({ sampled: z.boolean().nullish() }).nullish()
})

export type DiffRecord = z.infer<typeof diffRecordSchema>

/** Job statuses that wait on a person: the diff will not finish by itself. */
export const STUCK_JOB_STATUSES = new Set(['needs_authentication', 'needs_confirmation'])
