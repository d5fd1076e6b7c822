// The report's main table: one row per diff, its metrics in the columns the metric spec names.
// Built to fit a PR's conversation column (760 px): each row opens with the verdict's mark, the
// diff's link and what was compared, written compactly, with the rows on a small line under it;
// metric cells never wrap, so they stay narrow: zeros stay short, a share or a limit goes on a
// small line under its count, and everything long (an error, why a metric was not measured) is
// left to the details. The name is the one cell that wraps, at `_` and `.`.
import type { FinishedDiff, Measure } from '../diff.js'
import { formatNumber } from '../format.js'
import { metricsIn, REPORT_COLUMNS, type MetricSpec, type ReportColumn } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import type { Breach, DiffEvaluation } from '../thresholds.js'
import { approx, breachLimit, breachOf, flagged, MARK, shareOf } from './cells.js'
import { cell, escapeMarkdown, link, tableHeader, tableRow } from './markdown.js'
import { sharedDifference, sharedDifferenceLine, shownName, splitNames } from './names.js'

const TABLE_HEADERS = ['Diff', ...REPORT_COLUMNS] as const

/** Every column but the first holds numbers: right-aligned. */
const ALIGN_RIGHT = REPORT_COLUMNS.map((_, i) => i + 1)

/** The table's header and the rows given, after the line saying what was compared if shared. */
export function diffTable(rows: readonly DiffEvaluation[], thresholds: Thresholds): string {
  // What differs between the compared names, when every row shares it.
  const difference = sharedDifference(rows.map((d) => splitNames(d.diff.target)))
  const table = [
    tableHeader(TABLE_HEADERS, ALIGN_RIGHT),
    ...rows.map((d) => diffRow(d, thresholds, difference !== null))
  ].join('\n')
  return difference === null ? table : `${sharedDifferenceLine(difference)}\n\n${table}`
}

function diffRow(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  differenceShown: boolean
): string {
  const { diff } = evaluation
  // A plan entry is named as the plan names it; its own thresholds are the ones shown.
  const limits = evaluation.thresholds ?? thresholds
  const shown = shownName(splitNames(diff.target), differenceShown)
  const name = diff.name === undefined ? shown.name : cell(diff.name, 60)
  const kinds = [
    diff.target.kind === 'cross_db' ? ' <sub>cross-db</sub>' : '',
    diff.status === 'done' && diff.sampled ? ' <sub>sampled</sub>' : ''
  ].join('')
  const under = [
    diff.name === undefined || name === shown.name ? null : shown.name,
    shown.difference,
    diff.status === 'done' ? rowsOf(diff) : null
  ].filter((text) => text !== null)
  const id = diff.id === null ? 'not created' : link(String(diff.id), diff.url)
  const first = `${MARK[evaluation.verdict]} ${id} ${name}${kinds}`
  const cells = [under.length === 0 ? first : `${first}<br>${sub(under.join(' · '))}`]
  if (diff.status === 'error') {
    // The error's text is in the diff's details: in a cell it would make the tallest row.
    cells.push(...REPORT_COLUMNS.map(() => '—'))
  } else {
    cells.push(...REPORT_COLUMNS.map((column) => nowrap(columnCell(evaluation, limits, column))))
  }
  return tableRow(cells)
}

/** `48,173 rows (A 48,210)`: B's rows, and A's when they differ; null when neither is known. */
function rowsOf(diff: FinishedDiff): string | null {
  const { rowsA, rowsB } = diff
  if (rowsA === null && rowsB === null) return null
  const rows = (n: number | null) => (n === null ? '?' : formatNumber(n))
  return rowsA === rowsB ? `${rows(rowsB)} rows` : `${rows(rowsB)} rows (A ${rows(rowsA)})`
}

/** A metric cell's lines never wrap: its column is as wide as its widest line, no more. */
function nowrap(markdown: string): string {
  return markdown.replace(/ /g, '&nbsp;')
}

const sub = (text: string): string => `<sub>${text}</sub>`

/**
 * The column's metrics. The first, unlabelled metric is its count, with its share (or its breach
 * and limit) on a small line under it; labelled metrics follow on lines of their own.
 */
function columnCell(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  column: ReportColumn
): string {
  const diff = evaluation.diff as FinishedDiff
  const specs = metricsIn(column)
  if (specs.every((spec) => diff.metrics[spec.name] === null)) {
    return notMeasured(specs.some((spec) => evaluation.notMeasured.includes(spec.name)))
  }
  const lines: string[] = []
  const limits: string[] = []
  for (const spec of specs) {
    const measure = diff.metrics[spec.name]
    if (spec.report.label === undefined) {
      lines.push(...countLines(evaluation, thresholds, spec, measure))
    } else if (spec.report.onlyWhenFlagged === true) {
      if (flagged(evaluation, spec.name)) {
        lines.push(
          sub(`${spec.report.label} ${flaggedFigure(evaluation, thresholds, spec, measure)}`)
        )
      }
    } else if (flagged(evaluation, spec.name) || (measure !== null && measure.value !== 0)) {
      lines.push(labelledLine(evaluation, spec, measure))
      const breach = breachOf(evaluation, spec.name)
      if (breach && measure) limits.push(limitText(thresholds, spec, measure, breach))
    }
  }
  if (limits.length > 0) lines.push(sub(limits.join(' · ')))
  return lines.length === 0 ? '0' : lines.join('<br>')
}

function notMeasured(unchecked: boolean): string {
  return unchecked ? 'n/a ⚠️' : 'n/a'
}

/** `0`; `1,205` over `2.50%`; `**1,205** ❌` over `2.50% > 1%`. */
function countLines(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  spec: MetricSpec,
  measure: Measure | null
): string[] {
  if (measure === null) return [notMeasured(evaluation.notMeasured.includes(spec.name))]
  const breach = breachOf(evaluation, spec.name)
  if (breach) {
    // The count itself, even when an interval's upper bound was judged: the limit line says so.
    return [
      `**${approx(measure)}${formatNumber(measure.value)}** ❌`,
      sub(limitText(thresholds, spec, measure, breach))
    ]
  }
  if (measure.value === 0) return ['0']
  const share = shareOf(measure)
  const count = `${approx(measure)}${formatNumber(measure.value)}`
  return share === '' ? [count] : [count, sub(share)]
}

/**
 * A breach's limit, short: `2.50% > 1%` for a percentage limit (the share judged), `max 0` for a
 * count limit, `up to 11,566 > 10000` when the interval's upper bound was judged.
 */
function limitText(
  thresholds: Thresholds,
  spec: MetricSpec,
  measure: Measure,
  breach: Breach
): string {
  const limit = breachLimit(breach)
  if (thresholds.max[spec.name]?.kind === 'percent') {
    return `${shareOf({ ...breach, sample: measure.sample })} ${limit}`
  }
  return breach.sample === 'upper-bound' ? limit : limit.replace(/^> /, 'max ')
}

/**
 * For a shared cell: `values 0.56% > 0.1% ❌`, `columns 3 > 2 ❌`, `values up to 14,915 > 12000 ❌`
 * (the interval's upper bound was checked), `values n/a ⚠️`.
 */
function flaggedFigure(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  spec: MetricSpec,
  measure: Measure | null
): string {
  const breach = breachOf(evaluation, spec.name)
  if (measure === null || !breach) return notMeasured(true)
  if (breach.sample === 'upper-bound') return `${breachLimit(breach)} ❌`
  const figure =
    thresholds.max[spec.name]?.kind === 'percent'
      ? shareOf({ ...breach, sample: measure.sample })
      : `${approx(measure)}${formatNumber(breach.value)}`
  return `${figure} ${breachLimit(breach)} ❌`
}

/**
 * `3 null`, `**12** dup ❌`, `null n/a ⚠️`: one line each, the limits on a line after them. A
 * breach shows the side that was judged (the larger share for a percentage limit).
 */
function labelledLine(
  evaluation: DiffEvaluation,
  spec: MetricSpec,
  measure: Measure | null
): string {
  const label = escapeMarkdown(spec.report.label ?? '')
  if (measure === null) {
    return `${label} ${notMeasured(evaluation.notMeasured.includes(spec.name))}`
  }
  const breach = breachOf(evaluation, spec.name)
  if (!breach) return `${approx(measure)}${formatNumber(measure.value)} ${label}`
  return `**${approx(measure)}${formatNumber(breach.value)}** ${label} ❌`
}
