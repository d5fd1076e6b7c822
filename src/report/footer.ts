// The report's footer: the step's limits in plain words, written like figures; and a table's own
// limits, with where each came from, for its details.
import { formatNumber } from '../format.js'
import { METRIC_SPEC } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import { limitText } from './cells.js'
import { escapeMarkdown, nameList } from './markdown.js'

/**
 * `rows changed ≤ 5%`, one term a limit; with `sourced`, each says where it came from
 * (`(model meta)`, `(step input)`) and a limit a plan or model turned off says so.
 */
function limitTerms(thresholds: Thresholds, sourced: boolean): string[] {
  const from = (key: string): string => {
    if (!sourced) return ''
    return ` (${escapeMarkdown(thresholds.sources?.[key] ?? 'step input')})`
  }
  const terms: string[] = METRIC_SPEC.flatMap((spec) => {
    const limit = thresholds.max[spec.name]
    if (limit) return [`${spec.words} ≤ ${limitText(limit)}${from(spec.input)}`]
    return sourced && thresholds.sources?.[spec.input]
      ? [`${spec.words}: no limit${from(spec.input)}`]
      : []
  })
  if (thresholds.minColumnMatch !== null) {
    terms.push(
      `column match ≥ ${formatNumber(thresholds.minColumnMatch)}%${from('min-column-match')}`
    )
  }
  if (sourced && thresholds.ignoreColumns.length > 0) {
    terms.push(`ignored columns ${nameList(thresholds.ignoreColumns, 10)}${from('ignore-columns')}`)
  }
  return terms
}

/** A table's limits and where each came from; null for a diff given by id (the step's). */
export function limitsLine(thresholds: Thresholds): string | null {
  if (thresholds.sources === undefined) return null
  const terms = limitTerms(thresholds, true)
  return `**Its limits:** ${terms.length > 0 ? terms.join(' · ') : 'none set.'}`
}

/**
 * The step's limits and the ignored columns. `ownLimits`: some table has limits of its own (from
 * a plan entry or a dbt model), which its row shows where they differ.
 */
export function footer(thresholds: Thresholds, ownLimits = false): string {
  const limits = limitTerms(thresholds, false)
  if (thresholds.sampledLimit === 'upper') {
    limits.push(
      "count limits on sampled diffs checked against the upper bound of Datafold's interval"
    )
  }
  const lines = [
    `**The step's limits:** ${limits.length > 0 ? limits.join(' · ') : 'none set'}.${
      ownLimits
        ? " A row's own limit, where it differs from these, is shown beside its figure."
        : ''
    }`
  ]
  if (thresholds.ignoreColumns.length > 0) {
    lines.push(`**Ignored columns:** ${nameList(thresholds.ignoreColumns, 50)}`)
  }
  // Small print, last: what the figures were checked against.
  return `<sub>${lines.join('<br>')}</sub>`
}
