// The report's footer: what was checked against, and where the run is; and each planned diff's
// own limits, with where each came from.
import { formatNumber } from '../format.js'
import { METRIC_SPEC } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import { formatLimit } from '../thresholds.js'
import { escapeMarkdown, link, nameList } from './markdown.js'

/**
 * `rows-changed ≤ 5%`, one term a limit; with `sourced`, each says where it came from
 * (`(model meta)`, `(step input)`) and a limit a plan or model turned off says so.
 */
function limitTerms(thresholds: Thresholds, sourced: boolean): string[] {
  const from = (key: string): string => {
    if (!sourced) return ''
    return ` (${escapeMarkdown(thresholds.sources?.[key] ?? 'step input')})`
  }
  const terms: string[] = METRIC_SPEC.flatMap((spec) => {
    const limit = thresholds.max[spec.name]
    if (limit) return [`${spec.name} ≤ ${escapeMarkdown(formatLimit(limit))}${from(spec.input)}`]
    return sourced && thresholds.sources?.[spec.input]
      ? [`${spec.name} not checked${from(spec.input)}`]
      : []
  })
  if (thresholds.minColumnMatch !== null) {
    terms.push(
      `column match ≥ ${escapeMarkdown(`${formatNumber(thresholds.minColumnMatch)}%`)}${from('min-column-match')}`
    )
  }
  if (sourced && thresholds.ignoreColumns.length > 0) {
    terms.push(`ignored columns ${nameList(thresholds.ignoreColumns, 10)}${from('ignore-columns')}`)
  }
  return terms
}

/** A planned diff's limits and where each came from; null for a diff given by id. */
export function limitsLine(thresholds: Thresholds): string | null {
  if (thresholds.sources === undefined) return null
  const terms = limitTerms(thresholds, true)
  return `**Limits:** ${terms.length > 0 ? terms.join(' · ') : 'none set.'}`
}

/**
 * The thresholds in force, the ignored columns and a link to the workflow run. `ownLimits`: some
 * diff has limits of its own (from a plan or a dbt model), which its details list.
 */
export function footer(thresholds: Thresholds, runUrl: string | null, ownLimits = false): string {
  const limits = limitTerms(thresholds, false)
  if (thresholds.sampledLimit === 'upper') {
    limits.push(
      "count limits on sampled diffs checked against the upper bound of Datafold's interval"
    )
  }
  const label = ownLimits
    ? "**The step's thresholds** (a planned diff's own are in its details):"
    : '**Thresholds:**'
  const lines = ['---', `${label} ${limits.length > 0 ? limits.join(' · ') : 'none set.'}`]
  if (thresholds.ignoreColumns.length > 0) {
    lines.push(`**Ignored columns:** ${nameList(thresholds.ignoreColumns, 50)}`)
  }
  if (runUrl !== null) lines.push(link('Workflow run', runUrl))
  return lines.join('\n\n')
}
