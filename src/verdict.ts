// Whether the step fails, and the message that says why; the warnings the log gives. Pure.
import { plural } from './format.js'
import type { Evaluation } from './thresholds.js'

export interface FailurePolicy {
  failOnBreach: boolean
  failOnError: boolean
  failOnSkipped?: boolean
}

/** What besides the diffs can fail the step, and where the report is. */
export interface OtherFailures {
  /** dbt mode's changed models that could not be compared, one line each; they fail the step
   * under fail-on-skipped. */
  notCompared?: readonly string[]
  /** Why GitHub refused the report comment; null when it did not. */
  publishing?: string | null
  /** Where the report is: `the report comment (https://…)`, `the job summary`. */
  readMore?: string
}

/** Why the step fails. */
export interface Failure {
  message: string
  /**
   * Whether the message is an error annotation. Not when every cause has an error annotation of
   * its own already (each breach has one): then the message is a line of the log, so one breach
   * makes one annotation, not a second one that repeats it.
   */
  annotate: boolean
}

/** Why the step fails, or null when it passes. */
export function failureMessage(
  evaluation: Evaluation,
  policy: FailurePolicy,
  { notCompared = [], publishing = null, readMore = 'the job summary' }: OtherFailures = {}
): Failure | null {
  const lines: string[] = []
  const { length: breaches } = evaluation.breaches
  if (policy.failOnBreach && breaches > 0) {
    // Each breach is an annotation of the step already (or counted by the one that closes them).
    lines.push(
      `${plural(breaches, 'threshold')} exceeded: this step's error annotations name ` +
        `${breaches === 1 ? 'it' : 'each'}, and the report is in ${readMore}`
    )
  }
  const annotated = lines.length
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
  if (lines.length === 0) return null
  return { message: lines.join('\n'), annotate: lines.length > annotated }
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
