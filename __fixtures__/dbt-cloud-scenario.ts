// What the fake dbt Cloud knows (jobs, runs, their artifacts, faults), the bodies it answers with
// (RunResponse and job definitions, as dbt Labs' OpenAPI description declares them), and a ready
// account: jaffle_shop with a production job, a merge job and a CI job that defers to production,
// whose runs serve the real manifest pair of dbt mode's tests.
import { join } from 'node:path'
import { changedProject, manifestDir, writeJson } from './dbt-manifests.js'
import { buildRunResults, type RunResultsOptions } from './dbt-run-results.js'

export type JobType = 'ci' | 'scheduled' | 'merge' | 'other'

export interface FakeJob {
  id: number
  accountId: number
  projectId: number
  environmentId: number
  name: string
  type: JobType
  deferringJobId?: number
  deferringEnvironmentId?: number
}

export type Artifact = { file: string } | { json: unknown }

export interface FakeRun {
  id: number
  accountId: number
  projectId: number
  environmentId: number
  jobId: number
  /** Once complete: 10 success, 20 error, 30 cancelled. */
  status: 10 | 20 | 30
  /** Answers that show the run running (status 3) before it is complete; default 0. */
  completeAfterPolls?: number
  gitSha?: string
  gitBranch?: string
  /** trigger.github_pull_request_id: a CI run's PR. */
  prNumber?: number
  cause?: string
  deferringRunId?: number
  /** Default true; false: no artifact is served. */
  artifactsSaved?: boolean
  createdAt: string
  finishedAt?: string
  /** By name (`manifest.json`): a file streamed from disk, or JSON. */
  artifacts?: Record<string, Artifact>
}

/** Answers before the normal one, each `times` times (default once), to requests whose path
 * matches (default all). */
export type Fault = { path?: RegExp; times?: number } & (
  | { status: number; retryAfter?: string }
  | { delayMs: number }
  | { hang: true }
  /** An artifact's first bytes, then the connection breaks. */
  | { cutAfterBytes: number }
  /** An artifact's first bytes, then nothing more, the connection left open. */
  | { stallAfterBytes: number }
)

/** Run pages link here, as dbt Cloud's own do to the account's access URL. */
export const ACCESS_URL = 'https://ab123.us1.dbt.com'
export const ACCOUNT = 70403
export const PROJECT = 1001
export const PROD_ENVIRONMENT = 2001
export const CI_ENVIRONMENT = 2002
export const PROD_JOB = 8801
export const MERGE_JOB = 8820
export const CI_JOB = 8812
export const PROD_RUN = 4100
export const CI_RUN = 4242
export const PR_NUMBER = 482
export const HEAD_SHA = 'c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f901'
export const MAIN_SHA = '7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0'

export const runPage = (
  origin: string,
  run: { accountId: number; projectId: number; id: number }
) => `${origin}/deploy/${run.accountId}/projects/${run.projectId}/runs/${run.id}/`

/** RunResponse: fields the description does not declare nullable are left out, not null. */
export function runBody(
  run: FakeRun,
  complete: boolean,
  related: Set<string>,
  job: FakeJob | undefined
): object {
  const status = complete ? run.status : 3
  const finished = complete && run.finishedAt !== undefined
  const words: Record<number, string> = {
    3: 'Running',
    10: 'Success',
    20: 'Error',
    30: 'Cancelled'
  }
  return {
    id: run.id,
    trigger_id: run.id + 100_000,
    account_id: run.accountId,
    environment_id: run.environmentId,
    project_id: run.projectId,
    job_definition_id: run.jobId,
    job_id: run.jobId,
    status,
    status_humanized: words[status],
    dbt_version: '1.10.5',
    ...(run.gitBranch === undefined ? {} : { git_branch: run.gitBranch }),
    ...(run.gitSha === undefined ? {} : { git_sha: run.gitSha }),
    ...(run.deferringRunId === undefined ? {} : { deferring_run_id: run.deferringRunId }),
    artifacts_saved: complete && run.artifactsSaved !== false,
    has_docs_generated: false,
    has_sources_generated: false,
    notifications_sent: complete,
    blocked_by: [],
    created_at: run.createdAt,
    updated_at: finished ? run.finishedAt : run.createdAt,
    started_at: run.createdAt,
    ...(finished ? { finished_at: run.finishedAt } : {}),
    in_progress: !complete,
    is_complete: complete,
    is_success: status === 10,
    is_error: status === 20,
    is_cancelled: status === 30,
    is_running: status === 3,
    href: runPage(ACCESS_URL, run),
    ...(related.has('trigger') ? { trigger: triggerBody(run) } : {}),
    ...(related.has('job') && job ? { job: internalJob(job) } : {})
  }
}

function triggerBody(run: FakeRun): object {
  const pr = run.prNumber
  return {
    cause:
      run.cause ??
      (pr === undefined
        ? 'Kicked off by the scheduler'
        : `Kicked off from GitHub pull request #${pr}`),
    job_definition_id: run.jobId,
    ...(run.gitBranch === undefined ? {} : { git_branch: run.gitBranch }),
    ...(run.gitSha === undefined ? {} : { git_sha: run.gitSha }),
    ...(pr === undefined
      ? { cause_category: 'scheduled' }
      : {
          github_pull_request_id: pr,
          schema_override: `dbt_cloud_pr_${run.jobId}_${pr}`,
          cause_category: 'ci'
        })
  }
}

/** InternalJobDefinition, the `job` of a run. */
function internalJob(job: FakeJob): object {
  return {
    account_id: job.accountId,
    project_id: job.projectId,
    environment_id: job.environmentId,
    name: job.name,
    ...(job.deferringEnvironmentId === undefined
      ? {}
      : { deferring_environment_id: job.deferringEnvironmentId }),
    ...(job.deferringJobId === undefined
      ? {}
      : { deferring_job_definition_id: job.deferringJobId }),
    execute_steps: [job.type === 'ci' ? 'dbt build --select state:modified+' : 'dbt build'],
    execution: { timeout_seconds: 0 },
    generate_docs: false,
    job_type: job.type,
    lifecycle_webhooks: false,
    run_compare_changes: false,
    run_generate_sources: false,
    run_lint: false,
    errors_on_lint_failure: true,
    settings: { threads: 4, target_name: job.type === 'ci' ? 'ci' : 'prod' },
    state: 1,
    triggers: { github_webhook: job.type === 'ci', schedule: job.type === 'scheduled' }
  }
}

/** HumanReadableJobDefinitionResponse (Retrieve Job). */
export function jobBody(job: FakeJob): object {
  return {
    ...internalJob(job),
    id: job.id,
    is_deferrable: job.type !== 'ci',
    lifecycle_webhooks_url: '',
    raw_dbt_version: '1.10.5',
    run_failure_count: 0,
    job_completion_trigger_condition: null,
    fusion_readiness: null,
    created_at: '2026-01-05T09:00:00Z',
    updated_at: '2026-11-02T09:00:00Z',
    account: { name: 'Jaffle Shop', state: 1 },
    project: { account_id: job.accountId, name: 'jaffle_shop', state: 1, type: 0 },
    environment: {
      account_id: job.accountId,
      project_id: job.projectId,
      name: job.environmentId === PROD_ENVIRONMENT ? 'Production' : 'CI',
      state: 1,
      supports_docs: true,
      type: 'deployment',
      deployment_type: job.environmentId === PROD_ENVIRONMENT ? 'production' : 'staging',
      use_custom_branch: false
    }
  }
}

const at = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`

export interface JaffleShopCloud {
  jobs: FakeJob[]
  runs: FakeRun[]
  /** The artifact files on disk. */
  files: { prodManifest: string; manifest: string; runResults: string }
}

/**
 * jaffle_shop in dbt Cloud: production job 8801 (runs 4090, 4100 on main), merge job 8820, and CI
 * job 8812 deferring to the production environment, whose run 4242 built PR #482 at HEAD_SHA,
 * deferring to run 4100. The runs serve changedProject(12) (production's manifest from 4100, the
 * PR's from 4242) and a run_results.json of 4242. `ci` and `prod` change those two runs.
 */
export function jaffleShopCloud(
  options: {
    ci?: Partial<FakeRun>
    prod?: Partial<FakeRun>
    runResults?: RunResultsOptions
    ciJob?: Partial<FakeJob>
    more?: FakeRun[]
  } = {}
): JaffleShopCloud {
  const { prod, pr } = changedProject(12)
  const dir = manifestDir()
  const files = {
    prodManifest: writeJson(join(dir, 'prod'), 'manifest.json', prod),
    manifest: writeJson(join(dir, 'ci'), 'manifest.json', pr),
    runResults: writeJson(
      join(dir, 'ci'),
      'run_results.json',
      buildRunResults(pr, options.runResults)
    )
  }
  const common = { accountId: ACCOUNT, projectId: PROJECT }
  const jobs: FakeJob[] = [
    {
      ...common,
      id: PROD_JOB,
      environmentId: PROD_ENVIRONMENT,
      name: 'Production',
      type: 'scheduled'
    },
    { ...common, id: MERGE_JOB, environmentId: PROD_ENVIRONMENT, name: 'Merge', type: 'merge' },
    {
      ...common,
      id: CI_JOB,
      environmentId: CI_ENVIRONMENT,
      name: 'CI',
      type: 'ci',
      deferringEnvironmentId: PROD_ENVIRONMENT,
      ...options.ciJob
    }
  ]
  const prodRun = (id: number, day: number): FakeRun => ({
    ...common,
    id,
    environmentId: PROD_ENVIRONMENT,
    jobId: PROD_JOB,
    status: 10,
    gitSha: MAIN_SHA,
    gitBranch: 'main',
    createdAt: at(day, 6),
    finishedAt: at(day, 7),
    artifacts: { 'manifest.json': { file: files.prodManifest } }
  })
  const runs: FakeRun[] = [
    prodRun(4090, 28),
    { ...prodRun(PROD_RUN, 29), ...options.prod },
    {
      ...common,
      id: CI_RUN,
      environmentId: CI_ENVIRONMENT,
      jobId: CI_JOB,
      status: 10,
      gitSha: HEAD_SHA,
      gitBranch: 'feature/orders-amount',
      prNumber: PR_NUMBER,
      deferringRunId: PROD_RUN,
      createdAt: at(30, 11),
      finishedAt: at(30, 12),
      artifacts: {
        'manifest.json': { file: files.manifest },
        'run_results.json': { file: files.runResults }
      },
      ...options.ci
    },
    ...(options.more ?? [])
  ]
  return { jobs, runs, files }
}

/** dbt Cloud's commit status for a run, as GitHub lists it or a `status` event carries it. */
export function dbtCloudStatus(
  run: { accountId: number; projectId: number; id: number },
  state: 'pending' | 'success' | 'failure' | 'error',
  origin = ACCESS_URL,
  context = 'dbt Cloud'
): { context: string; state: string; target_url: string } {
  return { context, state, target_url: runPage(origin, run) }
}
