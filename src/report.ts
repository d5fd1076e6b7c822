// The report: a markdown document for the job summary and, shortened to fit, the PR comment; and
// the one-line descriptions of breaches for the failure message and annotations. Pure: no I/O,
// no clock, no @actions imports; anything like the run's URL is passed in.
import {
  cell,
  details,
  escapeMarkdown,
  formatInteger,
  formatMeasure,
  formatNumber,
  formatPercent,
  link,
  plural,
  tableHeader,
  tableRow
} from './markdown.js'
import { oneLine, truncate } from './text.js'
import {
  METRICS,
  type ColumnStat,
  type DiffResult,
  type FinishedDiff,
  type MetricName,
  type SchemaChanges
} from './metrics.js'
import {
  formatLimit,
  type Breach,
  type DiffEvaluation,
  type Evaluation,
  type Thresholds,
  type Verdict
} from './thresholds.js'

export interface ReportOptions {
  /** The report's heading, as the user wrote it. */
  title: string
  /** The footer lists the thresholds in force and the ignored columns. */
  thresholds: Thresholds
  /** The workflow run, built by the caller from GITHUB_SERVER_URL; null when unknown. */
  runUrl: string | null
}

/** GitHub refuses comments over 65,536 characters; this leaves room for the marker and slack. */
export const DEFAULT_COMMENT_LENGTH = 60_000

const DEFAULT_TITLE = 'Datafold data diff'
const MARK: Record<Verdict, string> = { pass: '✅', fail: '❌', error: '⚠️' }
const RESULT: Record<Verdict, string> = { pass: '✅ pass', fail: '❌ fail', error: '⚠️ error' }

/** How much the report shows; the comment steps down these until it fits. */
interface Shape {
  /** Columns listed per diff: all, the first N, or none (a count only). */
  columnLimit: number
  details: boolean
  /** A line after the verdict saying what was left out; null in the full report. */
  note: string | null
}

const FULL: Shape = { columnLimit: Infinity, details: true, note: null }
const COMMENT_COLUMN_LIMIT = 10

/** The full report, for the job summary and the report file. */
export function renderReport(evaluation: Evaluation, options: ReportOptions): string {
  return renderDocument(evaluation, options, FULL, evaluation.diffs, 0)
}

/**
 * The PR comment: `header` (the hidden marker lines), then the report, at most `maxLength`
 * characters in all. When the full report is longer, the per-column detail goes first, then the
 * per-diff details, then whole table rows (failed and errored diffs are kept longest), and a line
 * says so and points to the job summary. The verdict and the table's header always stay; nothing
 * is cut inside a tag or a row. Length is `String.length` (UTF-16 units), never less than GitHub's
 * count of characters. Only a `header` longer than `maxLength` by itself can make the result longer.
 */
export function renderComment(
  evaluation: Evaluation,
  options: ReportOptions,
  header: string,
  maxLength = DEFAULT_COMMENT_LENGTH
): string {
  const prefix = header === '' ? '' : header.endsWith('\n') ? header : `${header}\n`
  const budget = maxLength - prefix.length
  const summary = jobSummary(options.runUrl)
  const shapes: Shape[] = [
    FULL,
    {
      columnLimit: COMMENT_COLUMN_LIMIT,
      details: true,
      note: `Shortened to fit a PR comment: each diff lists its ${COMMENT_COLUMN_LIMIT} most different columns only. The full report is in the ${summary}.`
    },
    {
      columnLimit: 0,
      details: true,
      note: `Shortened to fit a PR comment: the per-column detail is left out. The full report is in the ${summary}.`
    },
    {
      columnLimit: 0,
      details: false,
      note: `Shortened to fit a PR comment: the per-diff details are left out. The full report is in the ${summary}.`
    }
  ]
  for (const shape of shapes) {
    const body = renderWithin(
      documentBlocks(evaluation, options, shape, evaluation.diffs, 0),
      budget
    )
    if (body !== null) return prefix + body
  }
  return prefix + fitRows(evaluation, options, budget, summary)
}

/** Keeps as many whole table rows as fit, failed and errored diffs first, in their order. */
function fitRows(
  evaluation: Evaluation,
  options: ReportOptions,
  budget: number,
  summary: string
): string {
  const total = evaluation.diffs.length
  const shape = (kept: number): Shape => ({
    columnLimit: 0,
    details: false,
    note: `Shortened to fit a PR comment: ${plural(total - kept, 'diff is', 'diffs are')} left out of the table. The full report is in the ${summary}.`
  })
  const render = (kept: Set<DiffEvaluation>): string =>
    renderDocument(
      evaluation,
      options,
      shape(kept.size),
      evaluation.diffs.filter((d) => kept.has(d)),
      total - kept.size
    )

  const priority: Record<Verdict, number> = { error: 0, fail: 1, pass: 2 }
  const order = evaluation.diffs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => priority[a.d.verdict] - priority[b.d.verdict] || a.i - b.i)
    .map(({ d }) => d)
  const kept = new Set<DiffEvaluation>()
  // The counts in the notes change length as rows are added: keep some slack, then check.
  let length = render(kept).length + 64
  for (const d of order) {
    const rowLength = diffRow(d, options.thresholds).length + 1
    if (length + rowLength > budget) break
    kept.add(d)
    length += rowLength
  }
  let body = render(kept)
  while (body.length > budget && kept.size > 0) {
    const last = order.filter((d) => kept.has(d)).pop()
    if (last) kept.delete(last)
    body = render(kept)
  }
  return body.length <= budget ? body : cutAtLine(body, budget)
}

/** The longest run of whole lines that fits, for a budget too small even for the verdict. */
function cutAtLine(text: string, budget: number): string {
  if (budget <= 0) return ''
  const cut = text.slice(0, budget + 1)
  const end = cut.lastIndexOf('\n')
  return end < 0 ? '' : cut.slice(0, end).trimEnd()
}

function jobSummary(runUrl: string | null): string {
  return runUrl === null ? "workflow run's job summary" : link('job summary', runUrl)
}

function renderDocument(
  evaluation: Evaluation,
  options: ReportOptions,
  shape: Shape,
  rows: DiffEvaluation[],
  leftOut: number
): string {
  return joinBlocks([...documentBlocks(evaluation, options, shape, rows, leftOut)])
}

function joinBlocks(blocks: readonly string[]): string {
  return `${blocks.join('\n\n')}\n`
}

/**
 * The document as `renderDocument` writes it, or null as soon as it is known to be longer than
 * `budget`. A large report can be many times the comment's budget: this stops rendering it after
 * the first blocks that overflow instead of writing all of it only to measure it.
 */
function renderWithin(blocks: Iterable<string>, budget: number): string | null {
  const done: string[] = []
  let length = 1 // the final newline
  for (const block of blocks) {
    length += (done.length > 0 ? 2 : 0) + block.length
    if (length > budget) return null
    done.push(block)
  }
  return joinBlocks(done)
}

/** The document's blocks, rendered one at a time, so that a caller can stop early. */
function* documentBlocks(
  evaluation: Evaluation,
  options: ReportOptions,
  shape: Shape,
  rows: DiffEvaluation[],
  leftOut: number
): Generator<string, void, undefined> {
  const title = oneLine(options.title).trim()
  yield `## ${cell(title === '' ? DEFAULT_TITLE : title, 200)}`
  yield verdictLine(evaluation)
  if (shape.note !== null) yield shape.note
  if (evaluation.diffs.length === 0) {
    yield 'No diffs were given.'
  } else {
    yield [
      tableHeader(
        [
          'Diff',
          'Compared',
          'Rows A → B',
          'Added',
          'Removed',
          'Changed',
          'Schema changes',
          'PK problems',
          'Result'
        ],
        [2, 3, 4, 5, 6]
      ),
      ...rows.map((d) => diffRow(d, options.thresholds))
    ].join('\n')
  }
  if (leftOut > 0) yield leftOutLine(evaluation, rows)
  if (shape.details) {
    for (const d of evaluation.diffs) yield diffDetails(d, options.thresholds, shape)
  }
  yield footer(options)
}

function leftOutLine(evaluation: Evaluation, shown: DiffEvaluation[]): string {
  const kept = new Set(shown)
  const omitted = evaluation.diffs.filter((d) => !kept.has(d))
  const count = (verdict: Verdict) => omitted.filter((d) => d.verdict === verdict).length
  const parts = [
    [count('error'), 'could not be checked'],
    [count('fail'), 'exceed thresholds'],
    [count('pass'), 'within thresholds']
  ] as const
  const what = parts
    .filter(([n]) => n > 0)
    .map(([n, text]) => `${formatNumber(n)} ${text}`)
    .join(', ')
  return `… and ${plural(omitted.length, 'more diff')} not shown (${what}).`
}

/**
 * One line on the verdict: `❌ 2 of 3 diffs exceed thresholds`, `✅ 3 diffs within thresholds`,
 * `⚠️ 1 of 3 diffs could not be checked`, and when set thresholds could not be checked, how many.
 */
export function verdictLine(evaluation: Evaluation): string {
  const total = evaluation.diffs.length
  const errors = evaluation.diffs.filter((d) => d.verdict === 'error').length
  const fails = evaluation.diffs.filter((d) => d.verdict === 'fail').length
  const unchecked = evaluation.diffs.reduce((sum, d) => sum + d.notMeasured.length, 0)
  const diffs = total === 1 ? 'diff' : 'diffs'
  let line: string
  if (total === 0) {
    line = `${MARK[evaluation.result]} no diffs to check`
  } else if (errors > 0) {
    line = `⚠️ ${formatNumber(errors)} of ${formatNumber(total)} ${diffs} could not be checked`
    if (fails > 0)
      line += `; ${formatNumber(fails)} ${fails === 1 ? 'exceeds' : 'exceed'} thresholds`
  } else if (fails > 0) {
    line = `❌ ${formatNumber(fails)} of ${formatNumber(total)} ${diffs} ${total === 1 ? 'exceeds' : 'exceed'} thresholds`
  } else {
    line = `✅ ${formatNumber(total)} ${diffs} within thresholds`
  }
  if (unchecked > 0) {
    line += ` (${plural(unchecked, 'threshold')} not checked: Datafold did not measure ${unchecked === 1 ? 'its metric' : 'their metrics'})`
  }
  return line
}

/**
 * One plain-text line for the failure message and annotations:
 * `diff 123 (analytics.orders): rows-changed 250 (2.50%) > max 1%`,
 * `diff 123 (analytics.orders): column-match amount 97.25% < min 99.5%`,
 * `diff 123 (analytics.orders): schema-changes 3 > max 0`. The name is dataset A's (the
 * production table reviewers know), else B's, and left out when Datafold did not tell it.
 */
export function describeBreach(breach: Breach, diff: DiffResult): string {
  const dataset = diff.target.datasetA ?? diff.target.datasetB
  const name = dataset === null ? '' : ` (${plainName(dataset)})`
  let what: string
  if (breach.metric === 'column-match') {
    const column = breach.column === undefined ? '' : ` ${plainName(breach.column)}`
    const match =
      breach.percent === null ? formatNumber(breach.value) : formatPercent(breach.percent)
    what = `column-match${column} ${match} < ${oneLine(breach.limit)}`
  } else {
    what = `${breach.metric} ${formatMeasure(breach.value, breach.percent)} > max ${oneLine(breach.limit)}`
  }
  return `diff ${diff.id}${name}: ${what}`
}

function plainName(name: string): string {
  return truncate(oneLine(name).trim(), 200)
}

// ── The table ──────────────────────────────────────────────────────────────────────────────────

function diffRow(evaluation: DiffEvaluation, thresholds: Thresholds): string {
  const { diff } = evaluation
  const cells = [link(String(diff.id), diff.url), compared(diff)]
  if (diff.status === 'error') {
    // The row already names the diff; the whole reason is in its details below.
    const reason = diff.reason.replace(new RegExp(`^diff ${String(diff.id)}:? `), '')
    cells.push('—', '—', '—', '—', '—', '—', `${RESULT.error}<br>${cell(reason, 80)}`)
  } else {
    cells.push(
      rowsCell(diff),
      metricCell(evaluation, thresholds, 'rows-added'),
      metricCell(evaluation, thresholds, 'rows-removed'),
      changedCell(evaluation, thresholds),
      metricCell(evaluation, thresholds, 'schema-changes'),
      pkCell(evaluation, thresholds),
      RESULT[evaluation.verdict]
    )
  }
  return tableRow(cells)
}

/** `analytics.prod.orders → analytics.pr.orders`, `(cross-db)` for a cross-database diff. */
function compared(diff: DiffResult, max = 120): string {
  const { datasetA, datasetB, kind } = diff.target
  const text =
    datasetA === null && datasetB === null
      ? `diff ${diff.id}`
      : `${cell(datasetA ?? 'unknown', max)} → ${cell(datasetB ?? 'unknown', max)}`
  return kind === 'cross_db' ? `${text} (cross-db)` : text
}

function rowsCell(diff: FinishedDiff): string {
  if (diff.rowsA === null && diff.rowsB === null) return 'not measured'
  const rows = (n: number | null) => (n === null ? '?' : formatNumber(n))
  return `${rows(diff.rowsA)} → ${rows(diff.rowsB)}`
}

/** `250 (2.50%)`, `250 (2.50%) ❌ > 1%`, `not measured`, `not measured ⚠️ max 1% not checked`. */
function metricCell(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  metric: MetricName
): string {
  if (evaluation.diff.status === 'error') return '—'
  const measure = evaluation.diff.metrics[metric]
  if (measure === null) {
    if (!evaluation.notMeasured.includes(metric)) return 'not measured'
    const limit = thresholds.max[metric]
    const threshold = limit ? `max ${escapeMarkdown(formatLimit(limit))}` : 'threshold'
    return `not measured ⚠️ ${threshold} not checked`
  }
  const text = formatMeasure(measure.value, measure.percent)
  const breach = evaluation.breaches.find((b) => b.metric === metric)
  return breach ? `${text} ❌ > ${escapeMarkdown(oneLine(breach.limit))}` : text
}

/** Needs showing in a shared cell: breached, or set but not measured. */
function flagged(evaluation: DiffEvaluation, metric: MetricName): boolean {
  return (
    evaluation.breaches.some((b) => b.metric === metric) || evaluation.notMeasured.includes(metric)
  )
}

/** Rows changed; values and columns changed too when they breach or could not be checked. */
function changedCell(evaluation: DiffEvaluation, thresholds: Thresholds): string {
  const lines = [metricCell(evaluation, thresholds, 'rows-changed')]
  if (flagged(evaluation, 'values-changed')) {
    lines.push(`values: ${metricCell(evaluation, thresholds, 'values-changed')}`)
  }
  if (flagged(evaluation, 'columns-changed')) {
    lines.push(`columns: ${metricCell(evaluation, thresholds, 'columns-changed')}`)
  }
  return lines.join('<br>')
}

/** `none`, or null and duplicate primary keys each with their share. */
function pkCell(evaluation: DiffEvaluation, thresholds: Thresholds): string {
  if (evaluation.diff.status === 'error') return '—'
  const { metrics } = evaluation.diff
  const nulls = metrics['null-pks']
  const dupes = metrics['duplicate-pks']
  const flags = flagged(evaluation, 'null-pks') || flagged(evaluation, 'duplicate-pks')
  if (!flags && nulls === null && dupes === null) return 'not measured'
  if (!flags && nulls?.value === 0 && dupes?.value === 0) return 'none'
  return [
    `null: ${metricCell(evaluation, thresholds, 'null-pks')}`,
    `duplicate: ${metricCell(evaluation, thresholds, 'duplicate-pks')}`
  ].join('<br>')
}

// ── Per-diff details ───────────────────────────────────────────────────────────────────────────

function diffDetails(evaluation: DiffEvaluation, thresholds: Thresholds, shape: Shape): string {
  const { diff } = evaluation
  const { datasetA, datasetB } = diff.target
  const what = datasetA === null && datasetB === null ? '' : `: ${compared(diff, 200)}`
  const summary = `${MARK[evaluation.verdict]} diff ${diff.id}${what}`
  const parts: string[] = []
  if (diff.status === 'error') {
    parts.push(`**Error:** ${cell(diff.reason, 2000)}`)
  } else {
    parts.push(metricsLine(evaluation, thresholds))
    const unchecked = uncheckedLine(evaluation, thresholds)
    if (unchecked) parts.push(unchecked)
    parts.push(columnsSection(evaluation, shape))
    parts.push(schemaSection(diff, shape))
  }
  if (diff.warnings.length > 0) {
    parts.push(['**Warnings**', '', ...diff.warnings.map((w) => `- ${cell(w, 1000)}`)].join('\n'))
  }
  return details(summary, parts.join('\n\n'))
}

function metricsLine(evaluation: DiffEvaluation, thresholds: Thresholds): string {
  return [
    `Rows changed: ${metricCell(evaluation, thresholds, 'rows-changed')}`,
    `values changed: ${metricCell(evaluation, thresholds, 'values-changed')}`,
    `columns changed: ${metricCell(evaluation, thresholds, 'columns-changed')}`
  ].join(' · ')
}

function uncheckedLine(evaluation: DiffEvaluation, thresholds: Thresholds): string | null {
  if (evaluation.notMeasured.length === 0) return null
  const which = evaluation.notMeasured.map((metric) => {
    const limit = thresholds.max[metric]
    return limit ? `${metric} (max ${escapeMarkdown(formatLimit(limit))})` : metric
  })
  return `⚠️ Not checked: Datafold did not measure ${which.join(', ')} for this diff, so ${
    which.length === 1 ? 'its threshold' : 'their thresholds'
  } could not be checked.`
}

/** Columns with any difference, lowest match first, then most values different, then by name. */
export function differingColumns(columns: readonly ColumnStat[]): ColumnStat[] {
  const different = (c: ColumnStat) => c.estimate?.estimate ?? c.valuesDifferent
  return columns
    .filter((c) => c.match < 100 || c.valuesDifferent > 0 || (c.estimate?.estimate ?? 0) > 0)
    .sort(
      (a, b) =>
        a.match - b.match ||
        different(b) - different(a) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    )
}

function columnsSection(evaluation: DiffEvaluation, shape: Shape): string {
  const diff = evaluation.diff as FinishedDiff
  if (diff.metrics['rows-changed'] === null && diff.columns.length === 0) {
    return 'Values: not measured (Datafold did not compare values for this diff).'
  }
  const ignored = new Set(evaluation.ignoredColumns)
  // Looked up once per diff: a find per row is quadratic, minutes for 100,000 breached columns.
  const matchBreaches = new Map<string, Breach>()
  for (const breach of evaluation.breaches) {
    if (breach.metric === 'column-match' && breach.column !== undefined) {
      if (!matchBreaches.has(breach.column)) matchBreaches.set(breach.column, breach)
    }
  }
  const differing = differingColumns(diff.columns)
  const lines: string[] = []
  if (differing.length === 0) {
    lines.push(
      `**Columns:** no column differs (${plural(diff.columns.length, 'column')} compared).`
    )
  } else {
    lines.push(
      `**Columns that differ:** ${formatNumber(differing.length)} of ${plural(diff.columns.length, 'column')} compared, most different first.`
    )
    const shown = differing.slice(0, shape.columnLimit)
    if (shown.length > 0) {
      lines.push(
        [
          tableHeader(['Column', 'Match', 'Values different'], [1]),
          ...shown.map((c) => columnRow(c, matchBreaches.get(c.name), ignored.has(c.name)))
        ].join('\n')
      )
    }
    const rest = differing.length - shown.length
    if (rest > 0) {
      lines.push(
        shown.length > 0
          ? `… and ${plural(rest, 'more column')}: the full list is in the job summary.`
          : 'The list of columns is in the job summary.'
      )
    }
  }
  if (ignored.size > 0) {
    lines.push(
      `**Ignored** (\`ignore-columns\`, not checked): ${nameList(evaluation.ignoredColumns, shape.columnLimit)}`
    )
  }
  return lines.join('\n\n')
}

function columnRow(column: ColumnStat, breach: Breach | undefined, ignored: boolean): string {
  let match = formatPercent(column.match)
  if (breach) match += ` ❌ < ${escapeMarkdown(oneLine(breach.limit).replace(/^min /, ''))}`
  const name = ignored ? `${cell(column.name)} (ignored)` : cell(column.name)
  return tableRow([name, match, valuesDifferent(column)])
}

/** `275`, or for a sampled column `12 in the sample, ≈ 1,200 (1,050–1,380, 95% confidence)`. */
function valuesDifferent(column: ColumnStat): string {
  const { estimate } = column
  if (estimate === null) return formatNumber(column.valuesDifferent)
  const confidence = `${formatNumber(estimate.confidence * 100)}% confidence`
  return `${formatNumber(column.valuesDifferent)} in the sample, ≈ ${formatInteger(estimate.estimate)} (${formatInteger(estimate.min)}–${formatInteger(estimate.max)}, ${confidence})`
}

function schemaSection(diff: FinishedDiff, shape: Shape): string {
  if (diff.schema === null) {
    return diff.target.kind === 'cross_db'
      ? '**Schema:** not compared (a cross-database diff).'
      : '**Schema:** not measured.'
  }
  const schema: SchemaChanges = diff.schema
  const kinds = [
    ['Removed (only in A)', schema.columnsOnlyInA],
    ['Added (only in B)', schema.columnsOnlyInB],
    ['Type changed', schema.typeChanged]
  ] as const
  const changes = kinds.filter(([, names]) => names.length > 0)
  const extraMismatches = schema.typeMismatches - schema.typeChanged.length
  if (changes.length === 0 && extraMismatches <= 0) return '**Schema:** no changes.'
  const lines = ['**Schema changes**', '']
  for (const [label, names] of changes) {
    lines.push(
      shape.columnLimit === 0
        ? `- ${label}: ${plural(names.length, 'column')}`
        : `- ${label}: ${nameList(names, shape.columnLimit)}`
    )
  }
  if (extraMismatches > 0) {
    lines.push(`- Type mismatches not named by Datafold: ${formatNumber(extraMismatches)}`)
  }
  return lines.join('\n')
}

/** `a, b, c`, escaped; past `limit` names, `and N more`; with a limit of 0, just the count. */
function nameList(names: readonly string[], limit: number): string {
  if (limit <= 0) return plural(names.length, 'column')
  const shown = names.slice(0, limit)
  const rest = names.length - shown.length
  const list = shown.map((n) => cell(n)).join(', ')
  return rest > 0 ? `${list} and ${formatNumber(rest)} more` : list
}

// ── Footer ─────────────────────────────────────────────────────────────────────────────────────

function footer(options: ReportOptions): string {
  const { thresholds } = options
  const limits: string[] = METRICS.flatMap((metric) => {
    const limit = thresholds.max[metric]
    return limit ? [`${metric} ≤ ${escapeMarkdown(formatLimit(limit))}`] : []
  })
  if (thresholds.minColumnMatch !== null) {
    limits.push(`column match ≥ ${escapeMarkdown(`${formatNumber(thresholds.minColumnMatch)}%`)}`)
  }
  const lines = [
    '---',
    limits.length > 0 ? `**Thresholds:** ${limits.join(' · ')}` : '**Thresholds:** none set.'
  ]
  if (thresholds.ignoreColumns.length > 0) {
    lines.push(`**Ignored columns:** ${nameList(thresholds.ignoreColumns, 50)}`)
  }
  if (options.runUrl !== null) lines.push(link('Workflow run', options.runUrl))
  return lines.join('\n\n')
}
