// How one diff's facts are written where the table and the details share them: the verdict's
// mark, what was compared, a metric with its breach or its unchecked threshold.
import type { DiffResult, Measure } from '../diff.js'
import { formatMeasure, formatNumber, formatShare } from '../format.js'
import type { MetricName } from '../metric-spec.js'
import { oneLine } from '../text.js'
import type { Thresholds } from '../limits.js'
import { formatLimit, type Breach, type DiffEvaluation, type Verdict } from '../thresholds.js'
import { cell, escapeMarkdown } from './markdown.js'

export const MARK: Record<Verdict, string> = { pass: '✅', fail: '❌', error: '⚠️' }

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
export function approx(measure: Measure): string {
  return measure.sample ? '≈' : ''
}

/**
 * For the details: `250 (2.50%)`, `≈9,671 (0.02%)`, `250 (2.50%) ❌ > 1%`, `not measured`,
 * `not measured ⚠️ max 1% not checked`.
 */
export function metricCell(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  metric: MetricName
): string {
  if (evaluation.diff.status === 'error') return '—'
  const measure = evaluation.diff.metrics[metric]
  if (measure === null) {
    if (!evaluation.notMeasured.includes(metric)) return 'not measured'
    const limit = thresholds.max[metric]
    const threshold = limit ? `max ${escapeMarkdown(formatLimit(limit))}` : 'threshold'
    return `not measured ⚠️ ${threshold} not checked`
  }
  const text = `${approx(measure)}${formatMeasure(measure.value, measure.percent)}`
  const breach = breachOf(evaluation, metric)
  return breach ? `${text} ❌ ${breachLimit(breach)}` : text
}

export function breachOf(evaluation: DiffEvaluation, metric: MetricName): Breach | undefined {
  return evaluation.breaches.find((b) => b.metric === metric)
}

/**
 * What a breach was judged against, escaped: `> 1%` for a percentage limit; for a count limit
 * `> 0`, or `up to 11,566 > 10000` when the interval's upper bound was checked.
 */
export function breachLimit(breach: Breach): string {
  const limit = escapeMarkdown(oneLine(breach.limit))
  return breach.sample === 'upper-bound'
    ? `up to ${formatNumber(breach.value)} > ${limit}`
    : `> ${limit}`
}

/** A share for the table: `2.50%`, `≈0.02%`; empty for a count-only metric. */
export function shareOf(measure: Pick<Measure, 'value' | 'percent' | 'sample'>): string {
  if (measure.percent === null) return ''
  return `${measure.sample ? '≈' : ''}${formatShare(measure.value, measure.percent)}`
}

/** Needs showing in a shared cell: breached, or set but not measured. */
export function flagged(evaluation: DiffEvaluation, metric: MetricName): boolean {
  return (
    evaluation.breaches.some((b) => b.metric === metric) || evaluation.notMeasured.includes(metric)
  )
}
