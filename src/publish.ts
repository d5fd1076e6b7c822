// Publishing the report: the report file, the job summary and the PR comment. Each may fail on
// its own (a read-only RUNNER_TEMP, an old GitHub Enterprise Server, a token that cannot comment)
// without costing the others, the outputs or the verdict.
import type { GitHubContext } from './github/context.js'
import { authorOfToken, commentMarker, upsertComment } from './github/comment.js'
import { CommentPermissionError } from './github/errors.js'
import type { GitHubClient } from './github/octokit.js'
import { findPullRequest } from './github/pull-request.js'
import { runStampComment, type RunStamp } from './github/run-stamp.js'
import type { Inputs } from './inputs.js'
import type { PublishedComment } from './outputs.js'
import type { Redact } from './redact.js'
import {
  renderComment,
  renderJobSummary,
  renderReport,
  type ReportOptions
} from './report/document.js'
import { reasonOf } from './text.js'
import type { Evaluation } from './thresholds.js'

/** What publishing takes from the runner: the log, the files, the event, GitHub. */
export interface PublishIO {
  info(message: string): void
  warning(message: string): void
  appendSummary(markdown: string): Promise<void>
  writeReport(fileName: string, markdown: string): Promise<string>
  createGitHubClient(token: string): Promise<GitHubClient>
  github: GitHubContext
  /** The step's id in its job (GITHUB_ACTION), so that two steps never share a report file. */
  step?: string
}

export interface Published {
  /** '' when the report file could not be written. */
  reportPath: string
  comment: PublishedComment | null
}

/** The full report to its file, the job summary, then the PR comment, which points to the full
 * report wherever it was written. */
export async function publishReport(
  inputs: Inputs,
  evaluation: Evaluation,
  reportOptions: ReportOptions,
  comment: {
    stamp: RunStamp
    redact: Redact
    /** The plan's hidden block of created diffs, kept for the next run. */
    createdBlock: string | null
  },
  io: PublishIO
): Promise<Published> {
  const report = renderReport(evaluation, reportOptions)
  const reportPath = await writeReportFile(reportFileName(io.step, inputs.commentKey), report, io)
  // The summary first: the comment points to it only when it holds the full report.
  const summaryIsFull =
    inputs.jobSummary &&
    (await writeJobSummary(
      report,
      renderJobSummary(evaluation, { ...reportOptions, fullReport: { file: reportPath } }, report),
      io
    ))
  const published = await publishComment(
    inputs,
    evaluation,
    { ...reportOptions, fullReport: summaryIsFull ? { jobSummary: true } : { file: reportPath } },
    comment.stamp,
    io,
    comment.redact,
    comment.createdBlock
  )
  return { reportPath, comment: published }
}

/** `datafold-diff-gate-{step}-{comment-key}.md`: one file per step, however many share a job. */
function reportFileName(step: string | undefined, commentKey: string): string {
  const parts = ['datafold-diff-gate', step ?? '', commentKey].filter((part) => part !== '')
  return `${parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_')).join('-')}.md`
}

/** The report file's path, or '' when it cannot be written (RUNNER_TEMP missing or read-only):
 * the comment, summary, outputs and verdict matter more than the file. */
async function writeReportFile(fileName: string, report: string, io: PublishIO): Promise<string> {
  try {
    return await io.writeReport(fileName, report)
  } catch (error) {
    io.warning(
      `Could not write the report file ${fileName}: ${reasonOf(error)}; report-path is empty`
    )
    return ''
  }
}

/**
 * The job summary, if the runner takes one: GitHub Enterprise Server before 3.6 has none, and
 * losing the summary must not cost the outputs or the verdict that follow it. True when the
 * summary written is the full report.
 */
async function writeJobSummary(report: string, summary: string, io: PublishIO): Promise<boolean> {
  try {
    await io.appendSummary(summary)
  } catch (error) {
    io.warning(`Could not write the job summary: ${reasonOf(error)}`)
    return false
  }
  if (summary === report) return true
  io.warning(
    "The job summary was shortened to fit GitHub's 1 MiB limit; the report file has it all"
  )
  return false
}

async function publishComment(
  inputs: Inputs,
  evaluation: Evaluation,
  reportOptions: ReportOptions,
  stamp: RunStamp,
  io: PublishIO,
  redact: Redact,
  /** The plan's hidden block of created diffs, kept for the next run. */
  createdBlock: string | null
): Promise<PublishedComment | null> {
  if (inputs.commentMode === 'off') return null
  const pullRequest = findPullRequest(io.github, inputs.prNumber)
  if (pullRequest.number === null) {
    io.info(`No PR comment: ${pullRequest.reason}`)
    return null
  }
  if (!inputs.githubToken) {
    io.warning('No PR comment: github-token is empty')
    return null
  }
  const marker = commentMarker(inputs.commentKey)
  try {
    const github = await io.createGitHubClient(inputs.githubToken)
    const posted = await upsertComment(github, {
      owner: io.github.owner,
      repo: io.github.repo,
      issueNumber: pullRequest.number,
      marker,
      // The marker line, then which run wrote it, so an older run never overwrites a newer report.
      body: redact(
        renderComment(
          evaluation,
          reportOptions,
          [marker, runStampComment(stamp), ...(createdBlock ? [createdBlock] : [])].join('\n')
        )
      ),
      mode: inputs.commentMode,
      author: authorOfToken(inputs.githubToken),
      log: (message) => {
        io.info(message)
      }
    })
    io.info(`Comment ${posted.action}: ${posted.url}`)
    return { id: posted.id, url: posted.url }
  } catch (error) {
    // The verdict, outputs and summary matter more than the comment: never fail on it alone.
    const reason = reasonOf(error)
    io.warning(
      error instanceof CommentPermissionError ? reason : `Could not write the PR comment: ${reason}`
    )
    return null
  }
}
