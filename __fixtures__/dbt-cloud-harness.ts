// findDbtCloudRuns wired to the fake dbt Cloud without sockets, a fake clock that moves only when
// the finder sleeps, and a script of the commit's statuses (one list per look, the last repeats):
// unit tests run on CPU time and see every request, sleep and log line.
import {
  findDbtCloudRuns,
  type CommitStatus,
  type DbtCloudEvent,
  type DbtCloudRuns,
  type FindDbtCloudRunsOptions
} from '../src/dbt-cloud/find-runs.js'
import {
  ACCESS_URL,
  ACCOUNT,
  CI_JOB,
  createDbtCloudHandler,
  handlerFetch,
  HEAD_SHA,
  jaffleShopCloud,
  PR_NUMBER,
  type DbtCloudHandler,
  type Fault,
  type JaffleShopCloud
} from './fake-dbt-cloud.js'
import { fakeClock } from './fake-clock.js'

export const DBT_CLOUD_TOKEN = 'dbtc_Hn3vQ8xLw2Zr5Tk9Ms4P'
export const START = Date.UTC(2026, 10, 30, 13, 0, 0)

export interface Harness {
  handler: DbtCloudHandler
  /** Every URL fetched, whatever its host. */
  fetched: string[]
  sleeps: number[]
  logs: string[]
  /** The SHAs the statuses were listed for, one per look. */
  statusLooks: string[]
  now(): number
  find(overrides?: Partial<FindDbtCloudRunsOptions>): Promise<DbtCloudRuns>
  /** find(), and the DbtCloudError's message it fails with. */
  failure(overrides?: Partial<FindDbtCloudRunsOptions>): Promise<string>
}

/** dbt Cloud mode's inputs: the token, and what `fields` sets. */
export const dbtCloudInput = (
  fields: Partial<FindDbtCloudRunsOptions['input']> = {}
): FindDbtCloudRunsOptions['input'] => ({
  token: DBT_CLOUD_TOKEN,
  host: null,
  accountId: null,
  jobId: null,
  prodJobId: null,
  ...fields
})

/** The inputs that find the run by dbt-cloud-job-id when the commit has no dbt Cloud status. */
export const BY_JOB = dbtCloudInput({ host: ACCESS_URL, accountId: ACCOUNT, jobId: CI_JOB })

export const commitEvent: Extract<DbtCloudEvent, { kind: 'commit' }> = {
  kind: 'commit',
  sha: HEAD_SHA,
  prNumber: PR_NUMBER
}

export function dbtCloudHarness(
  options: {
    scenario?: JaffleShopCloud
    faults?: Fault[]
    /** The statuses of each look at the commit; the last list repeats. */
    statuses?: CommitStatus[][]
    accounts?: number[]
  } = {}
): Harness {
  const scenario = options.scenario ?? jaffleShopCloud()
  const handler = createDbtCloudHandler({
    token: DBT_CLOUD_TOKEN,
    accounts: options.accounts ?? [ACCOUNT],
    jobs: scenario.jobs,
    runs: scenario.runs,
    faults: options.faults ?? []
  })
  const answer = handlerFetch(handler)
  const fetched: string[] = []
  const clock = fakeClock(START)
  const logs: string[] = []
  const statusLooks: string[] = []
  const looks = options.statuses ?? [[]]
  const find = (overrides: Partial<FindDbtCloudRunsOptions> = {}) =>
    findDbtCloudRuns({
      input: dbtCloudInput(),
      event: commitEvent,
      listStatuses: (sha) => {
        statusLooks.push(sha)
        return Promise.resolve(looks[Math.min(statusLooks.length, looks.length) - 1] ?? [])
      },
      waitTimeoutMs: 20 * 60_000,
      userAgent: 'datafold-diff-gate/1.0.0',
      fetch: (input, init) => {
        fetched.push(input as string)
        return answer(input, init)
      },
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0,
      log: (line) => logs.push(line),
      ...overrides
    })
  return {
    handler,
    fetched,
    sleeps: clock.sleeps,
    logs,
    statusLooks,
    now: clock.now,
    find,
    failure: async (overrides) => {
      const outcome = await find(overrides).then(
        (result) => new Error(`expected a failure, got ${result.kind}`),
        (error: unknown) => error
      )
      if (!(outcome instanceof Error) || outcome.name !== 'DbtCloudError') throw outcome
      return outcome.message
    }
  }
}
