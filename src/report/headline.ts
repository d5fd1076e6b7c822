// The verdict as a reviewer reads it first: the report's heading, with the counts that make it. A
// table is over its limits (❌), not (fully) checked (⚠️: Datafold could not diff it, or did not
// measure a limit set on it) or within its limits (✅), and nothing is ✅ that was not checked: a
// changed dbt model not compared for a reason that needs action counts as unchecked too. The
// `unchecked-count` output is this count. Pure.
import { formatNumber } from '../format.js'
import type { DiffEvaluation, Evaluation } from '../thresholds.js'

/** How a table came out, as its row's mark says. */
export type Outcome = 'over' | 'error' | 'unmeasured' | 'within'

export const MARK: Record<Outcome, string> = {
  over: '❌',
  error: '⚠️',
  unmeasured: '⚠️',
  within: '✅'
}

/** A diff Datafold finished but with a limit it did not measure is not within its limits: it is
 * not known to be. */
export function outcomeOf(evaluation: DiffEvaluation): Outcome {
  if (evaluation.verdict === 'fail') return 'over'
  if (evaluation.verdict === 'error') return 'error'
  return evaluation.notMeasured.length > 0 ? 'unmeasured' : 'within'
}

/** Problems first, in this order: over their limits, then could not be checked, then not fully. */
export const OUTCOME_ORDER: readonly Outcome[] = ['over', 'error', 'unmeasured', 'within']

export interface Tally {
  /** Diffs judged. */
  tables: number
  over: number
  error: number
  unmeasured: number
  within: number
  /** dbt mode's changed models not compared for a reason that needs action. */
  notCompared: number
  /** The noun the report counts in: `model` when every table is a dbt model's. */
  noun: 'table' | 'model'
}

export function tally(
  evaluation: Evaluation,
  notCompared = 0,
  noun: Tally['noun'] = 'table'
): Tally {
  const counts = { over: 0, error: 0, unmeasured: 0, within: 0 }
  for (const d of evaluation.diffs) counts[outcomeOf(d)] += 1
  return { tables: evaluation.diffs.length, ...counts, notCompared, noun }
}

/** What was not (fully) checked: diffs Datafold could not diff or measure, models not compared. */
export function uncheckedCount(t: Tally): number {
  return t.error + t.unmeasured + t.notCompared
}

const nouns = (n: number, noun: Tally['noun']): string =>
  `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`

/**
 * `❌ 2 of 12 tables over their limits · ⚠️ 1 could not be checked`, `✅ 12 tables within their
 * limits`, `⚠️ 2 changed models not compared · 1 model within its limits`: the worst first, each
 * problem with its count; the tables within their limits are counted when no table is over.
 */
export function headline(t: Tally): string {
  const { tables, over, error, unmeasured, within, notCompared, noun } = t
  const of = (n: number) =>
    n === tables ? nouns(n, noun) : `${formatNumber(n)} of ${nouns(tables, noun)}`
  // `1 table over its limits`, `1 of 5 tables over their limits`.
  const their = (n: number) => (n === 1 && tables === 1 ? 'its' : 'their')
  const problems: string[] = []
  if (error > 0) problems.push(`${formatNumber(error)} could not be checked`)
  if (unmeasured > 0) problems.push(`${formatNumber(unmeasured)} not fully checked`)
  if (notCompared > 0) {
    problems.push(
      `${formatNumber(notCompared)} changed model${notCompared === 1 ? '' : 's'} not compared`
    )
  }
  if (over > 0) {
    return [`❌ ${of(over)} over ${their(over)} limits`, ...problems.map((p) => `⚠️ ${p}`)].join(
      ' · '
    )
  }
  if (problems.length === 0) {
    return tables === 0
      ? `✅ No ${noun === 'model' ? 'changed model' : 'table'} to check`
      : `✅ ${nouns(tables, noun)} within ${their(tables)} limits`
  }
  // The first problem says of how many, when it is a count of the tables.
  const [first = '', ...rest] = problems
  const lead =
    error > 0
      ? `${of(error)} could not be checked`
      : unmeasured > 0
        ? `${of(unmeasured)} not fully checked`
        : first
  const withinPart =
    within > 0 ? [`${nouns(within, noun)} within ${within === 1 ? 'its' : 'their'} limits`] : []
  return [`⚠️ ${lead}`, ...rest.map((p) => `⚠️ ${p}`), ...withinPart].join(' · ')
}
