// The report's footer: what was checked against, and where the run is.
import { formatNumber } from '../format.js'
import { METRICS } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import { formatLimit } from '../thresholds.js'
import { escapeMarkdown, link, nameList } from './markdown.js'

/** The thresholds in force, the ignored columns and a link to the workflow run. */
export function footer(thresholds: Thresholds, runUrl: string | null): string {
  const limits: string[] = METRICS.flatMap((metric) => {
    const limit = thresholds.max[metric]
    return limit ? [`${metric} ≤ ${escapeMarkdown(formatLimit(limit))}`] : []
  })
  if (thresholds.minColumnMatch !== null) {
    limits.push(`column match ≥ ${escapeMarkdown(`${formatNumber(thresholds.minColumnMatch)}%`)}`)
  }
  if (thresholds.sampledLimit === 'upper') {
    limits.push(
      "count limits on sampled diffs checked against the upper bound of Datafold's interval"
    )
  }
  const lines = [
    '---',
    limits.length > 0 ? `**Thresholds:** ${limits.join(' · ')}` : '**Thresholds:** none set.'
  ]
  if (thresholds.ignoreColumns.length > 0) {
    lines.push(`**Ignored columns:** ${nameList(thresholds.ignoreColumns, 50)}`)
  }
  if (runUrl !== null) lines.push(link('Workflow run', runUrl))
  return lines.join('\n\n')
}
