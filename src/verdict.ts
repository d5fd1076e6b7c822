// Whether the step fails, and the message that says why; the warnings the log gives. Pure.
import { describeBreach } from './report/breach-line.js'
import type { Evaluation } from './thresholds.js'

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
