// A dbt Cloud run as the finder uses it, read from the API's RunResponse (with the `trigger` and
// `job` related objects). The OpenAPI description declares no field nullable, yet the live API
// sends null for what a run does not have yet (finished_at, deferring_run_id, …): every field
// read is accepted absent or null, and unknown fields are ignored. Pure.
import { z } from 'zod'

/** RunResponse.status: 1 queued, 2 starting, 3 running, 10 success, 20 error, 30 cancelled. */
const STATUS_WORDS: Record<number, string> = {
  1: 'queued',
  2: 'starting',
  3: 'running',
  10: 'success',
  20: 'error',
  30: 'cancelled'
}
export const RUN_SUCCESS = 10
const FINISHED = new Set([10, 20, 30])

export interface RunInfo {
  id: number
  accountId: number
  projectId: number | null
  /** job_definition_id. */
  jobId: number | null
  environmentId: number | null
  /** queued, starting, running, success, error, cancelled (or `status N` for another). */
  status: string
  complete: boolean
  artifactsSaved: boolean
  /** The commit the run checked out. */
  gitSha: string | null
  gitBranch: string | null
  /** ISO 8601, when the run finished. */
  finishedAt: string | null
  /** The run's page in dbt Cloud. */
  url: string | null
  /** The run this one deferred to (state:modified compared against it). */
  deferringRunId: number | null
  trigger: { gitSha: string | null; pullRequest: number | null; cause: string | null }
  /** The run's job, when the answer included it. */
  job: {
    name: string | null
    /** ci, scheduled, merge, other, … */
    type: string | null
    deferringJobId: number | null
    deferringEnvironmentId: number | null
  } | null
}

const id = z.number().int().nullish()
const text = z.string().nullish()

const runSchema = z.object({
  id: z.number().int(),
  account_id: z.number().int(),
  project_id: id,
  environment_id: id,
  job_definition_id: id,
  job_id: id,
  status: z.number().int(),
  is_complete: z.boolean().nullish(),
  artifacts_saved: z.boolean().nullish(),
  git_sha: text,
  git_branch: text,
  finished_at: text,
  href: text,
  deferring_run_id: id,
  trigger: z.object({ git_sha: text, github_pull_request_id: id, cause: text }).nullish(),
  job: z
    .object({
      name: text,
      job_type: text,
      deferring_job_definition_id: id,
      deferring_environment_id: id
    })
    .nullish()
})

/** `{ data: RunResponse }` (Retrieve Run). */
export const runEnvelope = z.object({ data: runSchema })
/** `{ data: RunResponse[] }` (List Runs). */
export const runListEnvelope = z.object({ data: z.array(runSchema) })

export function runInfo(run: z.infer<typeof runSchema>): RunInfo {
  const { trigger, job } = run
  return {
    id: run.id,
    accountId: run.account_id,
    projectId: run.project_id ?? null,
    jobId: run.job_definition_id ?? run.job_id ?? null,
    environmentId: run.environment_id ?? null,
    status: STATUS_WORDS[run.status] ?? `status ${run.status}`,
    complete: run.is_complete ?? FINISHED.has(run.status),
    artifactsSaved: run.artifacts_saved ?? false,
    gitSha: run.git_sha ?? null,
    gitBranch: run.git_branch ?? null,
    finishedAt: run.finished_at ?? null,
    url: run.href ?? null,
    deferringRunId: run.deferring_run_id ?? null,
    trigger: {
      gitSha: trigger?.git_sha ?? null,
      pullRequest: trigger?.github_pull_request_id ?? null,
      cause: trigger?.cause ?? null
    },
    job: job
      ? {
          name: job.name ?? null,
          type: job.job_type ?? null,
          deferringJobId: job.deferring_job_definition_id ?? null,
          deferringEnvironmentId: job.deferring_environment_id ?? null
        }
      : null
  }
}

/** Whether a run was made for this commit: by the SHA it checked out or was triggered on, or, when
 * it has neither yet, by its pull request. */
export function isRunFor(run: RunInfo, sha: string, prNumber: number | null): boolean {
  const shas = [run.trigger.gitSha, run.gitSha].filter((s): s is string => Boolean(s))
  if (shas.length > 0) return shas.some((s) => s.toLowerCase() === sha.toLowerCase())
  return prNumber !== null && run.trigger.pullRequest === prNumber
}
