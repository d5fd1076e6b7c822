// Turns what Datafold answered for one diff into the action's own words: rows added, removed,
// changed and the rest, each with its percentage, or null where Datafold did not measure it.
import type { FetchedDiff } from './datafold/fetched.js'
import type { DiffRecord, Pks, SchemaBlock, Values } from './datafold/schemas.js'
import type { ColumnStat, DiffResult, DiffTarget, Measure, Metrics, SchemaChanges } from './diff.js'

export function diffUrl(host: string, id: number): string {
  return `${host}/datadiffs/${id}/overview`
}

export function normaliseDiff(fetched: FetchedDiff, host: string): DiffResult {
  const base = {
    id: fetched.id,
    url: diffUrl(host, fetched.id),
    target: describeTarget(fetched.record),
    warnings: fetched.warnings
  }
  if (!fetched.summary) {
    return { ...base, status: 'error', reason: fetched.error ?? 'no summary was returned' }
  }
  const summary = fetched.summary
  const pks = summary.shape === 'dependencies-only' ? null : summary.pks
  const values = summary.shape === 'dependencies-only' ? null : summary.values
  const schema = summary.shape === 'same-db' ? summary.schema : null
  return {
    ...base,
    status: 'done',
    rowsA: pks?.total_rows[0] ?? null,
    rowsB: pks?.total_rows[1] ?? null,
    metrics: measure(pks, values, schema),
    columns: values ? values.columns_diff_stats.map(columnStat) : [],
    schema: schema ? schemaChanges(schema) : null
  }
}

/** A share of a total in percent; of a zero total, 0% when nothing counted, else 100%. */
export function percentOf(value: number, total: number): number {
  if (total === 0) return value === 0 ? 0 : 100
  return (value / total) * 100
}

function measure(pks: Pks | null, values: Values | null, schema: SchemaBlock | null): Metrics {
  const of = (value: number, total: number): Measure => ({
    value,
    percent: percentOf(value, total)
  })
  return {
    'rows-added': pks ? of(pks.exclusives[1], pks.total_rows[1]) : null,
    'rows-removed': pks ? of(pks.exclusives[0], pks.total_rows[0]) : null,
    'rows-changed': values ? of(values.rows_with_differences, values.total_rows) : null,
    'values-changed': values ? of(values.values_with_differences, values.total_values) : null,
    'columns-changed': values ? of(values.columns_with_differences, values.compared_columns) : null,
    'null-pks': pks ? worseSide(pks.nulls, pks.total_rows) : null,
    'duplicate-pks': pks ? worseSide(pks.dupes, pks.total_rows) : null,
    'schema-changes': schema ? { value: schemaChangeCount(schema), percent: null } : null
  }
}

/** The larger of the two sides' counts, as a share of that side's rows. */
function worseSide(counts: [number, number], totals: [number, number]): Measure {
  const side = counts[1] > counts[0] ? 1 : 0
  return { value: counts[side], percent: percentOf(counts[side], totals[side]) }
}

function schemaChangeCount(schema: SchemaBlock): number {
  const exclusive = schema.exclusive_columns.reduce((sum, columns) => sum + columns.length, 0)
  return exclusive + schema.column_type_mismatches
}

function schemaChanges(schema: SchemaBlock): SchemaChanges {
  return {
    columnsOnlyInA: schema.exclusive_columns[0] ?? [],
    columnsOnlyInB: schema.exclusive_columns[1] ?? [],
    typeChanged: schema.column_type_differs,
    typeMismatches: schema.column_type_mismatches
  }
}

function columnStat(stat: Values['columns_diff_stats'][number]): ColumnStat {
  const estimate = stat.values_different_estimate
  return {
    name: stat.column_name,
    match: stat.match,
    valuesDifferent: stat.values_different,
    estimate: estimate
      ? {
          estimate: estimate.estimate,
          confidence: estimate.confidence,
          min: estimate.interval.min,
          max: estimate.interval.max
        }
      : null
  }
}

function describeTarget(record: DiffRecord | null): DiffTarget {
  if (!record) return { datasetA: null, datasetB: null, kind: null }
  return {
    datasetA: dataset(record.table1, record.query1, record.file1),
    datasetB: dataset(record.table2, record.query2, record.file2),
    kind: record.kind ?? null
  }
}

function dataset(
  table: string[] | null | undefined,
  query: string | null | undefined,
  file: string | null | undefined
): string | null {
  if (table && table.length > 0) return table.join('.')
  if (query) return 'query'
  if (file) return file
  return null
}
