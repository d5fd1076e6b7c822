// The dbt Cloud operations dbt Cloud mode uses (Administrative API v2): one run, the runs of a job
// or an environment, and a run's artifact, streamed. Each run comes with its `trigger` and `job`.
import type { ZodType } from 'zod'
import { DbtCloudError, dbtCloudErrors, type NamedRun } from './errors.js'
import { runEnvelope, runInfo, runListEnvelope, type RunInfo } from './runs.js'
import { createTransport, type TransportOptions } from './transport.js'

/** The filters of List Runs the finder uses. */
export interface RunQuery {
  jobId?: number
  environmentId?: number
  /** 10: successful runs only. */
  status?: number
  orderBy: '-id' | '-finished_at'
  limit: number
}

export interface DbtCloudClient {
  /** Where the token goes: `https://host`. */
  origin: string
  accountId: number
  getRun(runId: number): Promise<RunInfo>
  listRuns(query: RunQuery): Promise<RunInfo[]>
  /** A run's artifact (`manifest.json`, `run_results.json`), as it downloads. */
  openArtifact(run: NamedRun, name: string): AsyncIterable<Uint8Array>
}

/** The related objects asked for with every run: its trigger (commit, PR) and its job. */
const RELATED = '["trigger","job"]'

export function createDbtCloudClient(options: TransportOptions): DbtCloudClient {
  const transport = createTransport(options)
  const host = new URL(options.origin).host
  const account = options.accountId
  const shaped =
    <T>(schema: ZodType<T>, what: string, expected: string) =>
    (body: unknown): T => {
      const parsed = schema.safeParse(body)
      if (parsed.success) return parsed.data
      const issue = parsed.error.issues[0]
      const where = issue?.path.join('.') || 'the body'
      throw new DbtCloudError(
        `dbt Cloud's answer to ${what} is not ${expected}: ${where}: ${issue?.message ?? 'invalid'}`
      )
    }
  return {
    origin: options.origin,
    accountId: account,
    async getRun(runId) {
      const what = `run ${runId}`
      const { data } = await transport.json(
        {
          path: `runs/${runId}/`,
          query: { include_related: RELATED },
          what,
          notFound: () =>
            new DbtCloudError(
              `dbt Cloud has no run ${runId} in account ${account} at ${host} (HTTP 404): check dbt-cloud-account-id, and that the token belongs to that account`
            )
        },
        shaped(runEnvelope, what, 'a run')
      )
      return runInfo(data)
    },
    async listRuns(query) {
      const what =
        query.jobId !== undefined
          ? `the runs of job ${query.jobId}`
          : `the runs of environment ${query.environmentId ?? '?'}`
      const { data } = await transport.json(
        {
          path: 'runs/',
          query: {
            ...(query.jobId === undefined ? {} : { job_definition_id: query.jobId }),
            ...(query.environmentId === undefined ? {} : { environment_id: query.environmentId }),
            ...(query.status === undefined ? {} : { status: query.status }),
            order_by: query.orderBy,
            limit: query.limit,
            include_related: RELATED
          },
          what,
          notFound: () =>
            new DbtCloudError(
              `dbt Cloud has no account ${account} at ${host} (HTTP 404 for ${what}): check dbt-cloud-account-id and dbt-cloud-host`
            )
        },
        shaped(runListEnvelope, what, 'a list of runs')
      )
      return data.map(runInfo)
    },
    openArtifact(run, name) {
      return transport.stream({
        path: `runs/${run.id}/artifacts/${name}`,
        what: `${name} of run ${run.id}`,
        notFound: () => dbtCloudErrors.noArtifact(run, name)
      })
    }
  }
}
