// Publishing the report: the report file, the job summary and the PR comment (with what it carries
// for the next run). The file and the summary may fail on their own (a read-only RUNNER_TEMP, an
// old GitHub Enterprise Server) without costing the others, the outputs or the verdict; so may the
// comment when the token may not write it. A comment GitHub refuses for what it holds is a failure
// of publishing: the log, the job summary, the outputs and the verdict name it.
import {
  commentMarker,
  stampLine,
  stateLine,
  type CarriedState,
  type RunStamp
} from './comment-state.js'
import type { CommentMode } from './github/comment-modes.js'
import { authorOfToken, upsertComment } from './github/comment.js'
import { CommentPermissionError, statusOf } from './github/errors.js'
import type { GitHubClient } from './github/octokit.js'
import type { ReportThread } from './github/thread.js'
import type { Redact } from './redact.js'
import {
  DEFAULT_COMMENT_LENGTH,
  renderComment,
  renderJobSummary,
  renderReport,
  type ReportOptions
} from './report/document.js'
import { reasonOf } from './text.js'
import type { Evaluation } from './thresholds.js'

/** What publishing takes from the runner: the log, the files, GitHub. */
export interface PublishIO {
  info(message: string): void
  warning(message: string): void
  appendSummary(markdown: string): Promise<void>
  writeReport(fileName: string, markdown: string): Promise<string>
  /** The step's id in its job (GITHUB_ACTION), so that two steps never share a report file. */
  step?: string
}

export interface PublishOptions {
  commentMode: CommentMode
  commentKey: string
  jobSummary: boolean
  token: string
  thread: ReportThread
  github: () => Promise<GitHubClient>
  stamp: RunStamp
  /** What the next run for this PR needs; null when nothing is to be carried. */
  carry: CarriedState | null
  /** The comment is scrubbed of every secret as a whole, once rendered. */
  redact: Redact
}

export interface Published {
  /** Null when the report file could not be written. */
  reportPath: string | null
  /** Null when no comment was written. */
  comment: { id: number; url: string } | null
  /** Why GitHub refused the comment for what it holds; null when it did not. */
  commentRefused: string | null
}

/** The most a state line may take of the comment: the report keeps the rest, at least 15,000. */
const STATE_BUDGET = 45_000

/** The full report to its file, the job summary, then the PR comment, which points to the full
 * report wherever it was written. */
export async function publishReport(
  evaluation: Evaluation,
  reportOptions: ReportOptions,
  options: PublishOptions,
  io: PublishIO
): Promise<Published> {
  const report = renderReport(evaluation, reportOptions)
  const reportPath = await writeReportFile(reportFileName(io.step, options.commentKey), report, io)
  // The summary first: the comment points to it only when it holds the full report.
  const summaryIsFull =
    options.jobSummary &&
    (await writeJobSummary(
      report,
      renderJobSummary(evaluation, { ...reportOptions, fullReport: { file: reportPath } }, report),
      io
    ))
  const fullReport = summaryIsFull ? { jobSummary: true as const } : { file: reportPath }
  const comment = await publishComment(evaluation, { ...reportOptions, fullReport }, options, io)
  if (comment.refused !== null && options.jobSummary) {
    await appendSummary(`\n> [!CAUTION]\n> ${comment.refused}\n`, io)
  }
  return { reportPath, comment: comment.posted, commentRefused: comment.refused }
}

/** `datafold-diff-gate-{step}-{comment-key}.md`: one file per step, however many share a job. */
function reportFileName(step: string | undefined, commentKey: string): string {
  const parts = ['datafold-diff-gate', step ?? '', commentKey].filter((part) => part !== '')
  return `${parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_')).join('-')}.md`
}

/** The report file's path, or null when it cannot be written (RUNNER_TEMP missing or read-only):
 * the comment, summary, outputs and verdict matter more than the file. */
async function writeReportFile(
  fileName: string,
  report: string,
  io: PublishIO
): Promise<string | null> {
  try {
    return await io.writeReport(fileName, report)
  } catch (error) {
    io.warning(
      `Could not write the report file ${fileName}: ${reasonOf(error)}; report-path is empty`
    )
    return null
  }
}

/**
 * The job summary, if the runner takes one: GitHub Enterprise Server before 3.6 has none, and
 * losing the summary must not cost the outputs or the verdict that follow it. True when the
 * summary written is the full report.
 */
async function writeJobSummary(report: string, summary: string, io: PublishIO): Promise<boolean> {
  if (!(await appendSummary(summary, io))) return false
  if (summary === report) return true
  io.warning(
    "The job summary was shortened to fit GitHub's 1 MiB limit; the report file has it all"
  )
  return false
}

/** False, with a warning, when the runner takes no job summary. */
async function appendSummary(markdown: string, io: PublishIO): Promise<boolean> {
  try {
    await io.appendSummary(markdown)
    return true
  } catch (error) {
    io.warning(`Could not write the job summary: ${reasonOf(error)}`)
    return false
  }
}

async function publishComment(
  evaluation: Evaluation,
  reportOptions: ReportOptions,
  options: PublishOptions,
  io: PublishIO
): Promise<{ posted: Published['comment']; refused: string | null }> {
  const none = { posted: null, refused: null }
  const { place } = options.thread
  if (options.commentMode === 'off' || place === null) return none
  const marker = commentMarker(options.commentKey)
  // What the next run needs goes first, within its budget; the report fits in what is left.
  const state =
    options.carry === null ? { line: '', forgotten: 0 } : stateLine(options.carry, STATE_BUDGET)
  const header = [marker, stampLine(options.stamp), state.line].filter(Boolean).join('\n')
  const body = renderComment(
    evaluation,
    { ...reportOptions, forgotten: state.forgotten },
    header,
    DEFAULT_COMMENT_LENGTH
  )
  try {
    const github = await options.github()
    const posted = await upsertComment(github, {
      ...place,
      body: options.redact(body),
      mode: options.commentMode,
      author: options.thread.author ?? authorOfToken(options.token),
      known: options.thread.report,
      log: (message) => {
        io.info(message)
      }
    })
    io.info(`Comment ${posted.action}: ${posted.url}`)
    return { posted: { id: posted.id, url: posted.url }, refused: null }
  } catch (error) {
    const reason = reasonOf(error)
    if (error instanceof CommentPermissionError) {
      // A token that may not comment (a fork's, Dependabot's): the summary and outputs remain.
      io.warning(reason)
      return none
    }
    if (statusOf(error) === 422) {
      return { posted: null, refused: `GitHub refused the report comment: ${reason}` }
    }
    // The verdict, outputs and summary matter more than the comment: never fail on it alone.
    io.warning(`Could not write the PR comment: ${reason}`)
    return none
  }
}
