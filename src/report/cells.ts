// How one diff's facts are written where the table and the details share them: what was compared,
// a figure with its breach or its unchecked limit, a limit written like a figure with where it came
// from when it is the table's own.
import type { DiffResult, Measure } from '../diff.js'
import { formatMeasure, formatNumber, formatShare } from '../format.js'
import type { Limit, Thresholds } from '../limits.js'
import type { MetricName, MetricSpec } from '../metric-spec.js'
import type { Breach, DiffEvaluation } from '../thresholds.js'
import { cell, escapeMarkdown } from './markdown.js'

/** `analytics.prod.orders → analytics.pr.orders`, `(cross-db)` for a cross-database diff. */
export function compared(diff: DiffResult, max = 120): string {
  const { datasetA, datasetB, kind } = diff.target
  const text =
    datasetA === null && datasetB === null
      ? `diff ${diff.id}`
      : `${cell(datasetA ?? 'unknown', max)} → ${cell(datasetB ?? 'unknown', max)}`
  return kind === 'cross_db' ? `${text} (cross-db)` : text
}

/** `≈` before a figure estimated from a sample. */
export function approx(measure: Pick<Measure, 'sample'>): string {
  return measure.sample ? '≈' : ''
}

/** A limit written like a figure: `5,000,000`, `1%`. */
export function limitText(limit: Limit): string {
  return limit.kind === 'percent' ? `${formatNumber(limit.value)}%` : formatNumber(limit.value)
}

/** A breach's limit as it was judged (`5000000`, `1%`, `min 99.5%`), written like a figure:
 * `5,000,000`. */
export function judgedLimit(breach: Pick<Breach, 'limit'>): string {
  const match = /^(min )?([0-9]+(?:\.[0-9]+)?)(%?)$/.exec(breach.limit)
  if (match === null) return escapeMarkdown(breach.limit)
  const [, min = '', value = '', percent = ''] = match
  return `${min}${formatNumber(Number(value))}${percent}`
}

/** The table's limits, where they came from: its own (a plan entry's, a model's) or the step's. */
export function limitsOf(evaluation: DiffEvaluation, step: Thresholds): Thresholds {
  return evaluation.thresholds ?? step
}

const sameLimit = (a: Limit | undefined, b: Limit | undefined): boolean =>
  a?.kind === b?.kind && a?.value === b?.value

/**
 * Where the table's limit on `spec` came from when it is not the step's: `plan entry`, `model
 * meta`, `rule 2`; null when it is the step's limit (or the same as the step's).
 */
export function ownSource(
  evaluation: DiffEvaluation,
  step: Thresholds,
  spec: MetricSpec
): string | null {
  const own = evaluation.thresholds
  if (own === undefined) return null
  const source = own.sources?.[spec.input]
  if (source === undefined || sameLimit(own.max[spec.name], step.max[spec.name])) return null
  return source
}

/** A source as a table's cell names it, short: `plan`, `model meta`, `rule 2`. */
function shortSource(source: string): string {
  const short = source === 'plan entry' || source === 'plan defaults' ? 'plan' : source
  return escapeMarkdown(short.replace(/ \(.*$/, ''))
}

/** `≤ 10% (plan)`, `no limit (model meta)`: a table's own limit, where it differs. */
export function ownLimitLine(
  evaluation: DiffEvaluation,
  step: Thresholds,
  spec: MetricSpec
): string | null {
  const source = ownSource(evaluation, step, spec)
  if (source === null) return null
  const limit = evaluation.thresholds?.max[spec.name]
  return `${limit ? `≤ ${limitText(limit)}` : 'no limit'} (${shortSource(source)})`
}

export function breachOf(evaluation: DiffEvaluation, metric: MetricName): Breach | undefined {
  return evaluation.breaches.find((b) => b.metric === metric)
}

/** A share for the table: `2.50%`, `≈0.02%`; empty for a count-only metric. */
export function shareOf(measure: Pick<Measure, 'value' | 'percent' | 'sample'>): string {
  if (measure.percent === null) return ''
  return `${approx(measure)}${formatShare(measure.value, measure.percent)}`
}

/**
 * A breach against its limit, short: `2.50% > 1%` for a percentage limit (the share judged),
 * `max 0` for a count limit, `up to 11,566 > 10,000` when the interval's upper bound was judged;
 * with where the limit came from when it is the table's own.
 */
export function breachLimit(
  evaluation: DiffEvaluation,
  step: Thresholds,
  spec: MetricSpec,
  breach: Breach,
  sample: Measure['sample']
): string {
  const limit = limitsOf(evaluation, step).max[spec.name]
  const written = judgedLimit(breach)
  const source = ownSource(evaluation, step, spec)
  const from = source === null ? '' : ` (${shortSource(source)})`
  if (breach.sample === 'upper-bound')
    return `up to ${formatNumber(breach.value)} > ${written}${from}`
  if (limit?.kind === 'percent') return `${shareOf({ ...breach, sample })} > ${written}${from}`
  return `max ${written}${from}`
}

/**
 * For the details: `250 (2.50%)`, `≈9,671 (0.02%)`, `250 (2.50%) ❌ over its limit of 1%`,
 * `not measured`, `not measured ⚠️ its limit of 1% is not checked`.
 */
export function metricFigure(
  evaluation: DiffEvaluation,
  step: Thresholds,
  spec: MetricSpec
): string {
  if (evaluation.diff.status === 'error') return '—'
  const limit = limitsOf(evaluation, step).max[spec.name]
  const measure = evaluation.diff.metrics[spec.name]
  if (measure === null) {
    if (!evaluation.notMeasured.includes(spec.name)) return 'not measured'
    return `not measured ⚠️ its limit${limit ? ` of ${limitText(limit)}` : ''} is not checked`
  }
  const text = `${approx(measure)}${formatMeasure(measure.value, measure.percent)}`
  const breach = breachOf(evaluation, spec.name)
  if (!breach) return text
  const judged = breach.sample === 'upper-bound' ? ` (up to ${formatNumber(breach.value)})` : ''
  return `**${text}** ❌ over its limit of ${judgedLimit(breach)}${judged}`
}
