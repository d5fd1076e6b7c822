// How dbt Cloud mode fails: one line each, naming the input to change and what to do. Messages are
// scrubbed of the secrets where they are made (the client does it), so none ever carries the token.
import { formatDuration } from '../format.js'
import { StepFailure } from '../text.js'

/** dbt Cloud mode cannot go on; `message` is the user-facing line. */
export class DbtCloudError extends StepFailure {
  constructor(message: string) {
    super(message)
    this.name = 'DbtCloudError'
  }
}

/** Enough of a run to name it in a message. */
export interface NamedRun {
  id: number
  url: string | null
}

const runName = (run: NamedRun): string =>
  `dbt Cloud run ${run.id}${run.url ? ` (${run.url})` : ''}`

/** The messages the finder raises, by situation. */
export const dbtCloudErrors = {
  tokenRejected: (status: number, host: string): DbtCloudError =>
    new DbtCloudError(
      status === 401
        ? `dbt Cloud rejected dbt-cloud-token (HTTP 401) at ${host}: check that the secret holds a current service token of this account, and that dbt-cloud-host is the account's access URL`
        : `dbt Cloud refused dbt-cloud-token (HTTP 403) at ${host}: give the service token a permission set that reads jobs, runs and artifacts (Read-Only, or Job Viewer on the project), and check dbt-cloud-account-id`
    ),

  artifactsNotSaved: (run: NamedRun): DbtCloudError =>
    new DbtCloudError(
      `${runName(run)} saved no artifacts (artifacts_saved is false), so there is no manifest to compare: it may have been cancelled or failed before dbt ran; rerun the CI job`
    ),

  noArtifact: (run: NamedRun, name: string): DbtCloudError =>
    new DbtCloudError(
      `${runName(run)} has no ${name} (HTTP 404): its last step wrote none; check that the job runs dbt build (or dbt run) as its last step`
    ),

  noStatusNoJob: (sha: string, waitedMs: number): DbtCloudError =>
    new DbtCloudError(
      `no dbt Cloud commit status on ${sha} after ${formatDuration(waitedMs)}, and no dbt-cloud-job-id: set dbt-cloud-job-id to the CI job's id, or check that the dbt Cloud CI job reports to this repository`
    ),

  fallbackNeedsIds: (sha: string, missing: string[]): DbtCloudError =>
    new DbtCloudError(
      `no dbt Cloud commit status on ${sha}: to find the run of dbt-cloud-job-id without one, set ${missing.join(' and ')} too`
    ),

  noRunForCommit: (jobId: number, sha: string, waitedMs: number): DbtCloudError =>
    new DbtCloudError(
      `no run of dbt Cloud job ${jobId} (dbt-cloud-job-id) for commit ${sha} within wait-timeout (${formatDuration(waitedMs)}): check that dbt-cloud-job-id is the CI job that builds this repository's pull requests, or raise wait-timeout`
    ),

  stillPending: (what: string, waitedMs: number): DbtCloudError =>
    new DbtCloudError(
      `${what} was still not complete at wait-timeout (${formatDuration(waitedMs)}): raise wait-timeout, or run this workflow on: status, which starts once dbt Cloud reports`
    ),

  severalStatuses: (contexts: string[]): DbtCloudError =>
    new DbtCloudError(
      `several dbt Cloud commit statuses (${contexts.join(', ')}): set dbt-cloud-job-id to the CI job whose build to compare`
    ),

  notARunPage: (context: string): DbtCloudError =>
    new DbtCloudError(
      `the commit status "${context}" does not link to a dbt Cloud run (https://{host}/deploy/{account}/projects/{project}/runs/{run}/): set dbt-cloud-job-id, dbt-cloud-host and dbt-cloud-account-id to find the run without it`
    ),

  otherAccount: (linked: number, input: number): DbtCloudError =>
    new DbtCloudError(
      `dbt Cloud's commit status links to a run of account ${linked}, but dbt-cloud-account-id is ${input}: correct dbt-cloud-account-id, or leave it empty`
    ),

  noProductionRun: (ci: NamedRun, tried: string[]): DbtCloudError =>
    new DbtCloudError(
      `no production run found for ${runName(ci)}: ${tried.join('; ')}. Set dbt-cloud-prod-job-id to the job that builds production`
    )
}
