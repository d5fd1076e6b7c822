// Whether the step fails, and the message that says why; and the plain-text line for each breach,
// which the annotations repeat. Pure.
import type { DiffResult } from './diff.js'
import { formatMeasure, formatNumber, formatPercent } from './format.js'
import { oneLine, truncate } from './text.js'
import type { Breach, Evaluation } from './thresholds.js'

export interface FailurePolicy {
  failOnBreach: boolean
  failOnError: boolean
  failOnSkipped?: boolean
}

/** What besides the diffs can fail the step. */
export interface OtherFailures {
  /** dbt mode's changed models that could not be compared, one line each; they fail the step
   * under fail-on-skipped. */
  notCompared?: readonly string[]
  /** Why GitHub refused the report comment; null when it did not. */
  publishing?: string | null
}

/** The message for core.setFailed, or null when the step passes. */
export function failureMessage(
  evaluation: Evaluation,
  policy: FailurePolicy,
  { notCompared = [], publishing = null }: OtherFailures = {}
): string | null {
  const lines: string[] = []
  if (policy.failOnBreach && evaluation.breaches.length > 0) {
    const diffs = new Map(evaluation.diffs.map(({ diff }) => [diff.id, diff]))
    lines.push(
      `${evaluation.breaches.length} threshold${evaluation.breaches.length === 1 ? '' : 's'} exceeded:`
    )
    for (const breach of evaluation.breaches) {
      const diff = diffs.get(breach.diffId)
      if (diff) lines.push(`  ${describeBreach(breach, diff)}`)
    }
  }
  const errors = evaluation.diffs.flatMap(({ diff }) => (diff.status === 'error' ? [diff] : []))
  if (policy.failOnError && errors.length > 0) {
    lines.push(`${errors.length} diff${errors.length === 1 ? '' : 's'} could not be checked:`)
    for (const diff of errors) lines.push(`  ${diff.reason}`)
  }
  if (policy.failOnSkipped && notCompared.length > 0) {
    const models = notCompared.length === 1 ? 'model' : 'models'
    lines.push(
      `${notCompared.length} changed dbt ${models} could not be compared (fail-on-skipped):`
    )
    for (const line of notCompared) lines.push(`  ${line}`)
  }
  // The report is lost to the PR: never a pass that no one can read.
  if (publishing !== null) lines.push(publishing)
  return lines.length > 0 ? lines.join('\n') : null
}

/** What the log warns of: each diff's own warnings, set thresholds Datafold did not measure, and
 * each diff that could not be checked, with why. */
export function gapWarnings(evaluation: Evaluation): string[] {
  return evaluation.diffs.flatMap(({ diff, notMeasured }) => [
    ...diff.warnings,
    ...(diff.status === 'done' && notMeasured.length > 0
      ? [
          `diff ${diff.id}: Datafold did not measure ${notMeasured.join(', ')}, so ${
            notMeasured.length === 1 ? 'its threshold was' : 'their thresholds were'
          } not checked`
        ]
      : []),
    ...(diff.status === 'error' ? [diff.reason] : [])
  ])
}

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
