// The report: a markdown document for the job summary and, shortened to fit its budget, the PR
// comment. Pure: no I/O, no clock, no @actions imports; anything like the run's URL is passed in.
import { formatNumber, plural } from '../format.js'
import { oneLine } from '../text.js'
import type { DiffEvaluation, Evaluation, Thresholds, Verdict } from '../thresholds.js'
import { MARK } from './cells.js'
import { diffDetails } from './details.js'
import { footer } from './footer.js'
import { cell, link } from './markdown.js'
import { diffRow, diffTable } from './table.js'

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
    yield diffTable(rows, options.thresholds)
  }
  if (leftOut > 0) yield leftOutLine(evaluation, rows)
  if (shape.details) {
    for (const d of evaluation.diffs) yield diffDetails(d, options.thresholds, shape.columnLimit)
  }
  yield footer(options.thresholds, options.runUrl)
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
