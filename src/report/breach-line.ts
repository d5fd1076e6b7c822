// One plain-text line for each breach: the failure message, the step's annotations and the check
// run's annotations say it alike. Pure.
import type { DiffResult } from '../diff.js'
import { formatMeasure, formatNumber, formatPercent } from '../format.js'
import { oneLine, truncate } from '../text.js'
import type { Breach } from '../thresholds.js'

/**
 * One plain-text line for the failure message and annotations:
 * `diff 123 (analytics.orders): rows-changed 250 (2.50%) > max 1%`,
 * `diff 123 (analytics.orders): column-match amount 97.25% < min 99.5%`,
 * `diff 123 (analytics.orders): schema-changes 3 > max 0`,
 * `diff 104 (analytics.events): rows-changed ≈9,671 (0.02%) > max 1000, estimated from a sample`. The name is dataset A's (the
 * production table reviewers know), else B's, and left out when Datafold did not tell it.
 */
export function describeBreach(breach: Breach, diff: DiffResult): string {
  const dataset = diff.name ?? diff.target.datasetA ?? diff.target.datasetB
  const name = dataset === null ? '' : ` (${plainName(dataset)})`
  let what: string
  if (breach.metric === 'column-match') {
    const column = breach.column === undefined ? '' : ` ${plainName(breach.column)}`
    const match =
      breach.percent === null ? formatNumber(breach.value) : formatPercent(breach.percent)
    what = `column-match${column} ${match} < ${oneLine(breach.limit)}`
  } else {
    what = `${breach.metric} ${figure(breach)} > max ${oneLine(breach.limit)}`
  }
  const sampled = breach.sample === undefined ? '' : ', estimated from a sample'
  return `diff ${diff.id}${name}: ${what}${sampled}`
}

/** `250 (2.50%)`; from a sample `≈9,671 (0.02%)`, or its upper bound `up to 11,566 (0.02%)`. */
function figure(breach: Breach): string {
  const measure = formatMeasure(breach.value, breach.percent)
  if (breach.sample === 'estimate') return `≈${measure}`
  if (breach.sample === 'upper-bound') return `up to ${measure}`
  return measure
}

function plainName(name: string): string {
  return truncate(oneLine(name).trim(), 200)
}
