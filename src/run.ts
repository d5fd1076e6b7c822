// The whole flow, one way: inputs → the sources of diffs → create or reuse at Datafold → wait and
// read → judge → report → publish → verdict. Everything that touches the outside world comes in
// through `RunIO`, so tests hand in fakes.
import { now } from './clock.js'
import { runStamp } from './comment-state.js'
import { createOrReuse, stateToCarry } from './datafold/create-or-reuse.js'
import { createDatafoldClient } from './datafold/endpoints.js'
import { waitAndRead } from './datafold/wait-and-read.js'
import { describeSkipped, needsAction } from './dbt/skipped.js'
import { repositoryUrl, runUrl } from './github/context.js'
import type { GitHubClient } from './github/octokit.js'
import { runTarget } from './pull-request.js'
import { readThread } from './github/thread.js'
import type { Inputs } from './inputs.js'
import { buildOutputs, totalsWarnings } from './outputs.js'
import { publishReport, type Published } from './publish.js'
import { createRedactor } from './redact.js'
import { figuresOf } from './report/changes.js'
import { dbtReport } from './report/dbt.js'
import { reportTally } from './report/document.js'
import { withinStepLimits } from './report/step-annotations.js'
import { judgedOf } from './results.js'
import { redacting, type RunIO } from './run-io.js'
import { readSources } from './sources/read-sources.js'
import { evaluateThresholds, type Evaluation } from './thresholds.js'
import { describeBreach, failureMessage, gapWarnings } from './verdict.js'

export const USER_AGENT = 'datafold-diff-gate/1.0.0'

export async function run(inputs: Inputs, runnerIO: RunIO): Promise<Evaluation> {
  const redact = createRedactor([inputs.apiKey, inputs.githubToken])
  // Every warning is an annotation too, of which GitHub shows ten a step: they are counted.
  let warned = 0
  const redacted = redacting(runnerIO, redact)
  const io: RunIO = {
    ...redacted,
    warning: (message) => {
      warned += 1
      redacted.warning(message)
    }
  }
  const startedAt = (io.now ?? now)()
  const target = runTarget(io.github, inputs.prNumber, io.env ?? {})
  const github = once(() => io.createGitHubClient(inputs.githubToken))
  const log = (message: string): void => {
    io.info(message)
  }
  const warn = (message: string): void => {
    io.warning(message)
  }

  // Every source is read and checked before any request.
  const source = await readSources(inputs, target, io)
  io.info(`Checking ${count(source.diffs.length)} at ${inputs.datafoldHost}`)
  const { commentMode, commentKey, githubToken: token } = inputs
  const thread = await readThread({
    ...{ commentMode, commentKey, token, target, repository: io.github },
    ...{ github, info: log, warning: warn }
  })

  const clientOptions = {
    ...{ host: inputs.datafoldHost, apiKey: inputs.apiKey, userAgent: USER_AGENT },
    // Datafold's answers are scrubbed of every secret as they arrive, before they are read.
    redact,
    ...{ fetch: io.fetch, sleep: io.sleep, now: io.now, log }
  }
  const deadline = inputs.waitTimeoutMs > 0 ? startedAt + inputs.waitTimeoutMs : null
  // The whole fetch obeys wait-timeout: a host that never answers must not hold the run longer.
  const client = createDatafoldClient({ ...clientOptions, deadline: deadline ?? undefined })
  const { obtained, created, release } = await createOrReuse(source.diffs, {
    client,
    // A stopped job has seconds before it is killed: one short try per cancel.
    stopClient: createDatafoldClient({ ...clientOptions, timeoutMs: 4_000, retries: 0 }),
    tags: { repository: repositoryOf(io), pr: target.pr, sha: target.sha },
    carried: thread.carried,
    log,
    onStop: io.onStop
  })
  const { read, cancelled } = await waitAndRead(obtained, {
    ...{ client, waitTimeoutMs: inputs.waitTimeoutMs, deadline, created, log },
    ...{ sleep: io.sleep, now: io.now }
  })
  release()

  const evaluation = evaluateThresholds(
    read.map((diff) => judgedOf(diff, inputs.datafoldHost)),
    inputs.thresholds
  )
  const dbt = source.dbt ? dbtReport(source.dbt) : undefined
  const counts = reportTally(evaluation, dbt)
  const carried = thread.carried
  const published = await publishReport(
    evaluation,
    {
      title: inputs.title,
      thresholds: inputs.thresholds,
      runUrl: runUrl(io.github),
      repositoryUrl: repositoryUrl(io.github),
      commit:
        target.sha === null ? null : { sha: target.sha, at: new Date(startedAt).toISOString() },
      previous: carried?.report ? { sha: carried.sha, report: carried.report } : null,
      ...(dbt ? { dbt } : {})
    },
    {
      ...{ commentMode, commentKey, jobSummary: inputs.jobSummary, token, thread, github, redact },
      stamp: runStamp(io.github, startedAt, target.sha),
      carry: stateToCarry(read, target.sha, cancelled, figuresOf(evaluation, counts))
    },
    io
  )
  const outputs = buildOutputs(evaluation, published, source.dbt?.skipped ?? [], counts)
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)

  const notCompared = (source.dbt?.skipped ?? []).filter((m) => needsAction(m.reason))
  const failure = failureMessage(evaluation, inputs, {
    notCompared: notCompared.map(describeSkipped),
    publishing: published.commentRefused
  })
  annotate(evaluation, {
    io,
    published,
    jobSummary: inputs.jobSummary,
    warned,
    failing: failure !== null
  })
  if (failure) io.setFailed(failure)
  else io.info(`Result: ${evaluation.result}`)
  return evaluation
}

/**
 * An error annotation per breach and a warning per gap (what Datafold did not measure or could not
 * diff, totals that leave diffs out), within GitHub's ten of each kind a step: the warnings written
 * so far and the failure message take their places; what is left over goes to the log.
 */
function annotate(
  evaluation: Evaluation,
  context: {
    io: RunIO
    published: Published
    jobSummary: boolean
    warned: number
    failing: boolean
  }
): void {
  const { io, published } = context
  const diffs = new Map(evaluation.diffs.map(({ diff }) => [diff.id, diff]))
  const errors = evaluation.breaches.flatMap((breach) => {
    const diff = diffs.get(breach.diffId)
    return diff
      ? [{ message: describeBreach(breach, diff), title: 'Datafold threshold exceeded' }]
      : []
  })
  const warnings = [...gapWarnings(evaluation), ...totalsWarnings(evaluation)].map((message) => ({
    message
  }))
  const readMore = published.comment
    ? `the report comment (${published.comment.url})`
    : context.jobSummary
      ? 'the job summary'
      : 'the report file'
  const fitted = withinStepLimits({ errors, warnings }, readMore, {
    errors: context.failing ? 1 : 0,
    warnings: context.warned
  })
  for (const { message } of fitted.warnings) io.warning(message)
  for (const { message, title } of fitted.errors) {
    io.annotate(message, title ?? 'Datafold threshold exceeded')
  }
  for (const { message } of fitted.unannotated) io.info(message)
}

const count = (n: number): string => `${n} data diff${n === 1 ? '' : 's'}`

const repositoryOf = (io: RunIO): string =>
  io.github.owner ? `${io.github.owner}/${io.github.repo}` : ''

/** The client, made on first use and then shared: a run that writes nothing to GitHub never
 * loads octokit. */
function once(make: () => Promise<GitHubClient>): () => Promise<GitHubClient> {
  let made: Promise<GitHubClient> | null = null
  return () => (made ??= make())
}
