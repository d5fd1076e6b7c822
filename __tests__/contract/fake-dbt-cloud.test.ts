// The fake dbt Cloud answers only what dbt Labs' OpenAPI description allows (its bodies checked
// closed: no field the description does not name), and the action asks only what it declares.
// The description's copy must equal the team's shared one where that is beside the repository.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import {
  answerProblems,
  dbtCloudContract,
  requestProblems
} from '../../__fixtures__/dbt-cloud-contract.js'
import { dbtCloudHarness, DBT_CLOUD_TOKEN } from '../../__fixtures__/dbt-cloud-harness.js'
import {
  ACCESS_URL,
  ACCOUNT,
  CI_JOB,
  CI_RUN,
  createDbtCloudHandler,
  dbtCloudStatus,
  jaffleShopCloud,
  PROD_JOB,
  PROD_RUN,
  PROJECT,
  type DbtCloudRequest
} from '../../__fixtures__/fake-dbt-cloud.js'
import { readManifest } from '../../src/dbt/read-manifest.js'
import { readRunResults } from '../../src/dbt/run-results.js'

const here = dirname(fileURLToPath(import.meta.url))
const shared = resolve(here, '../../../shared/dbt-cloud/openapi-v2-runs.json')
const ci = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }
const auth = { authorization: `Token ${DBT_CLOUD_TOKEN}` }
const base = `/api/v2/accounts/${ACCOUNT}`

/** Every request and answer of the finder's three ways to a run, artifacts read. */
async function finderTraffic(): Promise<DbtCloudRequest[]> {
  const requests: DbtCloudRequest[] = []
  const flows = [
    { event: { kind: 'status' as const, sha: 'x', status: dbtCloudStatus(ci, 'success') } },
    {
      scenario: jaffleShopCloud({ ci: { deferringRunId: undefined, completeAfterPolls: 1 } }),
      input: {
        token: DBT_CLOUD_TOKEN,
        host: ACCESS_URL,
        accountId: ACCOUNT,
        jobId: CI_JOB,
        prodJobId: null
      }
    },
    {
      scenario: jaffleShopCloud({ ci: { deferringRunId: undefined } }),
      statuses: [[dbtCloudStatus(ci, 'success')]],
      input: {
        token: DBT_CLOUD_TOKEN,
        host: null,
        accountId: null,
        jobId: CI_JOB,
        prodJobId: PROD_JOB
      }
    }
  ]
  for (const { scenario, statuses, ...options } of flows) {
    const harness = dbtCloudHarness({ scenario, statuses })
    const found = await harness.find(options)
    if (found.kind !== 'found') throw new Error(found.message)
    await readManifest(found.files.prodManifest, { open: found.open })
    await readManifest(found.files.manifest, { open: found.open })
    await readRunResults(found.files.runResults, { open: found.open })
    requests.push(...harness.handler.requests)
  }
  return requests
}

/** The fake's answer to each route, and to requests it refuses. */
function everyRoute(): DbtCloudRequest[] {
  const handler = createDbtCloudHandler({
    token: DBT_CLOUD_TOKEN,
    accounts: [ACCOUNT],
    ...jaffleShopCloud()
  })
  const get = (path: string, headers: Record<string, string> = auth) =>
    handler.handle({ method: 'GET', url: path, headers })
  get(`${base}/runs/${CI_RUN}/`)
  get(`${base}/runs/${CI_RUN}/?include_related=trigger,job`)
  get(`${base}/runs/?order_by=-id&limit=2&offset=1&include_related=["trigger"]`)
  get(`${base}/runs/?environment_id=2001&status=10&order_by=-finished_at`)
  get(`${base}/runs/${PROD_RUN}/artifacts/`)
  get(`${base}/jobs/${CI_JOB}/`)
  get(`${base}/jobs/${PROD_JOB}/`)
  get(`${base}/runs/${CI_RUN}/`, { authorization: 'Token wrong' })
  get(`/api/v2/accounts/1/runs/${CI_RUN}/`)
  get(`${base}/runs/999/`)
  get(`${base}/runs/?job=1`)
  return handler.requests
}

describe('the fake dbt Cloud answers only what the description allows', () => {
  it('on every request of the finder, and on every route', async () => {
    const requests = [...(await finderTraffic()), ...everyRoute()]
    const problems = requests.flatMap((request) =>
      answerProblems(request).map((p) => `${request.path} → ${String(request.status)}: ${p}`)
    )
    expect(problems).toEqual([])
    // Each operation was answered, and each kind of refusal.
    expect(new Set(requests.map((r) => r.operation).filter(Boolean))).toEqual(
      new Set([
        'GET /api/v2/accounts/{account_id}/runs/',
        'GET /api/v2/accounts/{account_id}/runs/{id}/',
        'GET /api/v2/accounts/{account_id}/runs/{run_id}/artifacts/',
        'GET /api/v2/accounts/{account_id}/runs/{run_id}/artifacts/{remainder}',
        'GET /api/v2/accounts/{account_id}/jobs/{id}/'
      ])
    )
    expect(new Set(requests.map((r) => r.status))).toEqual(new Set([200, 400, 401, 403, 404]))
  })

  it('and the action sends only requests it declares', async () => {
    const requests = await finderTraffic()
    expect(requests.flatMap((request) => requestProblems(request))).toEqual([])
    expect(requests.length).toBeGreaterThan(10)
  })
})

describe('the checks can fail', () => {
  it('a run with a field the description does not name, or of the wrong type', () => {
    const run = { id: 1, created_at: '2026-11-30T12:00:00Z', updated_at: '2026-11-30T12:00:00Z' }
    const target = 'GET /api/v2/accounts/{account_id}/runs/{id}/ 200'
    const status = { is_success: true, user_message: '', developer_message: '' }
    expect(dbtCloudContract.validate(target, { data: run, status }, { closed: true }).valid).toBe(
      true
    )
    expect(
      dbtCloudContract.validate(
        target,
        { data: { ...run, pr_number: 4 }, status },
        { closed: true }
      ).errors
    ).toEqual([expect.stringContaining('(pr_number)')])
    expect(
      dbtCloudContract.validate(target, { data: { ...run, finished_at: null }, status }).valid
    ).toBe(false)
  })

  it('a request with an undeclared parameter, a wrong type, or no token', () => {
    expect(
      requestProblems({
        method: 'GET',
        pathname: `${base}/runs/`,
        query: { job: '8812', limit: 'ten' },
        headers: {}
      })
    ).toEqual([
      '/api/v2/accounts/{account_id}/runs/: query limit="ten" does not fit its type',
      '/api/v2/accounts/{account_id}/runs/: query job is not a parameter of this operation',
      '/api/v2/accounts/{account_id}/runs/: no Authorization: Token <token> header'
    ])
    expect(
      requestProblems({ method: 'POST', pathname: `${base}/runs/`, query: {}, headers: auth })
    ).toEqual([`POST ${base}/runs/: no such operation`])
  })

  it('and the fake refuses what the description does not declare', () => {
    const requests = everyRoute()
    expect(requests.find((r) => r.path.endsWith('?job=1'))?.status).toBe(400)
  })
})

describe('the description copy', () => {
  const itWhenShared = existsSync(shared) ? it : it.skip
  itWhenShared('is the same as shared/dbt-cloud', () => {
    expect(readFileSync(dbtCloudContract.path, 'utf8')).toBe(readFileSync(shared, 'utf8'))
  })
})
