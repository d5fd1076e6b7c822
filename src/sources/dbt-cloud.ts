// dbt Cloud mode (`dbt-cloud-token`): the CI run that built the PR and production's run, found
// through dbt Cloud's commit status (or dbt-cloud-job-id), and their artifacts read as dbt mode
// reads files: the same changed models, the same diffs. A `status` event that is not dbt Cloud's
// final one for this step's job is nothing to do. dbt-cloud/ loads only in dbt Cloud mode.
import { USER_AGENT } from '../http/user-agent.js'
import { InputError } from '../inputs.js'
import { headCommit } from '../pull-request.js'
import type { DbtCloudEvent, DbtCloudRuns, RunInfo } from '../dbt-cloud/find-runs.js'
import { StepFailure } from '../text.js'
import { dbtDataSource, readChangedModels } from './dbt.js'
import type { ComparedRun, Source, SourceContext, SourceIO } from './source.js'

/** dbt Cloud mode's changed models as diffs to create; nothing when dbt Cloud mode is off. */
export async function dbtCloudModels(context: SourceContext): Promise<Partial<Source>> {
  const { inputs, io } = context
  const cloud = inputs.dbtCloud
  if (cloud === null) return {}
  // Checked before dbt Cloud is asked anything.
  const dataSource = dbtDataSource(context, 'dbt Cloud mode')
  const event = dbtCloudEvent(context)
  const { findDbtCloudRuns } = await import(
    /* webpackChunkName: "dbt-cloud" */ '../dbt-cloud/find-runs.js'
  )
  const runs = await findDbtCloudRuns({
    input: cloud,
    event,
    listStatuses: (sha) => {
      if (!io.commitStatuses) throw new StepFailure('this runner reads no commit statuses')
      return io.commitStatuses(sha)
    },
    // A status event's PR was asked of GitHub with the run's target (github/commit-pulls.ts).
    pullRequestOf: () => Promise.resolve(context.target.pr),
    waitTimeoutMs: inputs.waitTimeoutMs,
    userAgent: USER_AGENT,
    fetch: proxiedFetch(io),
    ...{ sleep: io.sleep, now: io.now },
    log: (message) => {
      io.info(message)
    }
  })
  if (runs.kind !== 'found') return { nothingToDo: runs.message }
  const { files } = runs
  const read = await readChangedModels(context, {
    open: runs.open,
    dataSource,
    models: cloud,
    // Each file's label names its run: `manifest.json of dbt Cloud run 4242`.
    prodManifest: { file: files.prodManifest, input: null },
    manifest: { file: files.manifest, input: null },
    runResults: { file: files.runResults, input: null }
  })
  return { ...read, dbtCloud: comparedRuns(runs) }
}

/**
 * What started the run, in the finder's words: a `status` event carries dbt Cloud's status on the
 * commit it built; any other event names the PR's head commit (the one the verdict goes on).
 */
function dbtCloudEvent({ io, target }: SourceContext): DbtCloudEvent {
  const event = io.github ?? { eventName: '', payload: {} }
  if (event.eventName === 'status') {
    const { payload } = event
    const sha = headCommit(event)?.sha
    if (sha === undefined) {
      throw new StepFailure('the status event names no commit (its sha): nothing to compare')
    }
    const text = (value: unknown): string => (typeof value === 'string' ? value : '')
    const status = {
      ...{ context: text(payload.context), state: text(payload.state) },
      target_url: text(payload.target_url) || null
    }
    return { kind: 'status', sha, status }
  }
  if (target.sha === null) {
    throw new InputError([
      `dbt-cloud-token: dbt Cloud mode compares the PR's head commit, and this ${event.eventName || 'unknown'} event names none: run it on status or pull_request`
    ])
  }
  return { kind: 'commit', sha: target.sha, prNumber: target.pr }
}

/** A fetch that sends each request through the runner's proxy for its origin, if it has one. */
function proxiedFetch(io: SourceIO): typeof globalThis.fetch {
  const { fetchFor } = io
  if (!fetchFor) throw new StepFailure('this runner reaches no dbt Cloud: it has no fetch')
  const made = new Map<string, Promise<typeof globalThis.fetch>>()
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const { origin } = new URL(url)
    const fetch = made.get(origin) ?? fetchFor(origin)
    made.set(origin, fetch)
    return (await fetch)(input, init)
  }
}

/** The two runs compared, for the report and the outputs. */
function comparedRuns(runs: Extract<DbtCloudRuns, { kind: 'found' }>): Source['dbtCloud'] {
  const { production } = runs
  return {
    ci: comparedRun(runs.ci),
    production: { ...comparedRun(production.run), via: production.via, ageMs: production.ageMs }
  }
}

const comparedRun = (run: RunInfo): ComparedRun => ({
  id: run.id,
  jobId: run.jobId,
  jobName: run.job?.name ?? null,
  gitSha: run.gitSha ?? run.trigger.gitSha,
  finishedAt: run.finishedAt,
  url: run.url
})
