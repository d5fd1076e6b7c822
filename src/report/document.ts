// The report: a markdown document for the job summary and the report file, and, shortened to fit
// their budgets, the PR comment and the job summary. Pure: no I/O, no clock, no @actions imports;
// anything like the run's URL is passed in.
import { formatNumber, plural } from '../format.js'
import { oneLine } from '../text.js'
import type { Thresholds } from '../limits.js'
import type { DiffEvaluation, Evaluation, Verdict } from '../thresholds.js'
import { MARK } from './cells.js'
import { dbtSection, type DbtReport } from './dbt.js'
import { diffDetails } from './details.js'
import { footer } from './footer.js'
import { cell, escapeMarkdown, link } from './markdown.js'
import { diffTable } from './table.js'

export interface ReportOptions {
  /** The report's heading, as the user wrote it. */
  title: string
  /** The footer lists the thresholds in force and the ignored columns. */
  thresholds: Thresholds
  /** The workflow run, built by the caller from GITHUB_SERVER_URL; null when unknown. */
  runUrl: string | null
  /**
   * Where a shortened report points for the full one: the job summary (the default), or the
   * report file when no job summary was written or it had to be shortened too (null: that file
   * could not be written either).
   */
  fullReport?: { jobSummary: true } | { file: string | null }
  /** Created diffs the comment had no room to remember: a re-run creates them again. */
  forgotten?: number
  /** dbt mode's models: compared, and changed but not compared. */
  dbt?: DbtReport
}

/** GitHub refuses comments over 65,536 characters; this leaves room for the marker and slack. */
export const DEFAULT_COMMENT_LENGTH = 60_000

/** GitHub refuses a step's job summary over 1 MiB; this leaves room for slack. */
const DEFAULT_SUMMARY_BYTES = 1024 * 1024 - 4 * 1024

const DEFAULT_TITLE = 'Datafold data diff'

/** How much the report shows; a shortened report steps down these until it fits. */
interface Shape {
  /** Columns listed per diff: all, the first N, or none (a count only). */
  columnLimit: number
  details: boolean
  /** A line after the verdict saying what was left out; null in the full report. */
  note: string | null
  /** Where the full report is, for the details' "the full list is in …". */
  fullReport: string
}

const COLUMN_LIMIT = 10

/** The full report, for the job summary and the report file. */
export function renderReport(evaluation: Evaluation, options: ReportOptions): string {
  const full: Shape = { columnLimit: Infinity, details: true, note: null, fullReport: '' }
  return renderDocument(evaluation, options, full, evaluation.diffs, 0)
}

/** What a shortened report is fitted into: a PR comment in characters, a summary in bytes. */
interface Target {
  /** `a PR comment` */
  what: string
  measure: (text: string) => number
}

const COMMENT: Target = { what: 'a PR comment', measure: (text) => text.length }
const SUMMARY: Target = {
  what: 'the job summary (GitHub takes at most 1 MiB)',
  measure: (text) => Buffer.byteLength(text, 'utf8')
}

/**
 * The PR comment: `header` (the hidden marker lines), then the report, at most `maxLength`
 * characters in all. When the full report is longer, the per-column detail goes first, then the
 * per-diff details, then whole table rows (failed and errored diffs are kept longest), and a line
 * says so and points to the full report. The verdict and the table's header always stay; nothing
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
  return prefix + fitReport(evaluation, options, COMMENT, maxLength - prefix.length)
}

/**
 * The job summary: `report` (renderReport's) when it is at most `maxBytes` (UTF-8), else the
 * report shortened the way the comment is, saying so and pointing to `options.fullReport`.
 */
export function renderJobSummary(
  evaluation: Evaluation,
  options: ReportOptions,
  report: string,
  maxBytes = DEFAULT_SUMMARY_BYTES
): string {
  if (SUMMARY.measure(report) <= maxBytes) return report
  return fitReport(evaluation, options, SUMMARY, maxBytes)
}

function fitReport(
  evaluation: Evaluation,
  options: ReportOptions,
  target: Target,
  budget: number
): string {
  const place = fullReportPlace(options)
  const note = (what: string) =>
    `Shortened to fit ${target.what}: ${what}. The full report is in the ${place.link}.`
  const shapes: Shape[] = [
    { columnLimit: Infinity, details: true, note: null, fullReport: place.words },
    {
      columnLimit: COLUMN_LIMIT,
      details: true,
      note: note(`each diff lists its ${COLUMN_LIMIT} most different columns only`),
      fullReport: place.words
    },
    {
      columnLimit: 0,
      details: true,
      note: note('the per-column detail is left out'),
      fullReport: place.words
    },
    {
      columnLimit: 0,
      details: false,
      note: note('the per-diff details are left out'),
      fullReport: place.words
    }
  ]
  for (const shape of shapes) {
    const blocks = documentBlocks(evaluation, options, shape, evaluation.diffs, 0)
    const body = renderWithin(blocks, budget, target.measure)
    if (body !== null) return body
  }
  const rowsNote = (left: number) =>
    note(`${plural(left, 'diff is', 'diffs are')} left out of the table`)
  return fitRows(evaluation, options, budget, target, rowsNote, place.words)
}

/** `{ link: '[job summary](url)', words: 'job summary' }`, or the report file's path. */
function fullReportPlace(options: ReportOptions): { link: string; words: string } {
  if (options.fullReport && 'file' in options.fullReport) {
    // No summary holds it and the file could not be written: say so rather than point nowhere.
    if (options.fullReport.file === null) {
      return {
        link: "full report, which this run could not keep (see the step's warnings)",
        words: 'full report, which this run could not keep'
      }
    }
    const file = `report file (${escapeMarkdown(options.fullReport.file)}, the step's report-path output)`
    return { link: file, words: 'report file' }
  }
  const summary =
    options.runUrl === null ? "workflow run's job summary" : link('job summary', options.runUrl)
  return { link: summary, words: 'job summary' }
}

/** Keeps as many whole table rows as fit, failed and errored diffs first, in their order. */
function fitRows(
  evaluation: Evaluation,
  options: ReportOptions,
  budget: number,
  target: Target,
  note: (leftOut: number) => string,
  fullReport: string
): string {
  const total = evaluation.diffs.length
  const render = (kept: Set<DiffEvaluation>): string => {
    const shape = { columnLimit: 0, details: false, note: note(total - kept.size), fullReport }
    const rows = evaluation.diffs.filter((d) => kept.has(d))
    return renderDocument(evaluation, options, shape, rows, total - kept.size)
  }

  const priority: Record<Verdict, number> = { error: 0, fail: 1, pass: 2 }
  const order = evaluation.diffs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => priority[a.d.verdict] - priority[b.d.verdict] || a.i - b.i)
    .map(({ d }) => d)
  const first = (count: number) => render(new Set(order.slice(0, count)))
  // The most rows that fit, by halving: a few renders, however many diffs.
  let fits = 0
  let tooMany = order.length + 1
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2)
    if (target.measure(first(middle)) <= budget) fits = middle
    else tooMany = middle
  }
  const body = first(fits)
  return target.measure(body) <= budget ? body : cutAtLine(body, budget, target.measure)
}

/** The longest run of whole lines that fits, for a budget too small even for the verdict. */
function cutAtLine(text: string, budget: number, measure: (text: string) => number): string {
  const lines = text.split('\n')
  let length = -1
  let kept = 0
  for (const line of lines) {
    length += measure(line) + 1
    if (length > budget) break
    kept += 1
  }
  return lines.slice(0, kept).join('\n').trimEnd()
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
 * `budget`. A large report can be many times the budget: this stops rendering it after the first
 * blocks that overflow instead of writing all of it only to measure it.
 */
function renderWithin(
  blocks: Iterable<string>,
  budget: number,
  measure: (text: string) => number
): string | null {
  const done: string[] = []
  let length = 1 // the final newline
  for (const block of blocks) {
    length += (done.length > 0 ? 2 : 0) + measure(block)
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
  if (options.forgotten) {
    yield `${plural(options.forgotten, 'created diff')} could not be remembered for re-runs: the comment has no room left, so a re-run of this commit creates ${options.forgotten === 1 ? 'it' : 'them'} again.`
  }
  if (evaluation.diffs.length > 0) yield diffTable(rows, options.thresholds)
  // In dbt mode, "nothing changed" is said by the dbt section.
  else if (!options.dbt) yield 'No diffs were given.'
  if (leftOut > 0) yield leftOutLine(evaluation, rows)
  if (options.dbt) yield dbtSection(options.dbt, shape.details)
  if (shape.details) {
    for (const d of evaluation.diffs) {
      yield diffDetails(d, options.thresholds, shape.columnLimit, shape.fullReport)
    }
  }
  const ownLimits = evaluation.diffs.some((d) => d.thresholds?.sources !== undefined)
  yield footer(options.thresholds, options.runUrl, ownLimits)
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
