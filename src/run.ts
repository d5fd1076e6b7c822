// The whole flow, one way: fetch → normalise → evaluate → render → publish → verdict.
// Everything that touches the outside world comes in through `RunIO`, so tests hand in fakes.
import { now } from './clock.js'
import { createDatafoldClient } from './datafold/endpoints.js'
import { fetchDiffs } from './datafold/fetch-diffs.js'
import { authorOfToken, commentMarker, upsertComment } from './github/comment.js'
import type { GitHubContext } from './github/context.js'
import { CommentPermissionError } from './github/errors.js'
import type { GitHubClient } from './github/octokit.js'
import { findPullRequest } from './github/pull-request.js'
import { runStamp, runStampComment, type RunStamp } from './github/run-stamp.js'
import type { Inputs } from './inputs.js'
import { createRedactor, type Redact } from './redact.js'
import { buildOutputs, totalsWarnings, type PublishedComment } from './outputs.js'
import {
  renderComment,
  renderJobSummary,
  renderReport,
  type ReportOptions
} from './report/document.js'
import {
  blockFor,
  createPlan,
  earlierCreated,
  gatherResults,
  thresholdsOf,
  planContext,
  readPlan,
  type PlanIO
} from './run-plan.js'
import { evaluateThresholds, type Evaluation } from './thresholds.js'
import { reasonOf } from './text.js'
import { describeBreach, failureMessage } from './verdict.js'

/** What the runner gives the action: logging, outputs, files, the event, the network. */
export interface RunIO extends PlanIO {
  info(message: string): void
  warning(message: string): void
  /** An error annotation that does not by itself fail the step. */
  annotate(message: string, title: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  appendSummary(markdown: string): Promise<void>
  writeReport(fileName: string, markdown: string): Promise<string>
  fetch: typeof globalThis.fetch
  createGitHubClient(token: string): Promise<GitHubClient>
  github: GitHubContext
  /** The step's id in its job (GITHUB_ACTION), so that two steps never share a report file. */
  step?: string
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export const USER_AGENT = 'datafold-diff-gate/1.0.0'

export async function run(inputs: Inputs, runnerIO: RunIO): Promise<Evaluation> {
  const redact = createRedactor([inputs.apiKey, inputs.githubToken])
  const io = redacting(runnerIO, redact)
  const startedAt = (io.now ?? now)()
  const { diffIds, datafoldHost } = inputs
  // The whole plan is checked before any request.
  const context = planContext(inputs, io)
  const planned = await readPlan(inputs, context, io)
  const count = diffIds.length + planned.length
  io.info(`Checking ${count} data diff${count === 1 ? '' : 's'} at ${datafoldHost}`)
  const log = (message: string): void => {
    io.info(message)
  }
  const clientOptions = {
    ...{ host: datafoldHost, apiKey: inputs.apiKey, userAgent: USER_AGENT },
    // Datafold's answers are scrubbed of every secret as they arrive, before they are read.
    redact,
    ...{ fetch: io.fetch, sleep: io.sleep, now: io.now, log }
  }
  const client = createDatafoldClient({
    ...clientOptions,
    // The whole fetch obeys wait-timeout: a host that never answers must not hold the run longer.
    deadline: inputs.waitTimeoutMs > 0 ? startedAt + inputs.waitTimeoutMs : undefined
  })
  const plan =
    planned.length === 0
      ? null
      : await createPlan(planned, {
          client,
          // A stopped job has seconds before it is killed: one short try per cancel.
          stopClient: createDatafoldClient({ ...clientOptions, timeoutMs: 4_000, retries: 0 }),
          context,
          repository: io.github.owner ? `${io.github.owner}/${io.github.repo}` : '',
          earlier: await earlierCreated(inputs, io),
          io
        })
  const outcomes = plan?.outcomes ?? []
  const planIds = outcomes.flatMap((o) => (o.id === null || diffIds.includes(o.id) ? [] : [o.id]))
  const fetched = await fetchDiffs([...diffIds, ...planIds], {
    ...{ client, waitTimeoutMs: inputs.waitTimeoutMs },
    ...{ sleep: io.sleep, now: io.now, log }
  })
  plan?.release()
  const timedOut = inputs.waitTimeoutMs > 0 && (io.now ?? now)() >= startedAt + inputs.waitTimeoutMs
  const { diffs, cancelled } = await gatherResults(diffIds, fetched, plan, {
    ...{ client, timedOut, host: datafoldHost, log }
  })
  const evaluation = evaluateThresholds(diffs, inputs.thresholds, thresholdsOf(planned))
  warnAboutGaps(evaluation, io)

  const reportOptions: ReportOptions = {
    title: inputs.title,
    thresholds: inputs.thresholds,
    runUrl: runUrl(io.github)
  }
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
  const comment = await publishComment(
    inputs,
    evaluation,
    { ...reportOptions, fullReport: summaryIsFull ? { jobSummary: true } : { file: reportPath } },
    runStamp(io.github, startedAt),
    io,
    redact,
    plan ? blockFor(outcomes, context.sha, cancelled) : null
  )
  const gated = { all: [...diffIds, ...planIds], created: plan?.created.map((d) => d.id) ?? [] }
  for (const [name, value] of Object.entries(
    buildOutputs(evaluation, reportPath, comment, gated)
  )) {
    io.setOutput(name, value)
  }
  for (const warning of totalsWarnings(evaluation)) io.warning(warning)
  for (const breach of evaluation.breaches) {
    const diff = evaluation.diffs.find((e) => e.diff.id === breach.diffId)?.diff
    if (diff) io.annotate(describeBreach(breach, diff), 'Datafold threshold exceeded')
  }

  const failure = failureMessage(evaluation, inputs)
  if (failure) io.setFailed(failure)
  else io.info(`Result: ${evaluation.result}`)
  return evaluation
}

/** `datafold-diff-gate-{step}-{comment-key}.md`: one file per step, however many share a job. */
function reportFileName(step: string | undefined, commentKey: string): string {
  const parts = ['datafold-diff-gate', step ?? '', commentKey].filter((part) => part !== '')
  return `${parts.map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_')).join('-')}.md`
}

/** The report file's path, or '' when it cannot be written (RUNNER_TEMP missing or read-only):
 * the comment, summary, outputs and verdict matter more than the file. */
async function writeReportFile(fileName: string, report: string, io: RunIO): Promise<string> {
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
async function writeJobSummary(report: string, summary: string, io: RunIO): Promise<boolean> {
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

function warnAboutGaps(evaluation: Evaluation, io: RunIO): void {
  for (const { diff, notMeasured } of evaluation.diffs) {
    for (const warning of diff.warnings) io.warning(warning)
    if (notMeasured.length > 0) {
      io.warning(
        `diff ${diff.id}: Datafold did not measure ${notMeasured.join(', ')}, so ${
          notMeasured.length === 1 ? 'its threshold was' : 'their thresholds were'
        } not checked`
      )
    }
    if (diff.status === 'error') io.warning(diff.reason)
  }
}

async function publishComment(
  inputs: Inputs,
  evaluation: Evaluation,
  reportOptions: ReportOptions,
  stamp: RunStamp,
  io: RunIO,
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

/** The same I/O, with every secret taken out of whatever is written. */
function redacting(io: RunIO, redact: Redact): RunIO {
  return {
    ...io,
    info: (message) => {
      io.info(redact(message))
    },
    warning: (message) => {
      io.warning(redact(message))
    },
    annotate: (message, title) => {
      io.annotate(redact(message), title)
    },
    setOutput: (name, value) => {
      io.setOutput(name, redact(value))
    },
    setFailed: (message) => {
      io.setFailed(redact(message))
    },
    appendSummary: (markdown) => io.appendSummary(redact(markdown)),
    writeReport: (fileName, markdown) => io.writeReport(fileName, redact(markdown))
  }
}

function runUrl(github: GitHubContext): string | null {
  if (!github.runId || !github.owner) return null
  return `${github.serverUrl}/${github.owner}/${github.repo}/actions/runs/${github.runId}`
}
