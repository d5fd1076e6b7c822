// Production's run, the one the PR's build is compared against, for a CI run: the run it deferred
// to (what dbt Cloud's state:modified compared with); else the latest successful run of
// dbt-cloud-prod-job-id; else of the job the CI job defers to; else the latest successful run
// outside CI in the environment it defers to. Each candidate must have saved its artifacts.
import type { DbtCloudClient, RunQuery } from './client.js'
import { dbtCloudErrors } from './errors.js'
import { RUN_SUCCESS, type RunInfo } from './runs.js'

export interface ProductionRun {
  run: RunInfo
  /** How it was found, in the report's words: `the run dbt Cloud run 12 deferred to`. */
  via: string
}

/** Recent successful runs looked through for one that fits. */
const RECENT = 20

export async function findProduction(
  ci: RunInfo,
  client: DbtCloudClient,
  prodJobId: number | null
): Promise<ProductionRun> {
  const tried: string[] = []
  if (ci.deferringRunId !== null) {
    return {
      run: await client.getRun(ci.deferringRunId),
      via: `the run dbt Cloud run ${ci.id} deferred to`
    }
  }
  tried.push('it deferred to no run')

  const latest = async (
    query: Omit<RunQuery, 'status' | 'orderBy' | 'limit'>,
    outsideCi = false
  ) => {
    const runs = await client.listRuns({
      ...query,
      status: RUN_SUCCESS,
      orderBy: '-finished_at',
      limit: RECENT
    })
    return (
      runs.find(
        (run) =>
          run.id !== ci.id &&
          run.status === 'success' &&
          run.artifactsSaved &&
          !(outsideCi && isCiRun(run))
      ) ?? null
    )
  }

  if (prodJobId !== null) {
    const run = await latest({ jobId: prodJobId })
    if (run)
      return { run, via: `the latest successful run of job ${prodJobId} (dbt-cloud-prod-job-id)` }
    tried.push(
      `job ${prodJobId} (dbt-cloud-prod-job-id) has no recent successful run with artifacts`
    )
  }

  const deferringJob = ci.job?.deferringJobId ?? null
  if (deferringJob !== null) {
    const run = await latest({ jobId: deferringJob })
    if (run)
      return {
        run,
        via: `the latest successful run of job ${deferringJob}, which the CI job defers to`
      }
    tried.push(
      `job ${deferringJob}, which the CI job defers to, has no recent successful run with artifacts`
    )
  } else tried.push('its job defers to no job')

  const environment = ci.job?.deferringEnvironmentId ?? null
  if (environment !== null) {
    const run = await latest({ environmentId: environment }, true)
    if (run) {
      return {
        run,
        via: `the latest successful run outside CI in environment ${environment}, which the CI job defers to`
      }
    }
    tried.push(
      `environment ${environment}, which the CI job defers to, has no recent successful run outside CI with artifacts`
    )
  } else tried.push('its job defers to no environment')

  throw dbtCloudErrors.noProductionRun(ci, tried)
}

/** A CI job's run, or a run made for a pull request. */
function isCiRun(run: RunInfo): boolean {
  return run.job?.type === 'ci' || run.trigger.pullRequest !== null
}
