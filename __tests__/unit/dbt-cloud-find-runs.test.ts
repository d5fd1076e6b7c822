// Finding the CI run and production's, against the fake dbt Cloud (no sockets) with a fake clock:
// from a `status` event, from a pull_request's commit statuses (waiting while pending), and from
// dbt-cloud-job-id's runs when the commit has no dbt Cloud status. Each test checks what was
// asked of dbt Cloud, and what was waited.
import { describe, expect, it } from '@jest/globals'
import {
  commitEvent,
  dbtCloudHarness,
  BY_JOB,
  dbtCloudInput,
  START
} from '../../__fixtures__/dbt-cloud-harness.js'
import {
  ACCESS_URL,
  ACCOUNT,
  CI_ENVIRONMENT,
  CI_JOB,
  CI_RUN,
  dbtCloudStatus,
  HEAD_SHA,
  jaffleShopCloud,
  PR_NUMBER,
  PROD_RUN,
  PROJECT,
  type FakeRun
} from '../../__fixtures__/fake-dbt-cloud.js'
import { readManifest } from '../../src/dbt/read-manifest.js'
import { readRunResults } from '../../src/dbt/run-results.js'
import type { DbtCloudRuns } from '../../src/dbt-cloud/find-runs.js'

const ci = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }
const statusEvent = (state: 'pending' | 'success' | 'failure', origin = ACCESS_URL) => ({
  kind: 'status' as const,
  sha: HEAD_SHA,
  status: dbtCloudStatus(ci, state, origin)
})
const paths = (harness: ReturnType<typeof dbtCloudHarness>) =>
  harness.handler.requests.map((r) => r.path.replace(/\?include_related=.*$/, ''))

function found(result: DbtCloudRuns) {
  if (result.kind !== 'found')
    throw new Error(`expected runs, got ${result.kind}: ${result.message}`)
  return result
}

/** A CI run of job 8812 for another commit. */
const otherCiRun = (id: number, sha: string, pr = 477): FakeRun => ({
  accountId: ACCOUNT,
  projectId: PROJECT,
  id,
  environmentId: CI_ENVIRONMENT,
  jobId: CI_JOB,
  status: 10,
  gitSha: sha,
  prNumber: pr,
  createdAt: '2026-11-30T12:30:00Z',
  finishedAt: '2026-11-30T12:40:00Z'
})

describe('a status event', () => {
  it("from dbt Cloud, final: the run it links to, production's run it deferred to, their artifacts", async () => {
    const harness = dbtCloudHarness()
    const result = found(await harness.find({ event: statusEvent('success') }))
    expect(result.ci).toMatchObject({ id: CI_RUN, jobId: CI_JOB, gitSha: HEAD_SHA })
    expect(result.production).toMatchObject({
      run: { id: PROD_RUN, jobId: 8801, finishedAt: '2026-11-29T07:00:00Z' },
      via: `the run dbt Cloud run ${CI_RUN} deferred to`,
      // Production's run finished 30 hours before the lookup.
      ageMs: START - Date.UTC(2026, 10, 29, 7)
    })
    expect([result.headSha, result.prNumber]).toEqual([HEAD_SHA, PR_NUMBER])
    expect(harness.sleeps).toEqual([])
    expect(harness.statusLooks).toEqual([])
    expect(paths(harness)).toEqual([
      `/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/`,
      `/api/v2/accounts/${ACCOUNT}/runs/${PROD_RUN}/`
    ])
    expect(new Set(harness.fetched.map((url) => new URL(url).origin))).toEqual(
      new Set([ACCESS_URL])
    )

    // The artifacts, read the way dbt mode reads files, each downloaded once.
    const prod = await readManifest(result.files.prodManifest, { open: result.open })
    const pr = await readManifest(result.files.manifest, { open: result.open })
    const built = await readRunResults(result.files.runResults, { open: result.open })
    expect(prod.nodes.get('model.jaffle_shop.orders')?.schema).toBe('core')
    expect(pr.nodes.get('model.jaffle_shop.orders')?.schema).toBe('dbt_pr_482')
    expect(built.built.has('model.jaffle_shop.orders')).toBe(true)
    expect(paths(harness).slice(2)).toEqual([
      `/api/v2/accounts/${ACCOUNT}/runs/${PROD_RUN}/artifacts/manifest.json`,
      `/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/artifacts/manifest.json`,
      `/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/artifacts/run_results.json`
    ])
    expect(result.files).toEqual({
      prodManifest: `manifest.json of dbt Cloud run ${PROD_RUN}`,
      manifest: `manifest.json of dbt Cloud run ${CI_RUN}`,
      runResults: `run_results.json of dbt Cloud run ${CI_RUN}`
    })
  })

  it('of a failed build goes on: run_results.json says which models were built', async () => {
    const harness = dbtCloudHarness({ scenario: jaffleShopCloud({ ci: { status: 20 } }) })
    expect(found(await harness.find({ event: statusEvent('failure') })).ci.status).toBe('error')
  })

  it.each([
    [
      'not from dbt Cloud',
      {
        ...statusEvent('success'),
        status: { ...statusEvent('success').status, context: 'ci/build' }
      },
      {
        kind: 'not-ours',
        message: 'The commit status "ci/build" is not dbt Cloud\'s: nothing to compare'
      }
    ],
    [
      'pending',
      statusEvent('pending'),
      {
        kind: 'not-yet',
        message: `dbt Cloud run ${CI_RUN} has not finished (its status on ${HEAD_SHA} is pending): this workflow runs again when dbt Cloud reports`
      }
    ]
  ])('%s: nothing to do, and nothing asked of dbt Cloud', async (_, event, expected) => {
    const harness = dbtCloudHarness()
    expect(await harness.find({ event })).toEqual(expected)
    expect(harness.fetched).toEqual([])
  })

  it('of another job than dbt-cloud-job-id: nothing to do', async () => {
    const harness = dbtCloudHarness()
    const input = dbtCloudInput({ jobId: 9999 })
    expect(await harness.find({ event: statusEvent('success'), input })).toEqual({
      kind: 'not-ours',
      message: `dbt Cloud run ${CI_RUN} is a run of job ${CI_JOB}, not of dbt-cloud-job-id 9999: nothing to compare`
    })
    expect(paths(harness)).toEqual([`/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/`])
  })

  it('linking to another host: refused, naming it, and nothing is sent anywhere', async () => {
    const harness = dbtCloudHarness()
    expect(
      await harness.failure({ event: statusEvent('success', 'https://dbt-cloud.evil.example') })
    ).toBe(
      "dbt Cloud's commit status links to dbt-cloud.evil.example, which is not a dbt Cloud host (*.getdbt.com, *.dbt.com): nothing was sent there. If dbt-cloud.evil.example is your account's access URL, set dbt-cloud-host to it"
    )
    expect(harness.fetched).toEqual([])
  })

  it('final before the run says complete: waits for the run', async () => {
    const harness = dbtCloudHarness({
      scenario: jaffleShopCloud({ ci: { completeAfterPolls: 2 } })
    })
    expect(found(await harness.find({ event: statusEvent('success') })).ci.id).toBe(CI_RUN)
    expect(harness.sleeps).toEqual([15_000, 15_000])
    expect(harness.logs[0]).toBe(`dbt Cloud run ${CI_RUN} is running; waiting for it to complete`)
  })

  it('asks dbt-cloud-host, when given, rather than the host the status links to', async () => {
    const harness = dbtCloudHarness()
    const input = dbtCloudInput({ host: 'https://xy789.us2.dbt.com', accountId: ACCOUNT })
    found(await harness.find({ event: statusEvent('success', 'https://cloud.getdbt.com'), input }))
    expect(new Set(harness.fetched.map((url) => new URL(url).origin))).toEqual(
      new Set(['https://xy789.us2.dbt.com'])
    )
  })
})

describe('a pull_request event', () => {
  it("waits while dbt Cloud's status is pending, then takes its run", async () => {
    const harness = dbtCloudHarness({
      statuses: [
        [{ context: 'ci/build', state: 'success', target_url: null }],
        [dbtCloudStatus(ci, 'pending')],
        [dbtCloudStatus(ci, 'pending')],
        [dbtCloudStatus(ci, 'success'), dbtCloudStatus(ci, 'pending')]
      ]
    })
    const result = found(await harness.find())
    expect(result.ci.id).toBe(CI_RUN)
    expect(harness.statusLooks).toEqual([HEAD_SHA, HEAD_SHA, HEAD_SHA, HEAD_SHA])
    expect(harness.sleeps).toEqual([15_000, 15_000, 15_000])
    // dbt Cloud is asked only once its status is final.
    expect(paths(harness)).toEqual([
      `/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/`,
      `/api/v2/accounts/${ACCOUNT}/runs/${PROD_RUN}/`
    ])
    expect(harness.logs.slice(0, 2)).toEqual([
      `No dbt Cloud commit status on ${HEAD_SHA} yet; waiting for one`,
      `dbt Cloud's status "dbt Cloud" on ${HEAD_SHA} is pending (run ${CI_RUN}); waiting for it`
    ])
  })

  it("with no dbt Cloud status, takes dbt-cloud-job-id's run for the head commit among others", async () => {
    const scenario = jaffleShopCloud({
      more: [
        otherCiRun(4250, 'aaaa111122223333444455556666777788889999'),
        otherCiRun(4251, 'bbbb111122223333444455556666777788889999', PR_NUMBER)
      ]
    })
    const harness = dbtCloudHarness({ scenario })
    const result = found(await harness.find({ input: BY_JOB }))
    expect(result.ci.id).toBe(CI_RUN)
    expect(harness.handler.requests[0]?.query).toEqual({
      job_definition_id: String(CI_JOB),
      order_by: '-id',
      limit: '100',
      include_related: '["trigger","job"]'
    })
  })

  it('finds production through the deferring environment when the run deferred to none', async () => {
    const scenario = jaffleShopCloud({ ci: { deferringRunId: undefined } })
    const harness = dbtCloudHarness({ scenario, statuses: [[dbtCloudStatus(ci, 'success')]] })
    const result = found(await harness.find())
    expect(result.production.run.id).toBe(PROD_RUN)
    expect(result.production.via).toBe(
      'the latest successful run outside CI in environment 2001, which the CI job defers to'
    )
  })

  it("waits while the job's run is not complete", async () => {
    const scenario = jaffleShopCloud({ ci: { completeAfterPolls: 3 } })
    const harness = dbtCloudHarness({ scenario })
    expect(found(await harness.find({ input: BY_JOB })).ci.complete).toBe(true)
    expect(harness.sleeps).toEqual([15_000, 15_000, 15_000])
    expect(harness.logs[0]).toBe(`dbt Cloud run ${CI_RUN} is running; waiting for it to complete`)
  })

  it('with several dbt Cloud statuses, follows the one of dbt-cloud-job-id', async () => {
    const other = { accountId: ACCOUNT, projectId: PROJECT, id: 4250 }
    const scenario = jaffleShopCloud({
      more: [{ ...otherCiRun(4250, HEAD_SHA), jobId: 8899 }]
    })
    const statuses = [
      [
        dbtCloudStatus(other, 'success', ACCESS_URL, 'dbt Cloud: other CI'),
        dbtCloudStatus(ci, 'success')
      ]
    ]
    const harness = dbtCloudHarness({ scenario, statuses })
    // No host nor account given: the statuses name them.
    const input = dbtCloudInput({ jobId: CI_JOB })
    expect(found(await harness.find({ input })).ci.id).toBe(CI_RUN)
  })

  it('looks once when wait-timeout is 0', async () => {
    const harness = dbtCloudHarness({ statuses: [[dbtCloudStatus(ci, 'pending')]] })
    await harness.failure({ waitTimeoutMs: 0 })
    expect(harness.statusLooks).toHaveLength(1)
    expect(harness.sleeps).toEqual([])
  })

  it('tries a request again under wait-timeout 0, which only stops the waiting', async () => {
    const harness = dbtCloudHarness({ faults: [{ status: 503 }] })
    const result = await harness.find({ event: statusEvent('success'), waitTimeoutMs: 0 })
    expect(found(result).ci.id).toBe(CI_RUN)
    expect(harness.sleeps).toEqual([1_000])
  })

  it('takes the PR from the run when the event names none', async () => {
    const harness = dbtCloudHarness({ statuses: [[dbtCloudStatus(ci, 'success')]] })
    const result = found(await harness.find({ event: { ...commitEvent, prNumber: null } }))
    expect(result.prNumber).toBe(PR_NUMBER)
  })
})
