// The report: a markdown document for the job summary and the report file, and, shortened to fit
// their budgets, the PR comment and the job summary. It reads as a reviewer reads: the verdict as
// its heading, which commit and when, what changed since the last report, the problems' rows, the
// tables within their limits folded when there are more than a few, then each problem's details
// (why first), and the step's limits. Pure: no I/O, no clock, no @actions imports; anything like
// the run's URL is passed in.
import type { ReportFigures } from '../comment-state.js'
import { formatNumber, plural } from '../format.js'
import { oneLine } from '../text.js'
import type { Thresholds } from '../limits.js'
import type { DiffEvaluation, Evaluation } from '../thresholds.js'
import { whatChanged } from './changes.js'
import { dbtSection, notComparedCount, type DbtReport } from './dbt.js'
import { problemDetails, withinDetails, type DetailShape } from './details.js'
import { footer } from './footer.js'
import {
  headline,
  MARK,
  outcomeOf,
  OUTCOME_ORDER,
  tally,
  type Outcome,
  type Tally
} from './headline.js'
import { cell, details, escapeMarkdown, link } from './markdown.js'
import { diffTable, sharedLine, shownColumns, type TableOptions } from './table.js'

export interface ReportOptions {
  /** Names the report, as the user wrote it: said under the verdict. */
  title: string
  /** The step's limits: the footer lists them, a table's own are shown where they differ. */
  thresholds: Thresholds
  /** The workflow run, built by the caller from GITHUB_SERVER_URL; null when unknown. */
  runUrl: string | null
  /** The commit judged and when the run started (ISO 8601); null when unknown. */
  commit?: { sha: string; at: string } | null
  /** `https://github.com/owner/repo`, for links to commits; null when unknown. */
  repositoryUrl?: string | null
  /** What the last report on the PR found, for its commit: the report says what changed. */
  previous?: { sha: string; report: ReportFigures } | null
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

/** The columns a problem lists when the report is shortened. */
const COLUMN_LIMIT = 10

/** How much the report shows; a shortened report steps down these until it fits. */
interface Shape {
  /** The details of the tables within their limits. */
  within: boolean
  /** The problems' details: their columns, and the rest after why. */
  problems: DetailShape
  /** A line after the heading saying what was left out; null in the full report. */
  note: string | null
}

/** The most tables within their limits shown beside problems before they are folded; with no
 * problem, the most shown before they are. */
const FEW_BESIDE_PROBLEMS = 3
const MOST_UNFOLDED = 20

/** The counts the heading says, and the unchecked-count output is. */
export function reportTally(evaluation: Evaluation, dbt?: DbtReport): Tally {
  const models =
    dbt !== undefined && evaluation.diffs.every((d) => d.requested?.from === 'dbt model')
  return tally(evaluation, notComparedCount(dbt), models ? 'model' : 'table')
}

/** The full report, for the job summary and the report file. */
export function renderReport(evaluation: Evaluation, options: ReportOptions): string {
  const full: Shape = {
    within: true,
    problems: { columnLimit: Infinity, rest: true, fullReport: '' },
    note: null
  }
  return renderDocument(evaluation, options, full, null)
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
 * characters in all. When the full report is longer, the details of the tables within their
 * limits go first, then the problems' per-column detail, then all but why of each problem, then
 * whole table rows (problems kept longest), and a line says so and points to the full report. The
 * heading, the table's header, the errors' reasons and why each problem is one always stay as
 * long as there is room; nothing is cut inside a tag or a row. Length is `String.length` (UTF-16 units), never less than GitHub's
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
  const problems = (columnLimit: number, rest = true): DetailShape => ({
    columnLimit,
    rest,
    fullReport: place.words
  })
  // Each step leaves out more, and its note says all that is left out.
  const anyWithin = evaluation.diffs.some((d) => outcomeOf(d) === 'within')
  const within = anyWithin ? ['the details of the tables within their limits are left out'] : []
  const cut = (...what: string[]) => note(inWords([...within, ...what]))
  const shapes: Shape[] = [
    { within: true, problems: problems(Infinity), note: null },
    ...(anyWithin ? [{ within: false, problems: problems(Infinity), note: cut() }] : []),
    {
      within: false,
      problems: problems(COLUMN_LIMIT),
      note: cut(`each problem lists its ${COLUMN_LIMIT} most different columns only`)
    },
    { within: false, problems: problems(0), note: cut('the per-column detail is left out') },
    {
      within: false,
      problems: problems(0, false),
      note: cut("each problem's details say why only")
    }
  ]
  for (const shape of shapes) {
    const body = renderWithin(
      documentBlocks(evaluation, options, shape, null),
      budget,
      target.measure
    )
    if (body !== null) return body
  }
  const rowsNote = (left: number) =>
    cut(
      "each problem's details say why only",
      `${plural(left, 'table is', 'tables are')} left out of the table`
    )
  return fitRows(evaluation, options, budget, target, rowsNote, problems(0, false))
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

/** Keeps as many whole table rows as fit, problems first (over their limits, then could not be
 * checked, then not fully checked), each with why. */
function fitRows(
  evaluation: Evaluation,
  options: ReportOptions,
  budget: number,
  target: Target,
  note: (leftOut: number) => string,
  problems: DetailShape
): string {
  const order = ordered(evaluation.diffs)
  const first = (count: number) => {
    const shape: Shape = { within: false, problems, note: note(order.length - count) }
    return renderDocument(evaluation, options, shape, new Set(order.slice(0, count)))
  }
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

/** The diffs problems first, by outcome, each outcome in the order given. */
function ordered(diffs: readonly DiffEvaluation[]): DiffEvaluation[] {
  const rank = (d: DiffEvaluation) => OUTCOME_ORDER.indexOf(outcomeOf(d))
  return diffs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d)
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

/** `kept`: the rows shown (null: all); the others are counted in a line under the table. */
function renderDocument(
  evaluation: Evaluation,
  options: ReportOptions,
  shape: Shape,
  kept: ReadonlySet<DiffEvaluation> | null
): string {
  return joinBlocks([...documentBlocks(evaluation, options, shape, kept)])
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
  kept: ReadonlySet<DiffEvaluation> | null
): Generator<string, void, undefined> {
  const counts = reportTally(evaluation, options.dbt)
  yield `### ${headline(counts)}`
  yield aboutLine(options)
  if (shape.note !== null) yield shape.note
  if (options.forgotten) {
    yield `${plural(options.forgotten, 'created diff')} could not be remembered for re-runs: the comment has no room left, so a re-run of this commit creates ${options.forgotten === 1 ? 'it' : 'them'} again.`
  }
  const changes = changesSection(evaluation, options)
  if (changes !== null) yield changes
  const all = ordered(evaluation.diffs)
  const shown = kept === null ? all : all.filter((d) => kept.has(d))
  const problems = shown.filter((d) => outcomeOf(d) !== 'within')
  const within = shown.filter((d) => outcomeOf(d) === 'within')
  if (all.length === 0) {
    // In dbt mode, what changed and what was not compared is said by the dbt section.
    if (!options.dbt) yield 'No diffs were given.'
  } else {
    const noun = counts.noun === 'model' ? 'Model' : 'Table'
    const shared = sharedLine(evaluation.diffs)
    const table: TableOptions = {
      step: options.thresholds,
      columns: shownColumns(evaluation.diffs, options.thresholds),
      shared,
      noun
    }
    const folded = within.length > (problems.length > 0 ? FEW_BESIDE_PROBLEMS : MOST_UNFOLDED)
    const inline = folded ? problems : [...problems, ...within]
    if (inline.length > 0) yield diffTable(inline, table)
    if (folded) {
      const more = problems.length > 0 ? ' more' : ''
      const their = within.length === 1 ? 'its' : 'their'
      yield details(
        `${MARK.within} ${formatNumber(within.length)}${more} within ${their} limits`,
        diffTable(within, table)
      )
    }
    if (shown.length < all.length) yield leftOutLine(all, shown, counts.noun)
  }
  if (options.dbt) yield dbtSection(options.dbt, shape.within)
  for (const d of problems) yield problemDetails(d, options.thresholds, shape.problems)
  if (shape.within) {
    const section = withinDetails(within, shape.problems, counts.noun)
    if (section !== null) yield section
  }
  const ownLimits = evaluation.diffs.some(
    (d) => Object.keys(d.thresholds?.sources ?? {}).length > 0
  )
  yield footer(options.thresholds, ownLimits)
}

/** `**Datafold data diff** · commit [a1b2c3d](…) · 2026-11-24 14:02 UTC · [workflow run](…)`. */
function aboutLine(options: ReportOptions): string {
  const title = oneLine(options.title).trim()
  const parts = [`**${cell(title === '' ? DEFAULT_TITLE : title, 200)}**`]
  const { commit } = options
  if (commit) {
    parts.push(`commit ${commitLink(commit.sha, options.repositoryUrl ?? null)}`)
    const at = ranAt(commit.at)
    if (at !== null) parts.push(at)
  }
  if (options.runUrl !== null) parts.push(link('workflow run', options.runUrl))
  return parts.join(' · ')
}

/** A commit's short SHA, linked to it: `[a1b2c3d](https://github.com/o/r/commit/a1b2c3d…)`. */
function commitLink(sha: string, repositoryUrl: string | null): string {
  const short = `<code>${escapeMarkdown(sha.slice(0, 7))}</code>`
  return repositoryUrl === null
    ? short
    : `[${short}](${repositoryUrl}/commit/${encodeURIComponent(sha)})`
}

/** `2026-11-24 14:02 UTC`; null when not a time. */
function ranAt(iso: string): string | null {
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return null
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function changesSection(evaluation: Evaluation, options: ReportOptions): string | null {
  const { previous, commit } = options
  if (!previous) return null
  const sameCommit = commit?.sha === previous.sha
  return whatChanged(previous, evaluation, sameCommit, (sha) =>
    commitLink(sha, options.repositoryUrl ?? null)
  )
}

function leftOutLine(
  all: readonly DiffEvaluation[],
  shown: readonly DiffEvaluation[],
  noun: Tally['noun']
): string {
  const kept = new Set(shown)
  const omitted = all.filter((d) => !kept.has(d))
  const words: Record<Outcome, string> = {
    over: 'over their limits',
    error: 'could not be checked',
    unmeasured: 'not fully checked',
    within: 'within their limits'
  }
  const what = OUTCOME_ORDER.map(
    (o) => [omitted.filter((d) => outcomeOf(d) === o).length, words[o]] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, text]) => `${formatNumber(n)} ${text}`)
    .join(', ')
  return `… and ${plural(omitted.length, `more ${noun}`)} not shown (${what}).`
}

/** `a`, `a and b`, `a, b and c`. */
function inWords(parts: readonly string[]): string {
  const last = parts.at(-1) ?? ''
  return parts.length <= 1 ? last : `${parts.slice(0, -1).join(', ')} and ${last}`
}
