// The whole flow, one way: fetch → normalise → evaluate → render → publish → verdict.
// Everything that touches the outside world comes in through `RunIO`, so tests hand in fakes.
import { now } from './clock.js'
import { createDatafoldClient } from './datafold/endpoints.js'
import { fetchDiffs } from './datafold/fetch-diffs.js'
import type { GitHubContext } from './github/context.js'
import { runStamp } from './github/run-stamp.js'
import type { Inputs } from './inputs.js'
import { buildOutputs, totalsWarnings } from './outputs.js'
import { publishReport } from './publish.js'
import { createRedactor } from './redact.js'
import type { ReportOptions } from './report/document.js'
import { allPlanned, dbtReport, notComparable, readDbtPlan, tellSkipped } from './run-dbt.js'
import { redacting, type RunIO } from './run-io.js'
import {
  blockFor,
  createPlan,
  earlierCreated,
  gatherResults,
  thresholdsOf,
  planContext,
  readPlan
} from './run-plan.js'
import { evaluateThresholds, type Evaluation } from './thresholds.js'
import { describeBreach, failureMessage } from './verdict.js'

export const USER_AGENT = 'datafold-diff-gate/1.0.0'

export async function run(inputs: Inputs, runnerIO: RunIO): Promise<Evaluation> {
  const redact = runnerIO.redactor ?? createRedactor([])
  redact.learn([inputs.apiKey, inputs.githubToken])
  const io = redacting(runnerIO, redact)
  const startedAt = (io.now ?? now)()
  const { diffIds, datafoldHost } = inputs
  // The whole plan, and dbt mode's models, are checked before any request.
  const context = planContext(inputs, io)
  const written = await readPlan(inputs, context, io)
  const dbt = await readDbtPlan(inputs, written, io)
  const planned = allPlanned(written, dbt)
  tellSkipped(dbt, io, inputs.failOnSkipped)
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
    runUrl: runUrl(io.github),
    ...(dbt ? { dbt: dbtReport(dbt) } : {})
  }
  const { reportPath, comment } = await publishReport(
    inputs,
    evaluation,
    reportOptions,
    {
      stamp: runStamp(io.github, startedAt),
      redact,
      createdBlock: plan ? blockFor(outcomes, context.sha, cancelled) : null
    },
    io
  )
  const gated = {
    all: [...diffIds, ...planIds],
    created: plan?.created.map((d) => d.id) ?? [],
    skipped: reportOptions.dbt?.skipped ?? []
  }
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

  const failure = failureMessage(evaluation, inputs, notComparable(dbt))
  if (failure) io.setFailed(failure)
  else io.info(`Result: ${evaluation.result}`)
  return evaluation
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

function runUrl(github: GitHubContext): string | null {
  if (!github.runId || !github.owner) return null
  return `${github.serverUrl}/${github.owner}/${github.repo}/actions/runs/${github.runId}`
}
