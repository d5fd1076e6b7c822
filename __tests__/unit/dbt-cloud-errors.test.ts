// Every way dbt Cloud mode stops, one row each: the situation, the message (naming the input to
// change and what to do), and that the message holds no piece of the token. Against the fake dbt
// Cloud without sockets, on a fake clock.
import { describe, expect, it } from '@jest/globals'
import {
  commitEvent,
  BY_JOB,
  dbtCloudHarness,
  dbtCloudInput,
  DBT_CLOUD_TOKEN
} from '../../__fixtures__/dbt-cloud-harness.js'
import {
  ACCESS_URL,
  ACCOUNT,
  CI_JOB,
  CI_RUN,
  dbtCloudStatus,
  HEAD_SHA,
  jaffleShopCloud,
  PROD_RUN,
  PROJECT,
  type Fault,
  type JaffleShopCloud
} from '../../__fixtures__/fake-dbt-cloud.js'
import type { CommitStatus, FindDbtCloudRunsOptions } from '../../src/dbt-cloud/find-runs.js'

const ci = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }
const page = (id: number) => `${ACCESS_URL}/deploy/${ACCOUNT}/projects/${PROJECT}/runs/${id}/`
const statusEvent = (state: 'pending' | 'success', origin = ACCESS_URL, context = 'dbt Cloud') => ({
  kind: 'status' as const,
  sha: HEAD_SHA,
  status: dbtCloudStatus(ci, state, origin, context)
})
const input = dbtCloudInput

interface Row {
  scenario?: JaffleShopCloud
  faults?: Fault[]
  statuses?: CommitStatus[][]
  options: Partial<FindDbtCloudRunsOptions>
  message: string
}

const ROWS: Record<string, Row> = {
  'the token is rejected (401)': {
    faults: [{ status: 401 }],
    options: { event: statusEvent('success') },
    message:
      "dbt Cloud rejected dbt-cloud-token (HTTP 401) at ab123.us1.dbt.com: check that the secret holds a current service token of this account, and that dbt-cloud-host is the account's access URL"
  },
  'the token may not read runs (403)': {
    faults: [{ status: 403 }],
    options: { event: statusEvent('success') },
    message:
      'dbt Cloud refused dbt-cloud-token (HTTP 403) at ab123.us1.dbt.com: give the service token a permission set that reads jobs, runs and artifacts (Read-Only, or Job Viewer on the project), and check dbt-cloud-account-id'
  },
  "the CI run's artifacts_saved is false": {
    scenario: jaffleShopCloud({ ci: { artifactsSaved: false } }),
    options: { event: statusEvent('success') },
    message: `dbt Cloud run ${CI_RUN} (${page(CI_RUN)}) saved no artifacts (artifacts_saved is false), so there is no manifest to compare: it may have been cancelled or failed before dbt ran; rerun the CI job`
  },
  "production's run saved no artifacts": {
    scenario: jaffleShopCloud({ prod: { artifactsSaved: false } }),
    options: { event: statusEvent('success') },
    message: `dbt Cloud run ${PROD_RUN} (${page(PROD_RUN)}) saved no artifacts (artifacts_saved is false), so there is no manifest to compare: it may have been cancelled or failed before dbt ran; rerun the CI job`
  },
  'no dbt Cloud status and no dbt-cloud-job-id': {
    statuses: [[{ context: 'ci/build', state: 'success', target_url: null }]],
    options: {},
    message: `no dbt Cloud commit status on ${HEAD_SHA} after 2m, and no dbt-cloud-job-id: set dbt-cloud-job-id to the CI job's id, or check that the dbt Cloud CI job reports to this repository`
  },
  'dbt-cloud-job-id, but neither host nor account to ask without a status': {
    options: { input: input({ jobId: CI_JOB }) },
    message: `no dbt Cloud commit status on ${HEAD_SHA}: to find the run of dbt-cloud-job-id without one, set dbt-cloud-host and dbt-cloud-account-id too`
  },
  'the run is still not complete at wait-timeout': {
    scenario: jaffleShopCloud({ ci: { completeAfterPolls: 1000 } }),
    options: { event: statusEvent('success'), waitTimeoutMs: 60_000 },
    message: `dbt Cloud run ${CI_RUN} was still not complete at wait-timeout (1m): raise wait-timeout, or run this workflow on: status, which starts once dbt Cloud reports`
  },
  "dbt Cloud's status is still pending at wait-timeout": {
    statuses: [[dbtCloudStatus(ci, 'pending')]],
    options: { waitTimeoutMs: 10 * 60_000 },
    message: `dbt Cloud run ${CI_RUN} (its status "dbt Cloud") was still not complete at wait-timeout (10m): raise wait-timeout, or run this workflow on: status, which starts once dbt Cloud reports`
  },
  'no run of dbt-cloud-job-id for the commit by wait-timeout': {
    scenario: jaffleShopCloud({ ci: { gitSha: 'f'.repeat(40), prNumber: 12 } }),
    options: { input: BY_JOB, waitTimeoutMs: 5 * 60_000 },
    message: `no run of dbt Cloud job ${CI_JOB} (dbt-cloud-job-id) for commit ${HEAD_SHA} within wait-timeout (5m): check that dbt-cloud-job-id is the CI job that builds this repository's pull requests, or raise wait-timeout`
  },
  'no production run found': {
    scenario: jaffleShopCloud({
      ci: { deferringRunId: undefined },
      ciJob: { deferringEnvironmentId: undefined }
    }),
    options: { event: statusEvent('success') },
    message: `no production run found for dbt Cloud run ${CI_RUN} (${page(CI_RUN)}): it deferred to no run; its job defers to no job; its job defers to no environment. Set dbt-cloud-prod-job-id to the job that builds production`
  },
  'a status on another host': {
    options: { event: statusEvent('success', 'https://evil.example') },
    message:
      "dbt Cloud's commit status links to evil.example, which is not a dbt Cloud host (*.getdbt.com, *.dbt.com): nothing was sent there. If evil.example is your account's access URL, set dbt-cloud-host to it"
  },
  'a status on another account than dbt-cloud-account-id': {
    options: { event: statusEvent('success'), input: input({ accountId: 1 }) },
    message: `dbt Cloud's commit status links to a run of account ${ACCOUNT}, but dbt-cloud-account-id is 1: correct dbt-cloud-account-id, or leave it empty`
  },
  'a dbt Cloud status that links to no run': {
    options: {
      event: {
        kind: 'status',
        sha: HEAD_SHA,
        status: { context: 'dbt Cloud', state: 'success', target_url: `${ACCESS_URL}/deploy/` }
      }
    },
    message:
      'the commit status "dbt Cloud" does not link to a dbt Cloud run (https://{host}/deploy/{account}/projects/{project}/runs/{run}/): set dbt-cloud-job-id, dbt-cloud-host and dbt-cloud-account-id to find the run without it'
  },
  'several dbt Cloud statuses and no dbt-cloud-job-id': {
    statuses: [
      [
        dbtCloudStatus(ci, 'success', ACCESS_URL, 'dbt Cloud: CI'),
        dbtCloudStatus({ ...ci, id: 4250 }, 'success', ACCESS_URL, 'dbt Cloud: slim CI')
      ]
    ],
    options: {},
    message:
      'several dbt Cloud commit statuses (dbt Cloud: CI, dbt Cloud: slim CI): set dbt-cloud-job-id to the CI job whose build to compare'
  },
  'a lasting outage': {
    faults: [{ status: 503, times: 5 }],
    options: { event: statusEvent('success') },
    message: `gave up on run ${CI_RUN} at ab123.us1.dbt.com after 5 tries; the last ended in HTTP 503: Fault.`
  }
}

describe('dbt Cloud mode stops with a message that says what to do', () => {
  it.each(Object.entries(ROWS))('%s', async (_, row) => {
    const harness = dbtCloudHarness({
      scenario: row.scenario,
      faults: row.faults,
      statuses: row.statuses
    })
    const message = await harness.failure({ event: commitEvent, ...row.options })
    expect(message).toBe(row.message)
    for (let at = 0; at + 6 <= DBT_CLOUD_TOKEN.length; at++) {
      expect(message).not.toContain(DBT_CLOUD_TOKEN.slice(at, at + 6))
    }
    expect(harness.logs.join('\n')).not.toContain(DBT_CLOUD_TOKEN)
  })

  it('and a status on another host receives no request, nor does any host', async () => {
    const harness = dbtCloudHarness()
    await harness.failure({ event: statusEvent('success', 'https://evil.example') })
    expect(harness.fetched).toEqual([])
  })
})
