// How one diff's facts are written where the table and the details share them: the verdict's
// mark, what was compared, a metric with its breach or its unchecked threshold.
import type { DiffResult } from '../diff.js'
import { formatMeasure } from '../format.js'
import type { MetricName } from '../metric-spec.js'
import { oneLine } from '../text.js'
import { formatLimit, type DiffEvaluation, type Thresholds, type Verdict } from '../thresholds.js'
import { cell, escapeMarkdown } from './markdown.js'

export const MARK: Record<Verdict, string> = { pass: '✅', fail: '❌', error: '⚠️' }
export const RESULT: Record<Verdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⚠️ error'
}

/** `analytics.prod.orders → analytics.pr.orders`, `(cross-db)` for a cross-database diff. */
export function compared(diff: DiffResult, max = 120): string {
  const { datasetA, datasetB, kind } = diff.target
  const text =
    datasetA === null && datasetB === null
      ? `diff ${diff.id}`
      : `${cell(datasetA ?? 'unknown', max)} → ${cell(datasetB ?? 'unknown', max)}`
  return kind === 'cross_db' ? `${text} (cross-db)` : text
}

/** `250 (2.50%)`, `250 (2.50%) ❌ > 1%`, `not measured`, `not measured ⚠️ max 1% not checked`. */
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
  const text = formatMeasure(measure.value, measure.percent)
  const breach = evaluation.breaches.find((b) => b.metric === metric)
  return breach ? `${text} ❌ > ${escapeMarkdown(oneLine(breach.limit))}` : text
}

/** Needs showing in a shared cell: breached, or set but not measured. */
export function flagged(evaluation: DiffEvaluation, metric: MetricName): boolean {
  return (
    evaluation.breaches.some((b) => b.metric === metric) || evaluation.notMeasured.includes(metric)
  )
}
