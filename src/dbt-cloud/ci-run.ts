// Which dbt Cloud run built the PR. From a `status` event: the run dbt Cloud's status links to,
// once that status is final. Otherwise (a `pull_request` event): the run of the head commit's dbt
// Cloud status, waited for while pending; with no dbt Cloud status, the run of dbt-cloud-job-id
// made for the head commit (or the PR), waited for until it completes.
import type { DbtCloudClient } from './client.js'
import { DbtCloudError, dbtCloudErrors } from './errors.js'
import { isRunFor, type RunInfo } from './runs.js'
import {
  dbtCloudStatuses,
  isDbtCloudContext,
  isFinal,
  readStatus,
  type CommitStatus,
  type DbtCloudStatus
} from './statuses.js'
import { pollUntil, type Poll, type WaitOptions } from './wait.js'

/** What started the workflow, in the finder's words. */
export type DbtCloudEvent =
  /** A `status` event: its payload's `sha`, and the status itself (context, state, target_url). */
  | { kind: 'status'; sha: string; status: CommitStatus }
  /** A `pull_request` event (or any that names the commit built): the head SHA and the PR. */
  | { kind: 'commit'; sha: string; prNumber: number | null }

export interface CiRunContext {
  input: { host: string | null; accountId: number | null; jobId: number | null }
  /** The client for an origin and account (the same one each time it is asked for). */
  clientFor(origin: string, accountId: number): DbtCloudClient
  /** The commit's statuses, newest first: `GET /repos/{o}/{r}/commits/{sha}/statuses`. */
  listStatuses: (sha: string) => Promise<CommitStatus[]>
  wait: WaitOptions
  /** When the wait began (`now()` time), for messages. */
  startedAt: number
  /** How long a commit may show no dbt Cloud status before that is an error, without a job id. */
  statusGraceMs: number
}

export type CiRun =
  | { kind: 'found'; run: RunInfo; client: DbtCloudClient }
  /** dbt Cloud has not finished: nothing to do yet. */
  | { kind: 'not-yet'; message: string }
  /** The event is not about this step's dbt Cloud job: nothing to do. */
  | { kind: 'not-ours'; message: string }

type Found = { run: RunInfo; client: DbtCloudClient }

export async function findCiRun(event: DbtCloudEvent, context: CiRunContext): Promise<CiRun> {
  if (event.kind === 'commit') return { kind: 'found', ...(await fromCommit(event, context)) }
  const { sha, status } = event
  if (!isDbtCloudContext(status.context)) {
    return {
      kind: 'not-ours',
      message: `The commit status "${status.context}" is not dbt Cloud's: nothing to compare`
    }
  }
  // The host is checked before anything else: a status may have been posted by anyone.
  const found = readStatus(status, context.input)
  if (!isFinal(status.state)) {
    return {
      kind: 'not-yet',
      message: `dbt Cloud run ${found.page.runId} has not finished (its status on ${sha} is pending): this workflow runs again when dbt Cloud reports`
    }
  }
  const client = context.clientFor(found.origin, found.page.accountId)
  const run = await pollUntil(() => completed(client, found.page.runId, context), context.wait)
  const { jobId } = context.input
  if (jobId !== null && run.jobId !== jobId) {
    return {
      kind: 'not-ours',
      message: `dbt Cloud run ${run.id} is a run of job ${run.jobId ?? '?'}, not of dbt-cloud-job-id ${jobId}: nothing to compare`
    }
  }
  return { kind: 'found', run, client }
}

async function completed(
  client: DbtCloudClient,
  runId: number,
  context: CiRunContext,
  known?: RunInfo
): Promise<Poll<RunInfo>> {
  const run = known ?? (await client.getRun(runId))
  if (run.complete) return { done: run }
  return {
    waiting: `dbt Cloud run ${run.id} is ${run.status}; waiting for it to complete`,
    timedOut: () => dbtCloudErrors.stillPending(`dbt Cloud run ${run.id}`, waited(context))
  }
}

const waited = (context: CiRunContext): number => context.wait.now() - context.startedAt

function fromCommit(
  { sha, prNumber }: { sha: string; prNumber: number | null },
  context: CiRunContext
): Promise<Found> {
  const { input } = context
  const { jobId } = input
  // Without a status to take them from, the job's runs need the host and account given.
  const missing = [
    ...(input.host === null ? ['dbt-cloud-host'] : []),
    ...(input.accountId === null ? ['dbt-cloud-account-id'] : [])
  ]
  const noStatus = (): DbtCloudError =>
    jobId === null
      ? dbtCloudErrors.noStatusNoJob(sha, waited(context))
      : dbtCloudErrors.fallbackNeedsIds(sha, missing)
  const byJob =
    jobId !== null && input.host !== null && input.accountId !== null
      ? { jobId, client: context.clientFor(input.host, input.accountId) }
      : null

  const look = async (): Promise<Poll<Found>> => {
    const statuses = dbtCloudStatuses(await context.listStatuses(sha), input)
    const ours = await ofTheJob(statuses, jobId, context)
    if (ours !== null) {
      const { status, client, run } = ours
      if (!status.pending) {
        const result = await completed(client, status.page.runId, context, run)
        return 'done' in result ? { done: { run: result.done, client } } : result
      }
      return {
        waiting: `dbt Cloud's status "${status.context}" on ${sha} is pending (run ${status.page.runId}); waiting for it`,
        timedOut: () =>
          dbtCloudErrors.stillPending(
            `dbt Cloud run ${status.page.runId} (its status "${status.context}")`,
            waited(context)
          )
      }
    }
    if (byJob !== null) return runOfJob(byJob, sha, prNumber, context)
    if (waited(context) >= context.statusGraceMs) throw noStatus()
    return {
      waiting: `No dbt Cloud commit status on ${sha} yet; waiting for one`,
      timedOut: noStatus
    }
  }
  return pollUntil(look, context.wait)
}

/** The dbt Cloud status to follow: the only one, or that of dbt-cloud-job-id's run; null if none. */
async function ofTheJob(
  statuses: DbtCloudStatus[],
  jobId: number | null,
  context: CiRunContext
): Promise<{ status: DbtCloudStatus; client: DbtCloudClient; run?: RunInfo } | null> {
  const client = (status: DbtCloudStatus) => context.clientFor(status.origin, status.page.accountId)
  if (jobId === null) {
    const [only, ...others] = statuses
    if (only === undefined) return null
    if (others.length > 0) throw dbtCloudErrors.severalStatuses(statuses.map((s) => s.context))
    return { status: only, client: client(only) }
  }
  // Which job a status is of, only its run says.
  for (const status of statuses) {
    const run = await client(status).getRun(status.page.runId)
    if (run.jobId === jobId) return { status, client: client(status), run }
  }
  return null
}

/** The newest run of the job made for this commit (or, before it has one, for the PR). */
async function runOfJob(
  { jobId, client }: { jobId: number; client: DbtCloudClient },
  sha: string,
  prNumber: number | null,
  context: CiRunContext
): Promise<Poll<Found>> {
  const runs = await client.listRuns({ jobId, orderBy: '-id', limit: 100 })
  const run = runs.find((candidate) => isRunFor(candidate, sha, prNumber))
  if (run === undefined) {
    return {
      waiting: `No run of dbt Cloud job ${jobId} for ${sha} yet; waiting for one`,
      timedOut: () => dbtCloudErrors.noRunForCommit(jobId, sha, waited(context))
    }
  }
  const result = await completed(client, run.id, context, run)
  return 'done' in result ? { done: { run: result.done, client } } : result
}
