// dbt Cloud mode as a source of diffs, read as a run reads it (readSources), against the fake dbt
// Cloud without sockets and a clock that moves only when the source sleeps: the event it builds,
// the diffs it answers (dbt mode's for the same manifests, minus what was not built), the runs it
// names, "nothing to do", and what it refuses before asking dbt Cloud anything.
import { describe, expect, it } from '@jest/globals'
import { changedProject, manifestDir, writeJson } from '../../__fixtures__/dbt-manifests.js'
import { fakeClock } from '../../__fixtures__/fake-clock.js'
import {
  ACCESS_URL,
  ACCOUNT,
  CI_RUN,
  createDbtCloudHandler,
  dbtCloudStatus,
  handlerFetch,
  HEAD_SHA,
  jaffleShopCloud,
  PROD_RUN,
  PROJECT,
  type JaffleShopCloud
} from '../../__fixtures__/fake-dbt-cloud.js'
import { INPUT_NAMES, InputError, parseInputs, type RawInputs } from '../../src/inputs.js'
import { readSources } from '../../src/sources/read-sources.js'
import type { CommitStatus } from '../../src/dbt-cloud/statuses.js'
import { nameOf, type SourceIO } from '../../src/sources/source.js'
import { createReadStream } from 'node:fs'

const TOKEN = 'dbtc_Qm4Rt8Yw2Xn6Lp0Vb3Hs'
const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const cloudInputs = (raw: Partial<RawInputs> = {}) =>
  parseInputs({
    ...blank,
    'api-key': 'k',
    'dbt-cloud-token': TOKEN,
    'data-source': 'warehouse',
    ...raw
  })
const TARGET = { pr: 482, sha: HEAD_SHA, env: {} }
const ciRun = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }
const statusEvent = (status: CommitStatus) => ({
  eventName: 'status',
  payload: { sha: HEAD_SHA, ...status }
})
const pullRequestEvent = {
  eventName: 'pull_request',
  payload: { pull_request: { number: 482, head: { sha: HEAD_SHA } } }
}

/** The runner's part: the fake dbt Cloud behind every origin, a script of the head's statuses. */
function runner(
  event: SourceIO['github'],
  options: { scenario?: JaffleShopCloud; statuses?: CommitStatus[][] } = {}
) {
  const scenario = options.scenario ?? jaffleShopCloud()
  const handler = createDbtCloudHandler({
    token: TOKEN,
    accounts: [ACCOUNT],
    jobs: scenario.jobs,
    runs: scenario.runs
  })
  const origins: string[] = []
  const statusLooks: string[] = []
  const looks = options.statuses ?? [[]]
  const log: string[] = []
  const clock = fakeClock()
  const io: SourceIO = {
    info: (m) => log.push(`info: ${m}`),
    warning: (m) => log.push(`warning: ${m}`),
    github: event,
    fetchFor: (origin) => {
      origins.push(origin)
      return Promise.resolve(handlerFetch(handler))
    },
    commitStatuses: (sha) => {
      statusLooks.push(sha)
      return Promise.resolve(looks[Math.min(statusLooks.length, looks.length) - 1] ?? [])
    },
    ...clock
  }
  return { io, handler, origins, statusLooks, log, clock }
}

/** dbt mode on the same manifest pair, from files. */
async function dbtModeNames(): Promise<string[]> {
  const { prod, pr } = changedProject(12)
  const dir = manifestDir()
  const files: Record<string, string> = {
    'prod/manifest.json': writeJson(dir, 'prod.json', prod),
    'target/manifest.json': writeJson(dir, 'pr.json', pr)
  }
  const source = await readSources(
    parseInputs({
      ...blank,
      'api-key': 'k',
      'dbt-prod-manifest': 'prod/manifest.json',
      'data-source': 'warehouse'
    }),
    TARGET,
    {
      info: () => undefined,
      warning: () => undefined,
      openManifest: (path) => createReadStream(files[path] ?? '')
    }
  )
  return source.diffs.map(nameOf)
}

describe('dbt Cloud mode as a source', () => {
  it('compares what dbt mode compares for the same manifests, minus what the build did not build', async () => {
    const scenario = jaffleShopCloud({
      runResults: { statuses: { 'model.jaffle_shop.orders': 'error' } }
    })
    const { io, handler, origins } = runner(statusEvent(dbtCloudStatus(ciRun, 'success')), {
      scenario
    })
    const source = await readSources(cloudInputs(), TARGET, io)

    const dbtMode = await dbtModeNames()
    expect(dbtMode).toEqual(['customers', 'orders', 'payments'])
    expect(source.diffs.map(nameOf)).toEqual(dbtMode.filter((name) => name !== 'orders'))
    expect(source.dbt?.skipped.find((model) => model.name === 'orders')).toMatchObject({
      reason: 'not built',
      detail: expect.stringContaining('run_results.json of dbt Cloud run 4242 says error')
    })
    // The three artifacts, in dbt mode's order, from the runs found; the token to one origin.
    expect(
      handler.requests.filter((r) => r.pathname.includes('/artifacts/')).map((r) => r.pathname)
    ).toEqual([
      `/api/v2/accounts/${ACCOUNT}/runs/${PROD_RUN}/artifacts/manifest.json`,
      `/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/artifacts/manifest.json`,
      `/api/v2/accounts/${ACCOUNT}/runs/${CI_RUN}/artifacts/run_results.json`
    ])
    expect([...new Set(origins)]).toEqual([ACCESS_URL])
    expect(source.dbtCloud).toEqual({
      ci: {
        id: CI_RUN,
        jobId: 8812,
        jobName: 'CI',
        gitSha: HEAD_SHA,
        finishedAt: '2026-11-30T12:00:00Z',
        url: `${ACCESS_URL}/deploy/${ACCOUNT}/projects/${PROJECT}/runs/${CI_RUN}/`
      },
      production: expect.objectContaining({
        id: PROD_RUN,
        jobName: 'Production',
        via: `the run dbt Cloud run ${CI_RUN} deferred to`,
        // Finished on the 29th at 07:00; the clock reads the 30th at 13:00.
        ageMs: 30 * 3_600_000
      })
    })
    expect(source.nothingToDo).toBeNull()
  })

  it.each([
    { what: 'pending', status: dbtCloudStatus(ciRun, 'pending'), said: /has not finished/ },
    {
      what: 'not dbt Cloud’s',
      status: { context: 'ci/circleci', state: 'success', target_url: 'https://circleci.com/x' },
      said: /is not dbt Cloud's/
    }
  ])('has nothing to do on a status that is $what, asking dbt Cloud nothing', async (c) => {
    const { io, handler, origins } = runner(statusEvent(c.status))
    const source = await readSources(
      cloudInputs({
        'diff-ids': '7',
        plan: 'diffs: [{ name: r, table-a: a, table-b: b, primary-key: id }]'
      }),
      TARGET,
      io
    )
    expect(source).toEqual({
      diffs: [],
      dbt: null,
      plan: null,
      dbtCloud: null,
      nothingToDo: expect.stringMatching(c.said)
    })
    expect([handler.requests, origins]).toEqual([[], []])
  })

  it("follows the pull request head's dbt Cloud status, waiting while it is pending", async () => {
    const pending = dbtCloudStatus(ciRun, 'pending')
    const done = dbtCloudStatus(ciRun, 'success')
    const { io, statusLooks, clock } = runner(pullRequestEvent, {
      statuses: [[pending], [pending], [done, pending]]
    })
    const source = await readSources(cloudInputs(), TARGET, io)
    expect(statusLooks).toEqual([HEAD_SHA, HEAD_SHA, HEAD_SHA])
    expect(clock.sleeps).toEqual([15_000, 15_000])
    expect(source.dbtCloud?.ci.id).toBe(CI_RUN)
  })

  it('needs a data source before asking dbt Cloud anything, and takes the plan’s rules', async () => {
    const { io, handler } = runner(statusEvent(dbtCloudStatus(ciRun, 'success')))
    await expect(readSources(cloudInputs({ 'data-source': '' }), TARGET, io)).rejects.toThrow(
      'Invalid input: data-source: dbt Cloud mode needs the Datafold data source'
    )
    expect(handler.requests).toEqual([])
    const rules = 'rules: [{ match: { name: customers }, max-rows-changed: 7% }]'
    const source = await readSources(cloudInputs({ plan: rules }), TARGET, io)
    const customers = source.diffs.find((diff) => nameOf(diff) === 'customers')
    expect(
      customers?.kind === 'requested' && customers.request.thresholds.max['rows-changed']
    ).toEqual(expect.objectContaining({ kind: 'percent', value: 7 }))
  })

  it("fails with dbt Cloud's error, which names the input to change", async () => {
    const { io } = runner(pullRequestEvent)
    const reading = readSources(cloudInputs({ 'wait-timeout': '0' }), TARGET, io)
    await expect(reading).rejects.toThrow(
      /^no dbt Cloud commit status on c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f901 after .*, and no dbt-cloud-job-id/
    )
    await expect(reading).rejects.not.toBeInstanceOf(InputError)
  })

  it('refuses an event that names no commit', async () => {
    const { io } = runner({ eventName: 'workflow_dispatch', payload: {} })
    await expect(readSources(cloudInputs(), { pr: null, sha: null, env: {} }, io)).rejects.toThrow(
      /dbt-cloud-token: dbt Cloud mode compares the PR's head commit/
    )
  })
})
