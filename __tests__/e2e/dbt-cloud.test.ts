// dbt Cloud mode on the bundle: `node dist/index.js` against the fake Datafold, the fake GitHub and
// the fake dbt Cloud, all on 127.0.0.1. A `status` event from dbt Cloud compares the CI run's
// manifest with production's (the same diffs dbt mode makes of that pair, minus what the build did
// not build), comments on the PR and posts the verdict on its head; a `pull_request` event waits
// for dbt Cloud's pending status; dbt-cloud-job-id finds the run without a status; each error is
// one clear line with nothing created at Datafold; a status that is not this step's is nothing to
// do; the token reaches dbt Cloud's host only and no written byte (the harness's sweep).
import { dirname } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import {
  ACCESS_URL,
  ACCOUNT,
  CI_ENVIRONMENT,
  CI_JOB,
  CI_RUN,
  dbtCloudStatus,
  HEAD_SHA,
  jaffleShopCloud,
  MAIN_SHA,
  MERGE_JOB,
  PROD_ENVIRONMENT,
  PROD_RUN,
  PROJECT,
  runPage,
  startFakeDbtCloud,
  type FakeDbtCloudOptions,
  type JaffleShopCloud
} from '../../__fixtures__/fake-dbt-cloud.js'
import type { FakeGitHubOptions } from '../../__fixtures__/fake-github.js'
import { firstError, type RunOptions } from '../../__fixtures__/harness.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { runnerLogLine } from '../../scripts/demo-log.js'

const TOKEN = 'dbtc_e2e_Wq7Lm3Np9Xr2Tv5Kb8Hd'
const harness = sweptHarness(suiteSecrets('cloud', [TOKEN]))

/** The default branch's last commit: GITHUB_SHA of a run `on: status`. */
const DEFAULT_BRANCH_SHA = '0123456789abcdef0123456789abcdef01234567'
const ciRun = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }
/** Ten times what a run takes on a busy 2-core machine. */
const RUN_TIMEOUT = 60_000

/** The fakes: Datafold (every created diff changed 250 rows), GitHub with PR 482 at HEAD_SHA. */
const start = (github: FakeGitHubOptions = {}) =>
  harness.start({
    scenarios: {},
    datafold: {
      dataSources: dataSources(),
      create: { polls: 1, summary: (_body, id) => sameDbDone({ id, differences: { amount: 250 } }) }
    },
    github: { pulls: [{ number: 482, headSha: HEAD_SHA }], ...github }
  })

async function dbtCloud(
  scenario: JaffleShopCloud = jaffleShopCloud(),
  options: Partial<FakeDbtCloudOptions> = {}
) {
  return harness.track(
    await startFakeDbtCloud({ token: TOKEN, accounts: [ACCOUNT], ...scenario, ...options })
  )
}

/** dbt Cloud mode's inputs, at the fake dbt Cloud. */
const cloudInputs = (host: string, inputs: Record<string, string> = {}) => ({
  'dbt-cloud-token': TOKEN,
  'dbt-cloud-host': host,
  'data-source': 'warehouse',
  ...inputs
})

/** A run started by dbt Cloud's commit status on HEAD_SHA (GITHUB_SHA is the default branch's). */
const onStatus = (
  status: { context: string; state: string; target_url: string | null },
  inputs: Record<string, string>
): RunOptions => ({
  inputs,
  eventName: 'status',
  payload: { sha: HEAD_SHA, ...status },
  env: { GITHUB_SHA: DEFAULT_BRANCH_SHA },
  timeoutMs: RUN_TIMEOUT
})

/** A run started by PR 482's pull_request event. */
const onPullRequest = (inputs: Record<string, string>, timeoutMs = RUN_TIMEOUT): RunOptions => ({
  inputs,
  eventName: 'pull_request',
  payload: { pull_request: { number: 482, head: { sha: HEAD_SHA } } },
  timeoutMs
})

/** The step's failure message as the job's log shows it, the command decoded. */
const failure = (run: Parameters<typeof firstError>[0]): string =>
  runnerLogLine(firstError(run)) ?? ''

describe('dbt Cloud mode on the bundle', () => {
  it(
    "on dbt Cloud's status: dbt mode's diffs of the same manifests, minus what was not built; a comment, the verdict on the PR head, the runs named",
    async () => {
      const scenario = jaffleShopCloud({
        runResults: { statuses: { 'model.jaffle_shop.orders': 'error' } }
      })
      // dbt mode on the very files the fake dbt Cloud serves, in a workspace of its own.
      const files = await start()
      const workspace = dirname(dirname(scenario.files.prodManifest))
      const dbtMode = await files.run('', {
        ...onPullRequest({
          'dbt-prod-manifest': 'prod/manifest.json',
          'dbt-manifest': 'ci/manifest.json',
          'data-source': 'warehouse'
        }),
        env: { GITHUB_WORKSPACE: workspace }
      })
      expect(dbtMode.code).toBe(0)
      const dbtModeBodies = files.datafold.created.map((c) => c.body)
      expect(dbtModeBodies.map((body) => body.table2)).toEqual([
        ['analytics', 'dbt_pr_482', 'customers'],
        ['analytics', 'dbt_pr_482', 'orders'],
        ['analytics', 'dbt_pr_482', 'payments']
      ])

      const fakes = await start()
      const { datafold, github } = fakes
      const cloud = await dbtCloud(scenario)
      const run = await fakes.run(
        '',
        onStatus(dbtCloudStatus(ciRun, 'success', cloud.url), cloudInputs(cloud.url))
      )

      expect([run.code, failure(run)]).toEqual([0, ''])
      expect(datafold.created.map((c) => c.body)).toEqual(
        dbtModeBodies.filter((body) => !String(body.table2).endsWith('orders'))
      )
      expect(run.stdout).toContain(
        "::warning::dbt model not compared: orders (models/marts/orders.sql): not built: run_results.json of dbt Cloud run 4242 says error: its table in the PR's schema is missing or stale; fix the build"
      )
      // The PR was found from the commit: the comment is on it, the verdict on its head.
      const [comment] = github.commentsOn(482)
      expect(comment?.body).toContain(
        `**dbt Cloud**: run [4242](${runPage(ACCESS_URL, ciRun)}) (job CI, 8812) of commit <code>c0ffee5</code> built the PR, against production's run [4100](${runPage(ACCESS_URL, { ...ciRun, id: PROD_RUN })}) (job Production, 8801) of commit <code>7d1e2f3</code>, `
      )
      expect(comment?.body).toContain('(the run dbt Cloud run 4242 deferred to)')
      expect(github.statuses.map((s) => [s.sha, s.context, s.state])).toEqual([
        [HEAD_SHA, 'Datafold diff gate', 'pending'],
        [HEAD_SHA, 'Datafold diff gate', 'success']
      ])
      expect(github.statuses.at(-1)?.target_url).toBe(comment?.html_url)
      expect(run.outputs).toMatchObject({
        result: 'pass',
        'dbt-cloud-run-id': String(CI_RUN),
        'dbt-cloud-prod-run-id': String(PROD_RUN)
      })
      expect(JSON.parse(run.outputs['skipped-models'] ?? '')).toContainEqual(
        expect.objectContaining({ name: 'orders', reason: 'not built' })
      )
      // The token went to dbt Cloud's host with every request, and nowhere else.
      expect(cloud.requests.map((r) => r.headers.authorization)).toEqual(
        cloud.requests.map(() => `Token ${TOKEN}`)
      )
      expect(JSON.stringify(datafold.requests)).not.toContain(TOKEN)
    },
    3 * RUN_TIMEOUT
  )

  it(
    "on a pull_request: waits while dbt Cloud's status on the head is pending, then compares",
    async () => {
      const cloud = await dbtCloud()
      const pending = {
        ...{ sha: HEAD_SHA, context: 'dbt Cloud', state: 'pending' as const },
        target_url: runPage(cloud.url, ciRun)
      }
      const fakes = await start({ statuses: [pending] })
      const { datafold, github } = fakes
      const statusReads = () =>
        github.requests.filter((r) => r.method === 'GET' && /\/statuses\b/.test(r.path))

      const action = { ended: false }
      const running = fakes
        .run('', onPullRequest(cloudInputs(cloud.url), 4 * RUN_TIMEOUT))
        .finally(() => (action.ended = true))
      // Once the action has seen the pending status, dbt Cloud reports the run finished.
      while (statusReads().length === 0 && !action.ended) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      github.seedStatus({ ...pending, state: 'success' })
      const run = await running

      expect([run.code, failure(run)]).toEqual([0, ''])
      expect(run.stdout).toContain(
        `dbt Cloud's status "dbt Cloud" on ${HEAD_SHA} is pending (run ${CI_RUN}); waiting for it`
      )
      expect(statusReads().length).toBe(2)
      expect(datafold.created).toHaveLength(3)
      expect(run.outputs['dbt-cloud-run-id']).toBe(String(CI_RUN))
      expect(github.commentsOn(482)).toHaveLength(1)
    },
    5 * RUN_TIMEOUT
  )

  it(
    "with dbt-cloud-job-id and no status: the job's run for the head among runs for other commits, production through the deferring environment",
    async () => {
      const other = (id: number, sha: string, pr: number, finishedDay: number) => ({
        ...{ id, accountId: ACCOUNT, projectId: PROJECT, status: 10 as const, gitSha: sha },
        ...{ prNumber: pr, createdAt: `2026-11-${finishedDay}T10:00:00Z` },
        finishedAt: `2026-11-${finishedDay}T10:30:00Z`
      })
      const scenario = jaffleShopCloud({
        // The CI run deferred to no run, and its job to no job: only the environment is left.
        ci: { deferringRunId: undefined },
        more: [
          // The CI job's runs for other pull requests' commits, one newer than the head's.
          {
            ...other(4230, 'aaaa'.repeat(10), 480, 29),
            environmentId: CI_ENVIRONMENT,
            jobId: CI_JOB
          },
          {
            ...other(4250, 'bbbb'.repeat(10), 490, 30),
            environmentId: CI_ENVIRONMENT,
            jobId: CI_JOB
          },
          // In production's environment, newer than production's run, but made for a PR.
          { ...other(4160, MAIN_SHA, 477, 30), environmentId: PROD_ENVIRONMENT, jobId: MERGE_JOB }
        ]
      })
      const cloud = await dbtCloud(scenario)
      const fakes = await start()
      const run = await fakes.run(
        '',
        onPullRequest(
          cloudInputs(cloud.url, {
            'dbt-cloud-job-id': String(CI_JOB),
            'dbt-cloud-account-id': String(ACCOUNT)
          })
        )
      )

      expect([run.code, failure(run)]).toEqual([0, ''])
      expect([run.outputs['dbt-cloud-run-id'], run.outputs['dbt-cloud-prod-run-id']]).toEqual([
        String(CI_RUN),
        String(PROD_RUN)
      ])
      expect(
        cloud.requests.filter((r) => r.pathname.endsWith('/runs/')).map((r) => r.query)
      ).toEqual([
        expect.objectContaining({ job_definition_id: String(CI_JOB), order_by: '-id' }),
        expect.objectContaining({ environment_id: String(PROD_ENVIRONMENT), status: '10' })
      ])
      const [comment] = fakes.github.commentsOn(482)
      expect(comment?.body).toContain(
        `the latest successful run outside CI in environment ${PROD_ENVIRONMENT}, which the CI job defers to`
      )
      expect(fakes.datafold.created).toHaveLength(3)
    },
    2 * RUN_TIMEOUT
  )

  it.each([
    {
      error: 'a token dbt Cloud rejects (401)',
      options: { token: 'dbtc_e2e_some_other_token_value' },
      said: /^Error: dbt Cloud rejected dbt-cloud-token \(HTTP 401\) at 127\.0\.0\.1:\d+: check that the secret holds a current service token/
    },
    {
      error: 'a token without permission on the account (403)',
      options: { accounts: [99_999] as number[] },
      said: /^Error: dbt Cloud refused dbt-cloud-token \(HTTP 403\) at 127\.0\.0\.1:\d+: give the service token a permission set that reads jobs, runs and artifacts/
    },
    {
      error: 'a run that saved no artifacts',
      scenario: jaffleShopCloud({ ci: { artifactsSaved: false } }),
      said: /^Error: dbt Cloud run 4242 \(.*\) saved no artifacts \(artifacts_saved is false\), so there is no manifest to compare/
    },
    {
      error: 'no dbt Cloud status and no dbt-cloud-job-id',
      event: 'pull_request',
      inputs: { 'wait-timeout': '0' },
      said: /^Error: no dbt Cloud commit status on c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f901 after \d+ms, and no dbt-cloud-job-id: set dbt-cloud-job-id to the CI job's id/
    },
    {
      error: 'a run still not complete at wait-timeout',
      scenario: jaffleShopCloud({ ci: { completeAfterPolls: 1_000 } }),
      inputs: { 'wait-timeout': '1' },
      said: /^Error: dbt Cloud run 4242 was still not complete at wait-timeout \(1(\.\d)?s\): raise wait-timeout/
    },
    {
      error: 'no production run',
      scenario: jaffleShopCloud({
        ci: { deferringRunId: undefined },
        ciJob: { deferringEnvironmentId: undefined }
      }),
      said: /^Error: no production run found for dbt Cloud run 4242 \(.*\): it deferred to no run; its job defers to no job; its job defers to no environment\. Set dbt-cloud-prod-job-id/
    }
  ] as const)(
    'fails on $error with one clear line, nothing created at Datafold',
    async (c) => {
      const cloud = await dbtCloud(
        'scenario' in c ? c.scenario : jaffleShopCloud(),
        'options' in c ? c.options : {}
      )
      const fakes = await start()
      const inputs = cloudInputs(cloud.url, 'inputs' in c ? c.inputs : {})
      const run = await fakes.run(
        '',
        'event' in c
          ? onPullRequest(inputs)
          : onStatus(dbtCloudStatus(ciRun, 'success', cloud.url), inputs)
      )
      expect([run.code, failure(run)]).toEqual([1, expect.stringMatching(c.said)])
      expect(fakes.datafold.requests).toEqual([])
      expect(fakes.github.comments).toEqual([])
    },
    RUN_TIMEOUT
  )

  it(
    'refuses a status that points at another host, naming it, and sends it nothing',
    async () => {
      const cloud = await dbtCloud()
      const elsewhere = await dbtCloud()
      const fakes = await start()
      const host = new URL(elsewhere.url).host
      for (const inputs of [cloudInputs(cloud.url), cloudInputs('')]) {
        const run = await fakes.run(
          '',
          onStatus(dbtCloudStatus(ciRun, 'success', elsewhere.url), inputs)
        )
        expect([run.code, failure(run)]).toEqual([
          1,
          `Error: dbt Cloud's commit status links to ${host}, which is not a dbt Cloud host (*.getdbt.com, *.dbt.com): nothing was sent there. If ${host} is your account's access URL, set dbt-cloud-host to it`
        ])
      }
      expect([elsewhere.requests, cloud.requests, fakes.datafold.requests]).toEqual([[], [], []])
    },
    2 * RUN_TIMEOUT
  )

  it.each([
    { status: 'pending', said: /^dbt Cloud run 4242 has not finished/ },
    { status: 'not dbt Cloud’s', said: /^The commit status "ci\/build" is not dbt Cloud's/ }
  ])(
    'has nothing to do on a status that is $status: exit 0, writing nothing, asking nothing',
    async ({ status, said }) => {
      const cloud = await dbtCloud()
      const fakes = await start()
      const event =
        status === 'pending'
          ? dbtCloudStatus(ciRun, 'pending', cloud.url)
          : { context: 'ci/build', state: 'success', target_url: 'https://ci.example/1' }
      const run = await fakes.run('', onStatus(event, cloudInputs(cloud.url)))

      expect([run.code, run.outputs, run.summary]).toEqual([0, {}, ''])
      expect(run.stdout.split('\n')).toContainEqual(expect.stringMatching(said))
      expect(run.stdout).not.toMatch(/^::(warning|error)/m)
      expect([cloud.requests, fakes.datafold.requests]).toEqual([[], []])
      // GitHub was asked which PR the commit is in, and nothing was written there.
      expect(fakes.github.requests.map((r) => r.method)).toEqual(['GET'])
    },
    RUN_TIMEOUT
  )
})
