// The details under the table. A problem's section opens on why (the limits it is over with their
// figures, why it could not be checked, or which limit Datafold did not measure), then where to see
// it (View in Datafold, what is downstream), then the rest: its figures, its own limits, its
// columns and schema. The tables within their limits share one collapsed section, a line each,
// with only what they have to tell.
import type { FinishedDiff } from '../diff.js'
import { formatMeasure, formatNumber, formatPercent, plural } from '../format.js'
import { METRIC_SPEC, METRICS, type MetricSpec } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import type { Breach, DiffEvaluation } from '../thresholds.js'
import {
  approx,
  breachOf,
  compared,
  judgedLimit,
  limitsOf,
  limitText,
  metricFigure,
  ownSource
} from './cells.js'
import { columnsSection, sampleLine, schemaSection } from './columns.js'
import { limitsLine } from './footer.js'
import { MARK, outcomeOf } from './headline.js'
import { cell, details, escapeMarkdown, link } from './markdown.js'
import { shownName, splitNames } from './names.js'

/** How much a problem's section holds: its columns (all, the first N, none), and the rest after
 * why, or why alone. */
export interface DetailShape {
  columnLimit: number
  rest: boolean
  /** Where the full report is, for "the full list is in …". */
  fullReport: string
}

/** The name a section gives a table, as its row does: its entry's or model's, else the part of
 * the compared names they share. */
function nameOf(evaluation: DiffEvaluation): string {
  const { diff } = evaluation
  return diff.name === undefined
    ? shownName(splitNames(diff.target), true).name
    : cell(diff.name, 100)
}

/** A problem's section: why first, then where to see it, then the rest. */
export function problemDetails(
  evaluation: DiffEvaluation,
  step: Thresholds,
  shape: DetailShape
): string {
  const { diff } = evaluation
  const outcome = outcomeOf(evaluation)
  const summary = `${MARK[outcome]} ${nameOf(evaluation)}: ${whyShort(evaluation)}`
  const parts = [whyLines(evaluation, step)]
  parts.push(whereLine(evaluation))
  const downstream = downstreamLine(evaluation)
  if (downstream) parts.push(downstream)
  if (shape.rest && diff.status === 'done') parts.push(...restOf(evaluation, step, shape))
  if (diff.warnings.length > 0) {
    parts.push(['**Warnings**', '', ...diff.warnings.map((w) => `- ${cell(w, 1000)}`)].join('\n'))
  }
  return details(summary, parts.join('\n\n'))
}

/** The summary's why: `rows removed 37 over 0`, `could not be checked`. */
function whyShort(evaluation: DiffEvaluation): string {
  const outcome = outcomeOf(evaluation)
  if (outcome === 'error') return 'could not be checked'
  if (outcome === 'unmeasured')
    return `${evaluation.notMeasured.map(words).join(', ')} not measured`
  const metrics = [...new Set(evaluation.breaches.map((b) => b.metric))]
  const named = metrics.slice(0, 3).map((m) => (m === 'column-match' ? 'column match' : words(m)))
  const more = metrics.length > 3 ? ` and ${formatNumber(metrics.length - 3)} more` : ''
  return `over its limit${metrics.length === 1 ? '' : 's'} on ${named.join(', ')}${more}`
}

const words = (metric: string): string =>
  METRIC_SPEC.find((spec) => spec.name === metric)?.words ?? metric

/** The most breaches of a diff listed in its section; the rest are counted. */
const MOST_BREACHES = 20

/** Why, in full: each breach with its figure and limit; the error; the limits not measured. */
function whyLines(evaluation: DiffEvaluation, step: Thresholds): string {
  const { diff } = evaluation
  if (diff.status === 'error') return `**Could not be checked:** ${cell(diff.reason, 2000)}`
  const lines: string[] = []
  if (evaluation.breaches.length > 0) {
    lines.push('**Over its limits:**', '')
    const shown = evaluation.breaches.slice(0, MOST_BREACHES)
    lines.push(...shown.map((b) => `- ${breachLine(evaluation, step, b)}`))
    const rest = evaluation.breaches.length - shown.length
    if (rest > 0) lines.push(`- … and ${plural(rest, 'more column')} under the column match limit`)
  }
  if (evaluation.notMeasured.length > 0) {
    if (lines.length > 0) lines.push('')
    const limits = limitsOf(evaluation, step)
    const which = evaluation.notMeasured.map((metric) => {
      const limit = limits.max[metric]
      return limit ? `${words(metric)} (limit ${escapeMarkdown(limitText(limit))})` : words(metric)
    })
    lines.push(
      `⚠️ **Not checked:** Datafold did not measure ${which.join(', ')} for this diff, so ${
        which.length === 1 ? 'its limit was' : 'their limits were'
      } not checked.`
    )
  }
  return lines.join('\n')
}

/** `rows removed **37** (0.08%), over its limit of 0 (plan entry)`; `column amount: 97.50% match,
 * under its limit of 99.5%`. */
function breachLine(evaluation: DiffEvaluation, step: Thresholds, breach: Breach): string {
  if (breach.metric === 'column-match') {
    const match =
      breach.percent === null ? formatNumber(breach.value) : formatPercent(breach.percent)
    const limit = escapeMarkdown(breach.limit.replace(/^min /, ''))
    return `column ${cell(breach.column ?? '?', 100)}: **${match}** match, under its limit of ${limit}`
  }
  const spec = METRIC_SPEC.find((s) => s.name === breach.metric) as MetricSpec
  const source = ownSource(evaluation, step, spec)
  // An interval's upper bound has no share of its own: the share is the estimate's.
  const figure =
    breach.sample === 'upper-bound'
      ? `**up to ≈${formatNumber(breach.value)}**`
      : `**${breach.sample ? '≈' : ''}${formatMeasure(breach.value, breach.percent)}**`
  const upper = breach.sample === 'upper-bound' ? ' (the upper bound of its estimate)' : ''
  const sampled = breach.sample === 'estimate' ? ' (estimated from a sample)' : ''
  const written = judgedLimit(breach)
  return `${spec.words} ${figure}${upper}${sampled}, over its limit of ${written}${source === null ? '' : ` (${escapeMarkdown(source)})`}`
}

/** `[View in Datafold](…) · analytics.prod.orders → analytics.pr.orders · 48,173 rows`. */
function whereLine(evaluation: DiffEvaluation): string {
  const { diff } = evaluation
  const view = diff.url === null ? 'not created at Datafold' : link('View in Datafold', diff.url)
  const id = diff.id === null ? null : `diff ${diff.id}`
  const what =
    diff.target.datasetA === null && diff.target.datasetB === null ? null : compared(diff, 200)
  const rows = diff.status === 'done' ? rowsLine(diff) : null
  const sampled = diff.status === 'done' && diff.sampled ? 'sampled' : null
  return [view, id, what, rows, sampled].filter((part) => part !== null).join(' · ')
}

function rowsLine(diff: FinishedDiff): string | null {
  const { rowsA, rowsB } = diff
  if (rowsA === null && rowsB === null) return null
  const rows = (n: number | null) => (n === null ? '?' : formatNumber(n))
  return rowsA === rowsB
    ? `${rows(rowsB)} rows`
    : `${rows(rowsA)} rows in production, ${rows(rowsB)} in the PR`
}

/** The most downstream items named. */
const MOST_DOWNSTREAM = 10

/** `**Downstream** (Datafold): fct_revenue (table), Orders overview (looker dashboard)`. */
function downstreamLine(evaluation: DiffEvaluation): string | null {
  const { diff } = evaluation
  if (diff.status !== 'done' || diff.downstream.length === 0) return null
  const shown = diff.downstream.slice(0, MOST_DOWNSTREAM)
  const items = shown.map((d) => `${cell(d.name, 100)} (${cell(d.type.replace(/_/g, ' '), 40)})`)
  const rest = diff.downstream.length - shown.length
  return `**Downstream** (from Datafold): ${items.join(', ')}${rest > 0 ? ` and ${formatNumber(rest)} more` : ''}`
}

/** After why: every figure, the table's own limits, sampling, the columns and the schema. */
function restOf(evaluation: DiffEvaluation, step: Thresholds, shape: DetailShape): string[] {
  const diff = evaluation.diff as FinishedDiff
  const limits = limitsOf(evaluation, step)
  // The figures that are not 0 (and those breached or not measured); the zeros in one word.
  const told = METRIC_SPEC.filter((spec) => {
    const measure = diff.metrics[spec.name]
    return measure === null || measure.value !== 0 || breachOf(evaluation, spec.name) !== undefined
  })
  const figures = told.map((spec) => `${spec.words} ${metricFigure(evaluation, step, spec)}`)
  const zeros =
    told.length === 0 ? 'all 0' : told.length < METRIC_SPEC.length ? 'every other figure 0' : null
  const parts = [`**Figures:** ${[...figures, ...(zeros === null ? [] : [zeros])].join(' · ')}`]
  // Its own limits, when it has any: else they are the step's, in the footer.
  const own = Object.keys(limits.sources ?? {}).length > 0 ? limitsLine(limits) : null
  if (own) parts.push(own)
  const sampled = sampleLine(diff)
  if (sampled) parts.push(sampled)
  const missing = METRICS.filter(
    (metric) => diff.metrics[metric] === null && !evaluation.notMeasured.includes(metric)
  )
  if (missing.length > 0) {
    parts.push(
      `Not measured (n/a in the table): Datafold's answer for this diff has no figure for ${missing.map(words).join(', ')}.`
    )
  }
  const columns = columnsSection(evaluation, shape.columnLimit, shape.fullReport)
  if (columns) parts.push(columns)
  const schema = schemaSection(diff, shape.columnLimit)
  if (schema) parts.push(schema)
  return parts
}

/**
 * The tables within their limits, in one collapsed section: a line each (what was compared, where
 * to see it), and only what a table has to tell: values and columns changed, the columns that
 * differ, schema changes, sampling, warnings.
 */
export function withinDetails(
  evaluations: readonly DiffEvaluation[],
  shape: DetailShape,
  noun: 'table' | 'model' = 'table'
): string | null {
  if (evaluations.length === 0) return null
  const blocks = evaluations.map((evaluation) => {
    const diff = evaluation.diff as FinishedDiff
    const parts = [`${MARK.within} **${nameOf(evaluation)}** · ${whereLine(evaluation)}`]
    const changed = (['values-changed', 'columns-changed'] as const).flatMap((metric) => {
      const measure = diff.metrics[metric]
      return measure === null || measure.value === 0
        ? []
        : [`${words(metric)} ${approx(measure)}${formatMeasure(measure.value, measure.percent)}`]
    })
    if (changed.length > 0) parts.push(changed.join(' · '))
    // Its own limits, when it has any: the row shows them only beside a figure that is not 0.
    const limits = evaluation.thresholds
    const own = Object.keys(limits?.sources ?? {}).length > 0 && limits ? limitsLine(limits) : null
    if (own !== null) parts.push(own)
    const told = [
      sampleLine(diff),
      columnsSection(evaluation, shape.columnLimit, shape.fullReport, true),
      schemaSection(diff, shape.columnLimit, true),
      diff.warnings.length > 0 ? diff.warnings.map((w) => `- ${cell(w, 1000)}`).join('\n') : null
    ]
    return [parts.join('<br>\n'), ...told.filter((part) => part !== null)].join('\n\n')
  })
  const which =
    evaluations.length === 1 ? `the ${noun}` : `the ${formatNumber(evaluations.length)} ${noun}s`
  const their = evaluations.length === 1 ? 'its' : 'their'
  return details(`Details of ${which} within ${their} limits`, blocks.join('\n\n'))
}
