// Production's run for a CI run, in the order the issue sets: the run it deferred to; the latest
// successful run of dbt-cloud-prod-job-id; of the job the CI job defers to; the latest successful
// run outside CI in the environment it defers to. Runs without artifacts never count.
import { describe, expect, it } from '@jest/globals'
import {
  ACCOUNT,
  CI_ENVIRONMENT,
  CI_JOB,
  CI_RUN,
  createDbtCloudHandler,
  handlerFetch,
  jaffleShopCloud,
  MERGE_JOB,
  PROD_ENVIRONMENT,
  PROD_JOB,
  PROD_RUN,
  PROJECT,
  type FakeJob,
  type FakeRun
} from '../../__fixtures__/fake-dbt-cloud.js'
import { createDbtCloudClient } from '../../src/dbt-cloud/client.js'
import { findProduction } from '../../src/dbt-cloud/production.js'

const TOKEN = 'dbtc_prod_lookup_token'

const run = (id: number, fields: Partial<FakeRun>): FakeRun => ({
  accountId: ACCOUNT,
  projectId: PROJECT,
  id,
  environmentId: PROD_ENVIRONMENT,
  jobId: PROD_JOB,
  status: 10,
  createdAt: `2026-11-${String(id % 28 || 1).padStart(2, '0')}T06:00:00Z`,
  finishedAt: `2026-11-${String(id % 28 || 1).padStart(2, '0')}T07:00:00Z`,
  ...fields
})

async function production(
  options: {
    ci?: Partial<FakeRun>
    ciJob?: Partial<FakeJob>
    more?: FakeRun[]
    prodJobId?: number | null
  } = {}
) {
  const scenario = jaffleShopCloud({ ci: options.ci, ciJob: options.ciJob, more: options.more })
  const handler = createDbtCloudHandler({ token: TOKEN, accounts: [ACCOUNT], ...scenario })
  const client = createDbtCloudClient({
    origin: 'https://ab123.us1.dbt.com',
    accountId: ACCOUNT,
    token: TOKEN,
    userAgent: 'test',
    fetch: handlerFetch(handler)
  })
  const ci = await client.getRun(CI_RUN)
  const queries = () => handler.requests.slice(1).map((r) => r.query)
  try {
    const found = await findProduction(ci, client, options.prodJobId ?? null)
    return { id: found.run.id, via: found.via, queries: queries() }
  } catch (error) {
    return { error: (error as Error).message, queries: queries() }
  }
}

const list = (filter: Record<string, string>) => ({
  ...filter,
  status: '10',
  order_by: '-finished_at',
  limit: '20',
  include_related: '["trigger","job"]'
})

describe('findProduction', () => {
  it('takes the run the CI run deferred to, asking for nothing else', async () => {
    const found = await production({ prodJobId: 9999 })
    expect(found).toEqual({
      id: PROD_RUN,
      via: `the run dbt Cloud run ${CI_RUN} deferred to`,
      queries: [{ include_related: '["trigger","job"]' }]
    })
  })

  it('else the latest successful run of dbt-cloud-prod-job-id that saved its artifacts', async () => {
    const found = await production({
      ci: { deferringRunId: undefined },
      more: [
        run(4300, { jobId: 8830, finishedAt: '2026-11-30T01:00:00Z' }),
        run(4310, { jobId: 8830, finishedAt: '2026-11-30T02:00:00Z', artifactsSaved: false }),
        run(4320, { jobId: 8830, finishedAt: '2026-11-30T03:00:00Z', status: 20 })
      ],
      prodJobId: 8830
    })
    expect(found).toEqual({
      id: 4300,
      via: 'the latest successful run of job 8830 (dbt-cloud-prod-job-id)',
      queries: [list({ job_definition_id: '8830' })]
    })
  })

  it('else of the job the CI job defers to', async () => {
    const found = await production({
      ci: { deferringRunId: undefined },
      ciJob: { deferringJobId: PROD_JOB }
    })
    expect(found).toEqual({
      id: PROD_RUN,
      via: `the latest successful run of job ${PROD_JOB}, which the CI job defers to`,
      queries: [list({ job_definition_id: String(PROD_JOB) })]
    })
  })

  it('else the latest successful run outside CI in the environment it defers to', async () => {
    const found = await production({
      ci: { deferringRunId: undefined },
      more: [
        // Newer, but a CI job's, and a run made for a pull request: not production.
        run(4400, { jobId: CI_JOB, finishedAt: '2026-11-30T05:00:00Z' }),
        run(4401, { jobId: 8840, prNumber: 12, finishedAt: '2026-11-30T04:00:00Z' }),
        // The merge job's run is production's too.
        run(4402, { jobId: MERGE_JOB, finishedAt: '2026-11-30T03:00:00Z' })
      ]
    })
    expect(found).toEqual({
      id: 4402,
      via: `the latest successful run outside CI in environment ${PROD_ENVIRONMENT}, which the CI job defers to`,
      queries: [list({ environment_id: String(PROD_ENVIRONMENT) })]
    })
  })

  it('else fails, saying what it looked at', async () => {
    const found = await production({
      ci: { deferringRunId: undefined },
      ciJob: { deferringEnvironmentId: CI_ENVIRONMENT + 1000 },
      prodJobId: 8830
    })
    expect(found.error).toBe(
      `no production run found for dbt Cloud run ${CI_RUN} (https://ab123.us1.dbt.com/deploy/${ACCOUNT}/projects/${PROJECT}/runs/${CI_RUN}/): it deferred to no run; job 8830 (dbt-cloud-prod-job-id) has no recent successful run with artifacts; its job defers to no job; environment ${CI_ENVIRONMENT + 1000}, which the CI job defers to, has no recent successful run outside CI with artifacts. Set dbt-cloud-prod-job-id to the job that builds production`
    )
    expect(found.queries).toHaveLength(2)
  })
})
