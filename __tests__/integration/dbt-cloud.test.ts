// The dbt Cloud client over real HTTP, against the fake dbt Cloud on 127.0.0.1: the finder end to
// end with the artifacts streamed from the fake's files, what reached the server, retries through
// real answers, and downloads that break off or stall. The clock and the waits between retries are
// fake (the network is what is real here); each test has its own generous timeout.
import { afterEach, describe, expect, it } from '@jest/globals'
import { createReadStream } from 'node:fs'
import { answerProblems, requestProblems } from '../../__fixtures__/dbt-cloud-contract.js'
import { fakeClock } from '../../__fixtures__/fake-clock.js'
import {
  ACCOUNT,
  CI_JOB,
  CI_RUN,
  dbtCloudStatus,
  HEAD_SHA,
  jaffleShopCloud,
  PR_NUMBER,
  PROD_RUN,
  PROJECT,
  startFakeDbtCloud,
  type FakeDbtCloud,
  type FakeDbtCloudOptions
} from '../../__fixtures__/fake-dbt-cloud.js'
import { readManifest } from '../../src/dbt/read-manifest.js'
import { readRunResults } from '../../src/dbt/run-results.js'
import { createDbtCloudClient } from '../../src/dbt-cloud/client.js'
import {
  findDbtCloudRuns,
  type DbtCloudRuns,
  type FindDbtCloudRunsOptions
} from '../../src/dbt-cloud/find-runs.js'

const TOKEN = 'dbtc_Lp0Qs7Wx2Vb9Nc4Hj6Kt'
/** Ten times what these take on a busy 2-core machine. */
const TIMEOUT = 60_000
const ci = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }

const servers: FakeDbtCloud[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function dbtCloud(options: Partial<FakeDbtCloudOptions> = {}) {
  const scenario = jaffleShopCloud()
  const server = await startFakeDbtCloud({
    token: TOKEN,
    accounts: [ACCOUNT],
    ...scenario,
    ...options
  })
  servers.push(server)
  return { server, scenario }
}

function find(server: FakeDbtCloud, overrides: Partial<FindDbtCloudRunsOptions> = {}) {
  const clock = fakeClock()
  const result = findDbtCloudRuns({
    input: { token: TOKEN, host: server.url, accountId: null, jobId: null, prodJobId: null },
    event: { kind: 'status', sha: HEAD_SHA, status: dbtCloudStatus(ci, 'success', server.url) },
    listStatuses: () => Promise.resolve([]),
    waitTimeoutMs: 20 * 60_000,
    userAgent: 'datafold-diff-gate/1.0.0',
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0,
    ...overrides
  })
  return { result, sleeps: clock.sleeps }
}

function found(result: DbtCloudRuns) {
  if (result.kind !== 'found') throw new Error(`expected runs, got ${result.kind}`)
  return result
}

describe('the finder over loopback', () => {
  it(
    'finds both runs, and streams the three artifacts as the files the fake serves',
    async () => {
      const { server, scenario } = await dbtCloud()
      const result = found(await find(server).result)
      expect([result.ci.id, result.production.run.id, result.prNumber]).toEqual([
        CI_RUN,
        PROD_RUN,
        PR_NUMBER
      ])
      const fromApi = await readManifest(result.files.manifest, { open: result.open })
      const fromFile = await readManifest(result.files.manifest, {
        open: () => createReadStream(scenario.files.manifest)
      })
      expect(fromApi).toEqual(fromFile)
      await readManifest(result.files.prodManifest, { open: result.open })
      const runResults = await readRunResults(result.files.runResults, { open: result.open })
      expect(runResults.built.has('model.jaffle_shop.customers')).toBe(true)

      // What reached the server: the token in its header, requests and answers the
      // description allows.
      expect(server.requests).toHaveLength(5)
      for (const request of server.requests) {
        expect(request.headers.authorization).toBe(`Token ${TOKEN}`)
        expect(request.headers['user-agent']).toBe('datafold-diff-gate/1.0.0')
        expect(requestProblems(request)).toEqual([])
        expect(answerProblems(request)).toEqual([])
      }
    },
    TIMEOUT
  )

  it(
    "finds the job's run for the head commit, waiting while it runs",
    async () => {
      const scenario = jaffleShopCloud({ ci: { completeAfterPolls: 2 } })
      const { server } = await dbtCloud(scenario)
      const { result, sleeps } = find(server, {
        event: { kind: 'commit', sha: HEAD_SHA, prNumber: PR_NUMBER },
        input: {
          token: TOKEN,
          host: server.url,
          accountId: ACCOUNT,
          jobId: CI_JOB,
          prodJobId: null
        },
        pollIntervalMs: 10_000
      })
      expect(found(await result).ci.id).toBe(CI_RUN)
      expect(sleeps).toEqual([10_000, 10_000])
      expect(server.polls(CI_RUN)).toBe(3)
    },
    TIMEOUT
  )

  it(
    'tries a 503 and a 429 again, after the wait the 429 asks for',
    async () => {
      const { server } = await dbtCloud({
        faults: [{ status: 503 }, { status: 429, retryAfter: '3' }]
      })
      const { result, sleeps } = find(server)
      expect(found(await result).ci.id).toBe(CI_RUN)
      expect(sleeps).toEqual([1_000, 3_000])
      expect(server.requests.slice(0, 3).map((r) => r.status)).toEqual([503, 429, 200])
    },
    TIMEOUT
  )

  it(
    'says the token was rejected, having sent it nowhere else',
    async () => {
      const { server } = await dbtCloud({ token: 'dbtc_another_token' })
      await expect(find(server).result).rejects.toThrow(
        /^dbt Cloud rejected dbt-cloud-token \(HTTP 401\) at 127\.0\.0\.1:\d+: /
      )
      expect(server.requests).toHaveLength(1)
    },
    TIMEOUT
  )
})

describe('downloads over loopback', () => {
  const client = (server: FakeDbtCloud, timeoutMs = 30_000) =>
    createDbtCloudClient({
      origin: server.url,
      accountId: ACCOUNT,
      token: TOKEN,
      userAgent: 'test',
      timeoutMs
    })
  const run = { id: CI_RUN, url: null }

  it(
    'that break off fail the read, naming the artifact',
    async () => {
      const { server } = await dbtCloud({ faults: [{ cutAfterBytes: 5_000 }] })
      await expect(
        readManifest('manifest.json of dbt Cloud run 4242', {
          open: () => client(server).openArtifact(run, 'manifest.json')
        })
      ).rejects.toThrow(
        /^the download of manifest\.json of run 4242 from 127\.0\.0\.1:\d+ broke off: /
      )
    },
    TIMEOUT
  )

  it(
    'that stall fail once no byte came for the timeout, however long the file',
    async () => {
      const { server } = await dbtCloud({ faults: [{ stallAfterBytes: 5_000 }] })
      await expect(
        readManifest('manifest.json of dbt Cloud run 4242', {
          open: () => client(server, 300).openArtifact(run, 'manifest.json')
        })
      ).rejects.toThrow(
        /^the download of manifest\.json of run 4242 from 127\.0\.0\.1:\d+ broke off: no data for 300ms$/
      )
    },
    TIMEOUT
  )
})
