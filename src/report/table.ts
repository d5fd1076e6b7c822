// The report's main table: one row per diff, its metrics in the columns the metric spec names.
import type { FinishedDiff, Metrics } from '../diff.js'
import { formatNumber } from '../format.js'
import { metricsIn, REPORT_COLUMNS, type ReportColumn } from '../metric-spec.js'
import type { DiffEvaluation, Thresholds } from '../thresholds.js'
import { compared, flagged, metricCell, RESULT } from './cells.js'
import { cell, link, tableHeader, tableRow } from './markdown.js'

interface ColumnStyle {
  alignRight: boolean
  /** With no metric flagged: `not measured` when none was measured, `none` when all are 0. */
  summarised: boolean
}

const STYLES: Record<ReportColumn, ColumnStyle> = {
  Added: { alignRight: true, summarised: false },
  Removed: { alignRight: true, summarised: false },
  Changed: { alignRight: true, summarised: false },
  'Schema changes': { alignRight: true, summarised: false },
  'PK problems': { alignRight: false, summarised: true }
}

const HEADERS = ['Diff', 'Compared', 'Rows A → B', ...REPORT_COLUMNS, 'Result']
const ALIGN_RIGHT = [
  HEADERS.indexOf('Rows A → B'),
  ...REPORT_COLUMNS.filter((column) => STYLES[column].alignRight).map((column) =>
    HEADERS.indexOf(column)
  )
]

/** The table's header and the rows given. */
export function diffTable(rows: readonly DiffEvaluation[], thresholds: Thresholds): string {
  return [tableHeader(HEADERS, ALIGN_RIGHT), ...rows.map((d) => diffRow(d, thresholds))].join('\n')
}

export function diffRow(evaluation: DiffEvaluation, thresholds: Thresholds): string {
  const { diff } = evaluation
  // A plan entry is named as the plan names it; its own thresholds are the ones shown.
  const limits = evaluation.thresholds ?? thresholds
  const id = diff.id > 0 ? link(String(diff.id), diff.url) : 'not created'
  const cells = [diff.entry === undefined ? id : `${cell(diff.entry, 60)}<br>${id}`, compared(diff)]
  if (diff.status === 'error') {
    // The row already names the diff; the whole reason is in its details below.
    const reason = diff.reason.replace(new RegExp(`^diff ${String(diff.id)}:? `), '')
    cells.push('—', ...REPORT_COLUMNS.map(() => '—'), `${RESULT.error}<br>${cell(reason, 80)}`)
  } else {
    cells.push(
      rowsCell(diff),
      ...REPORT_COLUMNS.map((column) => columnCell(evaluation, diff.metrics, limits, column)),
      RESULT[evaluation.verdict]
    )
  }
  return tableRow(cells)
}

function rowsCell(diff: FinishedDiff): string {
  if (diff.rowsA === null && diff.rowsB === null) return 'not measured'
  const rows = (n: number | null) => (n === null ? '?' : formatNumber(n))
  return `${rows(diff.rowsA)} → ${rows(diff.rowsB)}`
}

/**
 * The column's metrics, one per line, each after its label if it has one; a metric shown only
 * when flagged is left out otherwise. `Changed` is rows changed, and values and columns changed
 * too when they breach or could not be checked.
 */
function columnCell(
  evaluation: DiffEvaluation,
  metrics: Metrics,
  thresholds: Thresholds,
  column: ReportColumn
): string {
  const specs = metricsIn(column)
  if (STYLES[column].summarised && !specs.some((spec) => flagged(evaluation, spec.name))) {
    if (specs.every((spec) => metrics[spec.name] === null)) return 'not measured'
    if (specs.every((spec) => metrics[spec.name]?.value === 0)) return 'none'
  }
  return specs
    .filter((spec) => spec.report.onlyWhenFlagged !== true || flagged(evaluation, spec.name))
    .map((spec) => {
      const text = metricCell(evaluation, thresholds, spec.name)
      return spec.report.label === undefined ? text : `${spec.report.label}: ${text}`
    })
    .join('<br>')
}
