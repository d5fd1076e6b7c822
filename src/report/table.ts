// The report's table: one row per table compared, one metric per column, named in plain words.
// Built to fit a PR's conversation column (760 px): a row opens with its mark and its name (a link
// to the diff at Datafold); a problem's row says under the name what was compared, its rows, and
// for a diff that could not be checked why; a row within its limits is one line. Metric cells never
// wrap, so they stay narrow: zeros stay short, a share or a limit goes on a small line under its
// figure. The name is the one cell that wraps, at `_` and `.`.
import type { FinishedDiff, Measure } from '../diff.js'
import { formatNumber } from '../format.js'
import { METRIC_SPEC, REPORT_COLUMNS, type MetricSpec, type ReportColumn } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import type { DiffEvaluation } from '../thresholds.js'
import {
  approx,
  breachLimit,
  breachOf,
  judgedLimit,
  limitsOf,
  ownLimitLine,
  shareOf
} from './cells.js'
import { MARK, outcomeOf } from './headline.js'
import { cell, escapeMarkdown, linkMarkdown, tableHeader, tableRow } from './markdown.js'
import {
  sharedDifference,
  sharedDifferenceLine,
  shownName,
  splitNames,
  wrappable
} from './names.js'

/** The columns a report's tables show: every column but those of a metric no table has a limit
 * on (values and columns changed), which the details show instead. */
export function shownColumns(
  evaluations: readonly DiffEvaluation[],
  step: Thresholds
): ReportColumn[] {
  const limited = (spec: MetricSpec) =>
    step.max[spec.name] !== undefined ||
    evaluations.some((d) => limitsOf(d, step).max[spec.name] !== undefined)
  return REPORT_COLUMNS.filter((column) =>
    METRIC_SPEC.some(
      (spec) =>
        spec.report.column === column && (spec.report.onlyWhenLimited !== true || limited(spec))
    )
  )
}

/** What every compared table shares, said once under the table's first header: `analytics →
 * pr_42`. */
export function sharedLine(evaluations: readonly DiffEvaluation[]): string | null {
  const difference = sharedDifference(evaluations.map((d) => splitNames(d.diff.target)))
  return difference === null ? null : sharedDifferenceLine(difference)
}

export interface TableOptions {
  step: Thresholds
  columns: readonly ReportColumn[]
  /** The difference every row shares, said in the header rather than in each row. */
  shared: string | null
  /** `Table`, or `Model` in dbt mode. */
  noun: string
}

/** The table's header and its rows. */
export function diffTable(rows: readonly DiffEvaluation[], options: TableOptions): string {
  const align = options.columns.map((_, i) => i + 1)
  const first =
    options.shared === null ? options.noun : `${options.noun}<br><sub>${options.shared}</sub>`
  return [
    // Two short lines a header: a metric column is then as narrow as its figures, and the names
    // keep the width.
    tableHeader([first, ...options.columns.map((c) => c.replace(' ', '<br>'))], align),
    ...rows.map((d) => diffRow(d, options))
  ].join('\n')
}

/** How much of an error's reason its row shows; the details hold all of it. */
const REASON_MAX = 140

function diffRow(evaluation: DiffEvaluation, options: TableOptions): string {
  const { diff } = evaluation
  const outcome = outcomeOf(evaluation)
  const shown = shownName(splitNames(diff.target), options.shared !== null)
  const name = diff.name === undefined ? shown.name : wrappable(cell(diff.name, 60))
  const kinds = [
    diff.target.kind === 'cross_db' ? ' <sub>cross-db</sub>' : '',
    diff.status === 'done' && diff.sampled ? ' <sub>sampled</sub>' : ''
  ].join('')
  const first = `${MARK[outcome]} ${linkMarkdown(name, diff.url)}${kinds}`
  // The common name, when the entry's own name is another.
  const table =
    diff.name !== undefined && shown.name.toLowerCase() !== name.toLowerCase() ? shown.name : null
  const under =
    outcome === 'within'
      ? [shown.difference]
      : [
          table,
          shown.difference,
          diff.status === 'done' ? rowsOf(diff) : null,
          columnMatchLine(evaluation),
          diff.status === 'error'
            ? `could not be checked: ${shortReason(withoutName(diff.reason, diff.name))}`
            : null
        ]
  const lines = under.filter((text) => text !== null)
  const cells = [lines.length === 0 ? first : `${first}<br>${sub(lines.join(' · '))}`]
  for (const column of options.columns) {
    cells.push(diff.status === 'error' ? '—' : nowrap(columnCell(evaluation, options.step, column)))
  }
  return tableRow(cells)
}

/**
 * An error's reason for its row, short: without what the row says already (`diff 105 failed in
 * Datafold:`) or what is no advice (`Datafold says the error is not retryable`), and cut; the
 * details hold it whole. What will help (`re-running this job creates the diff again`) is kept.
 */
function shortReason(reason: string): string {
  const advice =
    /: (re-running this job creates the diff again|run the diff again in Datafold, then this check)$/.exec(
      reason
    )
  const core = reason
    .slice(0, advice === null ? reason.length : advice.index)
    .replace(/^diff \d+ failed in Datafold: /, '')
    .replace(/; Datafold says the error is (not )?retryable$/, '')
  const text = wrappable(cell(core, REASON_MAX))
  return advice === null ? text : `${text}; ${escapeMarkdown(advice[1] ?? '')}`
}

/** `3 columns under the match limit of 99.5%`: the breaches no metric column shows. */
function columnMatchLine(evaluation: DiffEvaluation): string | null {
  const under = evaluation.breaches.filter((b) => b.metric === 'column-match')
  const [first] = under
  if (first === undefined) return null
  const columns = under.length === 1 ? '1 column' : `${formatNumber(under.length)} columns`
  return `❌ ${columns} under the match limit of ${judgedLimit(first).replace(/^min /, '')}`
}

/** A reason without the name its row gives already: `payments: could not create the diff: …`. */
function withoutName(reason: string, name: string | undefined): string {
  return name !== undefined && reason.startsWith(`${name}: `)
    ? reason.slice(name.length + 2)
    : reason
}

/** `48,173 rows (production 48,210)`: the PR's rows, and production's when they differ. */
function rowsOf(diff: FinishedDiff): string | null {
  const { rowsA, rowsB } = diff
  if (rowsA === null && rowsB === null) return null
  const rows = (n: number | null) => (n === null ? '?' : formatNumber(n))
  return rowsA === rowsB ? `${rows(rowsB)} rows` : `${rows(rowsB)} rows (production ${rows(rowsA)})`
}

/** A metric cell's lines never wrap: its column is as wide as its widest line, no more. */
function nowrap(markdown: string): string {
  return markdown.replace(/ /g, '&nbsp;')
}

const sub = (text: string): string => `<sub>${text}</sub>`

/** The column's metric: one, or for key problems null and duplicate keys, each on its line. */
function columnCell(evaluation: DiffEvaluation, step: Thresholds, column: ReportColumn): string {
  const diff = evaluation.diff as FinishedDiff
  const specs = METRIC_SPEC.filter((spec) => spec.report.column === column)
  if (specs.every((spec) => diff.metrics[spec.name] === null)) {
    return notMeasured(specs.some((spec) => evaluation.notMeasured.includes(spec.name)))
  }
  const lines = specs.flatMap((spec) =>
    spec.report.label === undefined
      ? figureLines(evaluation, step, spec, diff.metrics[spec.name])
      : labelledLines(evaluation, step, spec, diff.metrics[spec.name])
  )
  return lines.length === 0 ? '0' : lines.join('<br>')
}

function notMeasured(unchecked: boolean): string {
  return unchecked ? 'n/a ⚠️' : 'n/a'
}

/** `0`; `1,205` over `2.50%`; `**1,205** ❌` over `2.50% > 1%`; a table's own limit under it. */
function figureLines(
  evaluation: DiffEvaluation,
  step: Thresholds,
  spec: MetricSpec,
  measure: Measure | null
): string[] {
  if (measure === null) return [notMeasured(evaluation.notMeasured.includes(spec.name))]
  const breach = breachOf(evaluation, spec.name)
  const count = `${approx(measure)}${formatNumber(measure.value)}`
  if (breach) {
    // The count itself, even when an interval's upper bound was judged: the limit line says so.
    return [`**${count}** ❌`, sub(breachLimit(evaluation, step, spec, breach, measure.sample))]
  }
  if (measure.value === 0) return ['0']
  // A figure beside the table's own limit, where that differs from the step's in the footer; on
  // one line in a row within its limits, which is one line.
  const under = [shareOf(measure), ownLimitLine(evaluation, step, spec)]
  if (outcomeOf(evaluation) === 'within') {
    const told = under.filter((text): text is string => text !== null && text !== '')
    return [told.length === 0 ? count : `${count} ${sub(told.join(' '))}`]
  }
  return [count, ...under.filter((text): text is string => text !== null && text !== '').map(sub)]
}

/** `3 null`, `**12** duplicate ❌` over its limit, `null n/a ⚠️`; nothing for a zero. */
function labelledLines(
  evaluation: DiffEvaluation,
  step: Thresholds,
  spec: MetricSpec,
  measure: Measure | null
): string[] {
  const label = escapeMarkdown(spec.report.label ?? '')
  if (measure === null) {
    return evaluation.notMeasured.includes(spec.name) ? [`${label} n/a ⚠️`] : []
  }
  const breach = breachOf(evaluation, spec.name)
  if (breach) {
    return [
      `**${approx(measure)}${formatNumber(breach.value)}** ${label} ❌`,
      sub(breachLimit(evaluation, step, spec, breach, measure.sample))
    ]
  }
  return measure.value === 0 ? [] : [`${approx(measure)}${formatNumber(measure.value)} ${label}`]
}
