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
import { withPullRequestOfCommit } from './github/commit-pulls.js'
import { commitStatusReader } from './github/commit-statuses.js'
import { USER_AGENT } from './http/user-agent.js'
import { runTarget } from './pull-request.js'
import { readThread } from './github/thread.js'
import { DEFAULT_DBT_MANIFEST, secretsOf, type Inputs } from './inputs.js'
import { buildOutputs, totalsWarnings } from './outputs.js'
import { publishReport } from './publish.js'
import { gatePublisher } from './publish-gate.js'
import { MAX_SUMMARY_LENGTH } from './github/check-run.js'
import { findingsOf } from './report/findings.js'
import { renderComment, reportTally, type ReportOptions } from './report/document.js'
import { figuresOf } from './report/changes.js'
import { headline } from './report/headline.js'
import { createRedactor } from './redact.js'
import { dbtReport } from './report/dbt.js'
import { judgedOf } from './results.js'
import { redacting, withinAnnotationLimits, type RunIO } from './run-io.js'
import { readSources } from './sources/read-sources.js'
import { evaluateThresholds, type Evaluation } from './thresholds.js'
import { describeBreach } from './report/breach-line.js'
import { failureMessage, gapWarnings } from './verdict.js'

/** The evaluation; null when a source said there was nothing to do (see `Source.nothingToDo`). */
export async function run(inputs: Inputs, runnerIO: RunIO): Promise<Evaluation | null> {
  const redact = runnerIO.redactor ?? createRedactor([])
  redact.learn(secretsOf(inputs))
  const io = withinAnnotationLimits(redacting(runnerIO, redact))
  const startedAt = (io.now ?? now)()
  const startedAtIso = new Date(startedAt).toISOString()
  const runLink = runUrl(io.github)
  const github = once(() => io.createGitHubClient(inputs.githubToken))
  const { commentMode, commentKey, githubToken: token } = inputs
  const { eventName, owner, repo } = io.github
  const target = await withPullRequestOfCommit(
    runTarget(io.github, inputs.prNumber, io.env ?? {}),
    { eventName, owner, repo, token, github }
  )
  const log = (message: string): void => {
    io.info(message)
  }
  const warn = (message: string): void => {
    io.warning(message)
  }

  // Every source is read and checked before any request to Datafold.
  const commitStatuses = commitStatusReader({ owner, repo, token, github })
  const source = await readSources(inputs, target, { ...io, commitStatuses })
  // Nothing is written, not even outputs: a later step sees `result` empty.
  if (source.nothingToDo !== null) {
    io.info(source.nothingToDo)
    return null
  }
  io.info(`Checking ${count(source.diffs.length)} at ${inputs.datafoldHost}`)
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
    onStop: io.onStop,
    mask: (secret) => io.mask?.(secret)
  })
  const gate = gatePublisher(
    {
      ...{ commitStatus: inputs.commitStatus, checkRun: inputs.checkRun, commentKey, eventName },
      ...{ owner, repo, sha: target.sha, token, github, runUrl: runLink, redact },
      startedAt: startedAtIso
    },
    io
  )
  const { read, cancelled } = await waitAndRead(obtained, {
    ...{ client, waitTimeoutMs: inputs.waitTimeoutMs, deadline, created, log },
    ...{ sleep: io.sleep, now: io.now, onWaiting: gate.running }
  })
  release()

  const evaluation = evaluateThresholds(
    read.map((diff) => judgedOf(diff, inputs.datafoldHost)),
    inputs.thresholds
  )
  gapWarnings(evaluation).forEach(warn)
  const dbt = source.dbt ? dbtReport(source.dbt, source.dbtCloud) : undefined
  // What the heading counts, the unchecked-count output, and what the next report compares with.
  const counts = reportTally(evaluation, dbt)
  const carried = thread.carried
  const reportOptions: ReportOptions = {
    title: inputs.title,
    thresholds: inputs.thresholds,
    runUrl: runLink,
    repositoryUrl: repositoryUrl(io.github),
    commit: target.sha === null ? null : { sha: target.sha, at: startedAtIso },
    previous: carried?.report ? { sha: carried.sha, report: carried.report } : null,
    ...(dbt ? { dbt } : {})
  }
  const published = await publishReport(
    evaluation,
    reportOptions,
    {
      ...{ commentMode, commentKey, jobSummary: inputs.jobSummary, token, thread, github, redact },
      stamp: runStamp(io.github, startedAt, target.sha),
      carry: stateToCarry(read, target.sha, cancelled, figuresOf(evaluation, counts))
    },
    io
  )
  const { dbtCloud } = source
  const outputs = buildOutputs(evaluation, published, {
    skipped: source.dbt?.skipped,
    counts,
    dbtCloud: dbtCloud && { runId: dbtCloud.ci.id, prodRunId: dbtCloud.production.id }
  })
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
  totalsWarnings(evaluation).forEach(warn)
  const readMore = published.comment
    ? `the report comment (${published.comment.url})`
    : 'the job summary'
  const skipped = source.dbt?.skipped ?? []
  const failure = failureMessage(evaluation, inputs, {
    notCompared: skipped.filter((m) => needsAction(m.reason)).map(describeSkipped),
    publishing: published.commentRefused,
    readMore
  })
  io.failureAnnotated(failure?.annotate ?? false)
  for (const { diff, breaches } of evaluation.diffs) {
    for (const breach of breaches) {
      io.annotate(describeBreach(breach, diff), 'Datafold threshold exceeded')
    }
  }
  io.closeAnnotations(readMore)

  const dbtProject = inputs.dbt ?? inputs.dbtCloud
  await gate.publish({
    verdict: {
      result: evaluation.result,
      breaches: evaluation.breaches.length,
      unchecked: counts.notCompared,
      failed: failure !== null
    },
    headline: headline(counts),
    summary: renderComment(evaluation, reportOptions, '', MAX_SUMMARY_LENGTH - 2_000),
    commentUrl: published.comment?.url ?? null,
    findings: findingsOf(evaluation, skipped),
    places: {
      dbt: dbtProject && {
        projectDir: dbtProject.projectDir,
        // dbt Cloud's manifest is not on the runner: the project is at the root, or dbt-project-dir.
        manifest: inputs.dbt?.manifest ?? DEFAULT_DBT_MANIFEST,
        ...(io.env?.GITHUB_WORKSPACE ? { workspace: io.env.GITHUB_WORKSPACE } : {})
      },
      plan: source.plan === 'inline' ? { inline: true } : source.plan,
      readFile: io.readRepositoryFile ?? (() => Promise.resolve(null))
    }
  })
  if (failure) io.setFailed(failure.message, { annotate: failure.annotate })
  else io.info(`Result: ${evaluation.result}`)
  return evaluation
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
