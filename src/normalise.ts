// Turns what Datafold answered for one diff into the action's own words: rows added, removed,
// changed and the rest, each with its percentage, or null where Datafold did not measure it.
import type { FetchedDiff } from './datafold/fetched.js'
import type { DiffRecord, Pks, SchemaBlock, Values } from './datafold/schemas.js'
import type {
  ColumnStat,
  DiffResult,
  DiffTarget,
  Measure,
  Metrics,
  SchemaChanges,
  SideMeasure
} from './diff.js'

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
  const sampled = isSampled(fetched.record, values)
  const warnings =
    sampled && values && !pks
      ? [
          ...base.warnings,
          `diff ${fetched.id} was sampled and Datafold gave no row counts to scale the sample to, so rows and values changed are not measured`
        ]
      : base.warnings
  return {
    ...base,
    warnings,
    status: 'done',
    rowsA: pks?.total_rows[0] ?? null,
    rowsB: pks?.total_rows[1] ?? null,
    sampled,
    metrics: measure(pks, values, schema, sampled),
    columns: values ? values.columns_diff_stats.map(columnStat) : [],
    comparedColumns: values ? values.compared_columns : null,
    schema: schema ? schemaChanges(schema) : null,
    downstream:
      summary.shape === 'cross-db'
        ? []
        : summary.dependencies.map(({ name, item_type }) => ({ name, type: item_type }))
  }
}

/**
 * Datafold says a diff was sampled in the record's `diff_stats.sampled`, and by giving a column an
 * estimate for the whole table (`values_different_estimate`, present only when sampling was applied).
 */
function isSampled(record: DiffRecord | null, values: Values | null): boolean {
  if (record?.diff_stats?.sampled === true) return true
  return values?.columns_diff_stats.some((c) => c.values_different_estimate) ?? false
}

/** A share of a total in percent; of a zero total, 0% when nothing counted, else 100%. */
export function percentOf(value: number, total: number): number {
  if (total === 0) return value === 0 ? 0 : 100
  return (value / total) * 100
}

function measure(
  pks: Pks | null,
  values: Values | null,
  schema: SchemaBlock | null,
  sampled: boolean
): Metrics {
  const of = (value: number, total: number): Measure => ({
    value,
    percent: percentOf(value, total)
  })
  const valueMetrics = sampled
    ? sampledValues(values, pks)
    : {
        rows: values ? of(values.rows_with_differences, values.total_rows) : null,
        values: values ? of(values.values_with_differences, values.total_values) : null
      }
  return {
    'rows-added': pks ? of(pks.exclusives[1], pks.total_rows[1]) : null,
    'rows-removed': pks ? of(pks.exclusives[0], pks.total_rows[0]) : null,
    'rows-changed': valueMetrics.rows,
    'values-changed': valueMetrics.values,
    'columns-changed': values ? of(values.columns_with_differences, values.compared_columns) : null,
    'null-pks': pks ? worseSide(pks.nulls, pks.total_rows) : null,
    'duplicate-pks': pks ? worseSide(pks.dupes, pks.total_rows) : null,
    'schema-changes': schema ? { value: schemaChangeCount(schema), percent: null } : null
  }
}

/**
 * Rows and values changed of a sampled diff, for the whole table: the `values` block counts the
 * sample. Values changed is the sum of Datafold's per-column estimates when every column has one;
 * otherwise, as for rows (Datafold estimates no row count), the sample's share of the rows both
 * tables hold (`pks`). Without `pks` there is nothing to scale to: not measured.
 */
function sampledValues(
  values: Values | null,
  pks: Pks | null
): { rows: Measure | null; values: Measure | null } {
  if (!values || !pks) return { rows: null, values: null }
  const rowsInBoth = Math.max(0, pks.total_rows[0] - pks.exclusives[0])
  const valuesInBoth = rowsInBoth * values.compared_columns
  const scaled = (count: number, sampleBase: number, tableBase: number): Measure => {
    const percent = percentOf(count, sampleBase)
    return {
      value: sampleBase === 0 ? 0 : Math.round((count / sampleBase) * tableBase),
      percent,
      sample: { value: count, base: sampleBase, method: 'scaled', interval: null }
    }
  }
  const estimates = values.columns_diff_stats.flatMap((c) =>
    c.values_different_estimate ? [c.values_different_estimate] : []
  )
  const sum = (numbers: number[]): number => numbers.reduce((total, n) => total + n, 0)
  let valuesChanged: Measure
  if (estimates.length > 0 && estimates.length === values.columns_diff_stats.length) {
    const estimate = sum(estimates.map((e) => e.estimate))
    valuesChanged = {
      value: estimate,
      percent: percentOf(estimate, valuesInBoth),
      sample: {
        value: values.values_with_differences,
        base: values.total_values,
        method: 'estimate',
        interval: {
          min: sum(estimates.map((e) => e.interval.min)),
          max: sum(estimates.map((e) => e.interval.max)),
          confidence: Math.min(...estimates.map((e) => e.confidence))
        }
      }
    }
  } else {
    valuesChanged = scaled(values.values_with_differences, values.total_values, valuesInBoth)
  }
  return {
    rows: scaled(values.rows_with_differences, values.total_rows, rowsInBoth),
    values: valuesChanged
  }
}

/** Each side's count and share; the larger count with its share leads. */
function worseSide(counts: [number, number], totals: [number, number]): Measure {
  const sides: [SideMeasure, SideMeasure] = [
    { value: counts[0], percent: percentOf(counts[0], totals[0]) },
    { value: counts[1], percent: percentOf(counts[1], totals[1]) }
  ]
  const worse = counts[1] > counts[0] ? sides[1] : sides[0]
  return { value: worse.value, percent: worse.percent, sides }
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
