// Checks each finished diff against the limits the user set. Pure: no I/O, no @actions imports.
import type { DiffResult, Measure } from './diff.js'
import type { Limit, SampledLimit, Thresholds } from './limits.js'
import { globMatcher } from './glob.js'
import { METRICS, type MetricName } from './metric-spec.js'
import type { Judged } from './results.js'

export interface Breach {
  diffId: number
  metric: MetricName | 'column-match'
  value: number
  /** The value's share of its base in percent; null for a count-only metric. */
  percent: number | null
  /** As the user wrote it: `250`, `1%`, or for column match `min 99.5%`. */
  limit: string
  column?: string
  /** The column's position in the diff's columns: names may repeat. */
  columnIndex?: number
  /**
   * Set when `value` is estimated from a sample: the whole-table estimate, or the upper bound of
   * Datafold's interval (`sampled-limit: upper`).
   */
  sample?: 'estimate' | 'upper-bound'
}

export type Verdict = 'pass' | 'fail' | 'error'

export interface DiffEvaluation extends Judged {
  verdict: Verdict
  breaches: Breach[]
  /** Metrics with a threshold that Datafold did not measure for this diff. */
  notMeasured: MetricName[]
  /** Columns left out by `ignore-columns`. */
  ignoredColumns: string[]
  /** The diff's own thresholds, when it was requested (a plan entry, a dbt model). */
  thresholds?: Thresholds
}

export interface Evaluation {
  result: Verdict
  diffs: DiffEvaluation[]
  breaches: Breach[]
}

export function formatLimit(limit: Limit): string {
  return limit.kind === 'percent' ? `${limit.value}%` : String(limit.value)
}

/** "max" is inclusive: a value equal to its limit passes. */
export function exceeds(limit: Limit, value: number, percent: number | null): boolean {
  if (limit.kind === 'count') return value > limit.value
  return percent !== null && percent > limit.value
}

/** A requested diff is held to its own thresholds; the others to the step's, `thresholds`. */
export function evaluateThresholds(
  diffs: readonly (Judged | DiffResult)[],
  thresholds: Thresholds
): Evaluation {
  const evaluated = diffs.map((item): DiffEvaluation => {
    const judged: Judged = 'status' in item ? { diff: item, origin: 'given' } : item
    const own = judged.requested?.request.thresholds
    return own === undefined
      ? { ...judged, ...evaluateDiff(judged.diff, thresholds) }
      : { ...judged, ...evaluateDiff(judged.diff, own), thresholds: own }
  })
  const breaches = evaluated.flatMap((e) => e.breaches)
  return { result: overallVerdict(evaluated.map((e) => e.verdict)), diffs: evaluated, breaches }
}

/** `error` if any diff is an error, else `fail` if any breached, else `pass`. */
export function overallVerdict(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('error')) return 'error'
  if (verdicts.includes('fail')) return 'fail'
  return 'pass'
}

type Judgement = Pick<DiffEvaluation, 'verdict' | 'breaches' | 'notMeasured' | 'ignoredColumns'>

function evaluateDiff(diff: DiffResult, thresholds: Thresholds): Judgement {
  if (diff.status === 'error') {
    return { verdict: 'error', breaches: [], notMeasured: [], ignoredColumns: [] }
  }
  const breaches: Breach[] = []
  const notMeasured: MetricName[] = []
  for (const metric of METRICS) {
    const limit = thresholds.max[metric]
    if (!limit) continue
    const measured = diff.metrics[metric]
    if (!measured) {
      notMeasured.push(metric)
      continue
    }
    const figure = judged(measured, limit, thresholds.sampledLimit ?? 'estimate')
    if (exceeds(limit, figure.value, figure.percent)) {
      breaches.push({ diffId: diff.id, metric, ...figure, limit: formatLimit(limit) })
    }
  }
  const isIgnored = columnMatcher(thresholds.ignoreColumns)
  const ignoredColumns = diff.columns.filter((c) => isIgnored(c.name)).map((c) => c.name)
  const { minColumnMatch } = thresholds
  if (minColumnMatch !== null) {
    diff.columns.forEach((column, columnIndex) => {
      if (column.match < minColumnMatch && !isIgnored(column.name)) {
        breaches.push({
          diffId: diff.id,
          metric: 'column-match',
          // A sampled column's own count is of the sample: the breach carries the estimate.
          value: column.estimate?.estimate ?? column.valuesDifferent,
          percent: column.match,
          limit: `min ${minColumnMatch}%`,
          column: column.name,
          columnIndex,
          ...(column.estimate ? { sample: 'estimate' as const } : {})
        })
      }
    })
  }
  return {
    verdict: breaches.length > 0 ? 'fail' : 'pass',
    breaches,
    notMeasured,
    ignoredColumns
  }
}

type Figure = Pick<Breach, 'value' | 'percent' | 'sample'>

/**
 * The figure a limit is checked against. Null and duplicate keys: the side with the larger share
 * for a percentage limit, the larger count for a count limit. A sampled figure: the whole-table
 * estimate, or for a count limit with `sampled-limit: upper` the interval's upper bound where
 * Datafold gives one.
 */
function judged(measure: Measure, limit: Limit, sampledLimit: SampledLimit): Figure {
  if (measure.sides) {
    const [a, b] = measure.sides
    const worse =
      limit.kind === 'percent' ? (b.percent > a.percent ? b : a) : b.value > a.value ? b : a
    return { value: worse.value, percent: worse.percent }
  }
  if (!measure.sample) return { value: measure.value, percent: measure.percent }
  const upper = measure.sample.interval?.max
  if (limit.kind === 'count' && sampledLimit === 'upper' && upper !== undefined) {
    return { value: upper, percent: measure.percent, sample: 'upper-bound' }
  }
  return { value: measure.value, percent: measure.percent, sample: 'estimate' }
}

/**
 * Exact names, or globs where `*` stands for any run of characters. Case-insensitive, as most
 * warehouses treat unquoted identifiers (Snowflake reports `UPDATED_AT` for `updated_at`).
 */
export function columnMatcher(patterns: string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false
  const exact = new Set(patterns.filter((p) => !p.includes('*')).map((p) => p.toLowerCase()))
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) => globMatcher(p, { folders: false, ignoreCase: true }))
  return (name) => exact.has(name.toLowerCase()) || globs.some((matches) => matches(name))
}
