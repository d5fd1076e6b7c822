// What the check run annotates, in the report's words: each breach (a failure on the model's file
// or the plan entry's line), each diff that could not be checked, and each changed dbt model not
// compared for a reason that needs action (warnings). Pure.
import { describeSkipped, needsAction, type SkippedModel } from '../dbt/skipped.js'
import type { RequestedDiff } from '../sources/source.js'
import type { Evaluation } from '../thresholds.js'
import type { Finding, FindingPlace } from './annotations.js'
import { describeBreach } from './breach-line.js'

export function findingsOf(evaluation: Evaluation, skipped: readonly SkippedModel[]): Finding[] {
  return [
    ...evaluation.diffs.flatMap(({ diff, breaches, requested }): Finding[] => {
      const at = placeOf(requested)
      if (diff.status === 'error') {
        return [{ at, level: 'warning', title: 'Datafold diff not checked', message: diff.reason }]
      }
      return breaches.map((breach) => ({
        at,
        level: 'failure',
        title: 'Datafold threshold exceeded',
        message: describeBreach(breach, diff)
      }))
    }),
    ...skipped.flatMap((model): Finding[] =>
      needsAction(model.reason)
        ? [
            {
              at: { model: model.path },
              level: 'warning',
              title: 'dbt model not compared',
              message: describeSkipped(model)
            }
          ]
        : []
    )
  ]
}

/** A dbt model's file, or a plan entry's line; nothing for a diff given by id. */
function placeOf(requested: RequestedDiff | undefined): FindingPlace {
  if (requested === undefined) return null
  if (requested.from === 'dbt model') {
    return requested.file === undefined ? null : { model: requested.file }
  }
  return { planEntry: requested.name }
}
