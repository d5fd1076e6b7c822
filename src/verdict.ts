// Whether the step fails, and the message that says why. Pure.
import { describeBreach } from './report.js'
import type { Evaluation } from './thresholds.js'

export interface FailurePolicy {
  failOnBreach: boolean
  failOnError: boolean
}

/** The message for core.setFailed, or null when the step passes. */
export function failureMessage(evaluation: Evaluation, policy: FailurePolicy): string | null {
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
  return lines.length > 0 ? lines.join('\n') : null
}
