// The one list of metrics a threshold can be set on, and for each what the other steps need to
// know about it: the input that sets its limit, where Datafold's summary gives its value and the
// base of its percentage, whether it is totalled in the outputs, and where the report table shows
// it. The order is the order of the inputs, the outputs and the report's footer.
// Pure data: no imports, so every step may read it.

/** The report table's metric columns, in the table's order, named as a data engineer says them. */
export const REPORT_COLUMNS = [
  'Rows added',
  'Rows removed',
  'Rows changed',
  'Values changed',
  'Columns changed',
  'Schema changes',
  'Key problems'
] as const

export type ReportColumn = (typeof REPORT_COLUMNS)[number]

export interface MetricSpec<Name extends string = MetricName> {
  name: Name
  /** The metric as a person says it: `rows added`. */
  words: string
  /** The input that sets its limit. */
  input: `max-${Name}`
  /** Where in Datafold's summary the value comes from. */
  value: string
  /** What the percentage is a share of; null for a count only, which takes no percentage limit. */
  base: string | null
  /** Summed over all diffs into an output of the metric's name. */
  totalled: boolean
  report: {
    column: ReportColumn
    /** Names the metric in a column that holds more than one: `3 null`, `12 duplicate`. */
    label?: string
    /** Its column is in the table only when some table has a limit on it: the details show it. */
    onlyWhenLimited?: boolean
  }
}

const SPEC = [
  {
    name: 'rows-added',
    words: 'rows added',
    input: 'max-rows-added',
    value: 'pks.exclusives[1] (keys only in B)',
    base: 'pks.total_rows[1]',
    totalled: true,
    report: { column: 'Rows added' }
  },
  {
    name: 'rows-removed',
    words: 'rows removed',
    input: 'max-rows-removed',
    value: 'pks.exclusives[0] (keys only in A)',
    base: 'pks.total_rows[0]',
    totalled: true,
    report: { column: 'Rows removed' }
  },
  {
    name: 'rows-changed',
    words: 'rows changed',
    input: 'max-rows-changed',
    value: 'values.rows_with_differences',
    base: 'values.total_rows',
    totalled: true,
    report: { column: 'Rows changed' }
  },
  {
    name: 'values-changed',
    words: 'values changed',
    input: 'max-values-changed',
    value: 'values.values_with_differences',
    base: 'values.total_values',
    totalled: true,
    report: { column: 'Values changed', onlyWhenLimited: true }
  },
  {
    name: 'columns-changed',
    words: 'columns changed',
    input: 'max-columns-changed',
    value: 'values.columns_with_differences',
    base: 'values.compared_columns',
    // A sum of columns over different tables means nothing.
    totalled: false,
    report: { column: 'Columns changed', onlyWhenLimited: true }
  },
  {
    name: 'null-pks',
    words: 'null primary keys',
    input: 'max-null-pks',
    value: 'pks.nulls, each side: the larger share for a % limit, the larger count for a count',
    base: "that side's pks.total_rows",
    totalled: true,
    report: { column: 'Key problems', label: 'null' }
  },
  {
    name: 'duplicate-pks',
    words: 'duplicate primary keys',
    input: 'max-duplicate-pks',
    value: 'pks.dupes, each side: the larger share for a % limit, the larger count for a count',
    base: "that side's pks.total_rows",
    totalled: true,
    report: { column: 'Key problems', label: 'duplicate' }
  },
  {
    name: 'schema-changes',
    words: 'schema changes',
    input: 'max-schema-changes',
    value:
      'columns only in A + only in B (schema.exclusive_columns) + schema.column_type_mismatches',
    base: null,
    totalled: true,
    report: { column: 'Schema changes' }
  }
] as const satisfies readonly MetricSpec<string>[]

type Entry = (typeof SPEC)[number]

export type MetricName = Entry['name']

export const METRIC_SPEC: readonly MetricSpec[] = SPEC

export const METRICS: readonly MetricName[] = SPEC.map((spec) => spec.name)

export type TotalledMetric = Extract<Entry, { totalled: true }>['name']

/** The metrics summed over all diffs in the outputs. */
export const TOTALLED_METRICS: readonly TotalledMetric[] = SPEC.filter(
  (spec): spec is Extract<Entry, { totalled: true }> => spec.totalled
).map((spec) => spec.name)

/** The metrics the report table shows in `column`, in the spec's order. */
export function metricsIn(column: ReportColumn): readonly MetricSpec[] {
  return METRIC_SPEC.filter((spec) => spec.report.column === column)
}
