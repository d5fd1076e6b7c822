// fetchDiffs against nock (and, for the timing properties, a fake client): shapes, waiting for
// running diffs on a fake clock that moves only when the code sleeps, budgets, concurrency, order.
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import nock from 'nock'
import { createLimiter } from '../../src/concurrency.js'
import { createDatafoldClient, type DatafoldClient } from '../../src/datafold/endpoints.js'
import {
  defaultPollDelay,
  fetchDiffs,
  type FetchDiffsOptions
} from '../../src/datafold/fetch-diffs.js'
import { formatDuration } from '../../src/format.js'

const HOST = 'https://app.datafold.com'
const API_KEY = 'dfk_live_0a1b2c3d4e5f6789'
const START = Date.UTC(2026, 10, 3, 12, 0, 0)

// Bodies the OpenAPI contract allows.
const pks = {
  total_rows: [1_000, 1_010],
  nulls: [0, 0],
  dupes: [0, 0],
  exclusives: [2, 12],
  distincts: [1_000, 1_010]
}
const values = {
  total_rows: 998,
  rows_with_differences: 5,
  total_values: 2_994,
  values_with_differences: 6,
  compared_columns: 3,
  columns_with_differences: 2,
  columns_diff_stats: [
    { column_name: 'amount', match: 99.5, values_different: 5 },
    { column_name: 'status', match: 99.9, values_different: 1, values_different_estimate: null }
  ]
}
const schemaBlock = {
  columns_mismatched: [0, 1],
  column_type_mismatches: 0,
  column_reorders: 0,
  column_counts: [4, 5],
  column_type_differs: [],
  exclusive_columns: [[], ['discount']]
}
const sameDbDone = {
  status: 'done',
  pks,
  values,
  schema: schemaBlock,
  dependencies: [],
  materialized_results: { diff: null, exclusives: null, duplicates1: null, duplicates2: null }
}
const crossDbDone = { status: 'success', pks, values: null }
const dependenciesOnly = {
  status: 'done',
  dependencies: [
    {
      uid: 'table:orders',
      item_type: 'table',
      name: 'orders',
      path: ['analytics', 'pr', 'orders'],
      data_source_id: 1,
      data_source_type: 'snowflake'
    }
  ]
}
const running = { status: 'running' }
const pending = { status: 'pending' }
const failedBody = (is_retryable?: boolean | null) => ({
  status: 'failed',
  error: {
    error_type: 'QueryError',
    error_value: 'relation "analytics.pr.orders"\ndoes not exist',
    ...(is_retryable === undefined ? {} : { is_retryable })
  }
})
const record = (status = 'done', id = 12) => ({
  id,
  kind: 'in_db',
  status,
  data_source1_id: 1,
  data_source2_id: 1,
  pk_columns: ['id'],
  table1: ['analytics', 'prod', 'orders'],
  table2: ['analytics', 'pr', 'orders']
})

const summaryPath = (id: number) => `/api/v1/datadiffs/${id}/summary_results`
const recordPath = (id: number) => `/api/v1/datadiffs/${id}`

/**
 * A clock that moves only when the code under test sleeps: once nothing else is left to run, the
 * sleeper due first wakes and the clock jumps to its time, so diffs sleeping side by side share
 * one timeline.
 */
function fakeClock() {
  let time = START
  const sleeps: number[] = []
  const sleepers: { wake: number; resolve: () => void }[] = []
  let ticking = false
  const tick = () => {
    ticking = false
    sleepers.sort((a, b) => a.wake - b.wake)
    const first = sleepers.shift()
    if (!first) return
    time = Math.max(time, first.wake)
    first.resolve()
    if (sleepers.length > 0) schedule()
  }
  const schedule = () => {
    if (ticking) return
    ticking = true
    setImmediate(tick)
  }
  return {
    now: () => time,
    sleep: (ms: number) => {
      sleeps.push(ms)
      return new Promise<void>((resolve) => {
        sleepers.push({ wake: time + ms, resolve })
        schedule()
      })
    },
    sleeps,
    elapsed: () => time - START
  }
}

let clock = fakeClock()
let logs: string[] = []
/** How many summary_results requests the client sent. */
let summaryRequests = 0

function options(overrides: Partial<FetchDiffsOptions> = {}): FetchDiffsOptions {
  const client = createDatafoldClient({
    host: HOST,
    apiKey: API_KEY,
    userAgent: 'datafold-diff-gate/1.0.0',
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0,
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : input.toString()
      if (url.endsWith('/summary_results')) summaryRequests++
      return globalThis.fetch(input, init)
    }
  })
  return {
    client,
    waitTimeoutMs: 600_000,
    now: clock.now,
    sleep: clock.sleep,
    log: (line) => {
      logs.push(line)
    },
    ...overrides
  }
}

/** Answers the record and a sequence of summary_results bodies, one request each. */
function datafold(id: number, summaries: object[], recordBody: object = record('done', id)) {
  const scope = nock(HOST, { reqheaders: { authorization: `Key ${API_KEY}` } })
  scope.get(recordPath(id)).reply(200, recordBody)
  for (const body of summaries) scope.get(summaryPath(id)).reply(200, body)
  return scope
}

beforeEach(() => {
  clock = fakeClock()
  logs = []
  summaryRequests = 0
  nock.disableNetConnect()
})

afterEach(() => {
  nock.abortPendingRequests()
  nock.cleanAll()
  nock.enableNetConnect()
})

// Hands Node's http back: the next file's nock patches it afresh (jest runs files in one process).
afterAll(() => {
  nock.restore()
})

describe('finished diffs', () => {
  it.each([
    ['same-db', sameDbDone],
    ['cross-db', crossDbDone],
    ['dependencies-only', dependenciesOnly]
  ])('a %s summary costs exactly two requests', async (shape, body) => {
    const scope = datafold(12, [body])
    const [diff] = await fetchDiffs([12], options())
    expect(diff).toMatchObject({ id: 12, error: null, warnings: [], summary: { shape } })
    expect(diff?.record).toMatchObject({ kind: 'in_db', table1: ['analytics', 'prod', 'orders'] })
    expect(scope.isDone()).toBe(true)
    expect(summaryRequests).toBe(1)
    expect(clock.sleeps).toEqual([])
    expect(logs).toEqual([])
  })

  it('keeps the counts of a same-db summary', async () => {
    datafold(12, [sameDbDone])
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.summary).toMatchObject({
      shape: 'same-db',
      status: 'done',
      pks: { exclusives: [2, 12] },
      values: { rows_with_differences: 5 }
    })
  })
})

describe('diffs that did not finish well', () => {
  it.each<[string, boolean | null | undefined, string]>([
    ['retryable', true, '; Datafold says the error is retryable'],
    ['not retryable', false, '; Datafold says the error is not retryable'],
    ['silent on retrying', undefined, ''],
    ['null on retrying', null, '']
  ])('a failed diff, %s', async (_name, retryable, tail) => {
    datafold(12, [failedBody(retryable)])
    const [diff] = await fetchDiffs([12], options())
    expect(diff).toMatchObject({ id: 12, summary: null, warnings: [] })
    expect(diff?.error).toBe(
      `diff 12 failed in Datafold: QueryError: relation "analytics.pr.orders" does not exist${tail}`
    )
    // Only an error Datafold calls retryable marks the diff to be created again, not reused.
    expect(diff?.retryable).toBe(retryable === true ? true : undefined)
  })

  it('a failed diff whose error is some other object', async () => {
    datafold(12, [{ status: 'failed', error: { message: 'worker lost' } }])
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.error).toBe('diff 12 failed in Datafold: {"message":"worker lost"}')
  })

  it.each<[string, object, RegExp]>([
    ['an unknown status', { status: 'exploded' }, /unknown status "exploded"/],
    ['no status', { pks }, /"status" is undefined/],
    [
      'a same-db body without materialized_results',
      { ...sameDbDone, materialized_results: undefined, schema: { column_reorders: -1 } },
      /schema/
    ],
    ['a negative count', { ...crossDbDone, pks: { ...pks, exclusives: [-1, 0] } }, /exclusives/]
  ])('%s fits no known shape', async (_name, body, reason) => {
    datafold(12, [body])
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.summary).toBeNull()
    expect(diff?.error).toMatch(/^diff 12: Datafold's answer fits no known shape: /)
    expect(diff?.error).toMatch(reason)
  })

  it.each<[number, string]>([
    [401, 'diff 12: Datafold rejected the API key (HTTP 401) at https://app.datafold.com'],
    [404, 'diff 12 was not found at https://app.datafold.com'],
    [400, 'diff 12: Datafold answered HTTP 400: Bad Request: no such organisation']
  ])(
    'a request that fails with HTTP %i makes the message the diff error, once',
    async (status, message) => {
      const problem = { type: 'about:blank', title: 'Bad Request', detail: 'no such organisation' }
      nock(HOST)
        .get(recordPath(12))
        .reply(status, problem)
        .get(summaryPath(12))
        .reply(status, problem)
      const [diff] = await fetchDiffs([12], options())
      expect(diff?.summary).toBeNull()
      expect(diff?.error).toContain(message)
      expect(diff?.error).not.toContain(API_KEY)
      // The record failed the same way: no second message about it.
      expect(diff?.warnings).toEqual([])
    }
  )

  it('gives up on a summary that keeps answering 503 and says so', async () => {
    nock(HOST).get(recordPath(12)).reply(200, record()).get(summaryPath(12)).times(5).reply(503)
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.error).toBe(
      'diff 12: gave up after 5 tries at https://app.datafold.com; the last one ended in HTTP 503'
    )
    expect(summaryRequests).toBe(5)
    expect(diff?.warnings).toEqual([])
  })

  it('rides out a 429 and a 502 on the way', async () => {
    nock(HOST)
      .get(recordPath(12))
      .reply(200, record())
      .get(summaryPath(12))
      .reply(429, '', { 'Retry-After': '2' })
      .get(summaryPath(12))
      .reply(502)
      .get(summaryPath(12))
      .reply(200, sameDbDone)
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.summary?.shape).toBe('same-db')
    expect(clock.sleeps).toEqual([2_000, 2_000])
  })
})

describe('the diff record', () => {
  it.each<[string, (scope: nock.Scope) => nock.Scope, RegExp]>([
    [
      'answers 400',
      (scope) => scope.get(recordPath(12)).reply(400, { title: 'Bad Request' }),
      /: Datafold answered HTTP 400: Bad Request; /
    ],
    [
      'fits no shape',
      (scope) => scope.get(recordPath(12)).reply(200, { ...record(), kind: 'sideways' }),
      /: Datafold's answer fits no known shape: .*kind/
    ],
    [
      'is not JSON',
      (scope) => scope.get(recordPath(12)).reply(200, '<html>login</html>'),
      /not JSON \(no content type\): <html>login<\/html>; /
    ]
  ])('that %s is a warning only', async (_name, setup, detail) => {
    setup(nock(HOST).get(summaryPath(12)).reply(200, sameDbDone))
    const [diff] = await fetchDiffs([12], options())
    expect(diff).toMatchObject({ id: 12, error: null, record: null, summary: { shape: 'same-db' } })
    expect(diff?.warnings).toHaveLength(1)
    expect(diff?.warnings[0]).toMatch(/^could not read the details of diff 12: /)
    expect(diff?.warnings[0]).toMatch(/; the report shows its id$/)
    expect(diff?.warnings[0]).toMatch(detail)
    // The reason is given once, without a second "diff 12:" inside it.
    expect(diff?.warnings[0]?.match(/diff 12/g)).toHaveLength(1)
  })

  it('that is unreadable leaves a running diff to poll until it finishes', async () => {
    nock(HOST)
      .get(recordPath(12))
      .reply(200, [])
      .get(summaryPath(12))
      .reply(200, running)
      .get(summaryPath(12))
      .reply(200, sameDbDone)
    const [diff] = await fetchDiffs([12], options())
    expect(diff).toMatchObject({ summary: { shape: 'same-db' }, record: null })
    expect(diff?.warnings).toHaveLength(1)
  })
})

describe('waiting for running diffs', () => {
  it('polls on 3, 6, 12 s until done, logging each wait', async () => {
    const scope = datafold(12, [pending, running, running, sameDbDone])
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.summary?.shape).toBe('same-db')
    expect(scope.isDone()).toBe(true)
    expect(summaryRequests).toBe(4)
    expect(clock.sleeps).toEqual([3_000, 6_000, 12_000])
    expect(logs).toEqual([
      'diff 12 is pending; checking again in 3s (0ms elapsed)',
      'diff 12 is running; checking again in 6s (3s elapsed)',
      'diff 12 is running; checking again in 12s (9s elapsed)'
    ])
  })

  it('polls until the diff fails', async () => {
    datafold(12, [running, failedBody(false)])
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.error).toMatch(/^diff 12 failed in Datafold: QueryError: /)
    expect(summaryRequests).toBe(2)
  })

  it('stops at wait-timeout, with a last check at the deadline and no sleep past it', async () => {
    const scope = nock(HOST)
      .get(recordPath(12))
      .reply(200, record('processing'))
      .get(summaryPath(12))
      .times(6)
      .reply(200, running)
    const [diff] = await fetchDiffs([12], options({ waitTimeoutMs: 60_000 }))
    expect(diff?.error).toBe('diff 12 was still running after 1m (wait-timeout)')
    // Checks at 0, 3, 9, 21, 45 and 60 s: the 30 s wait after 45 s is cut to 15 s.
    expect(clock.sleeps).toEqual([3_000, 6_000, 12_000, 24_000, 15_000])
    expect(clock.elapsed()).toBe(60_000)
    expect(summaryRequests).toBe(6)
    expect(scope.isDone()).toBe(true)
  })

  it('says "10m" for the default-sized wait-timeout', async () => {
    nock(HOST).get(recordPath(12)).reply(200, record('queued'))
    nock(HOST).get(summaryPath(12)).times(100).reply(200, pending)
    const [diff] = await fetchDiffs([12], options({ waitTimeoutMs: 600_000 }))
    expect(diff?.error).toBe('diff 12 was still pending after 10m (wait-timeout)')
    expect(clock.elapsed()).toBe(600_000)
    expect(summaryRequests).toBeLessThanOrEqual(25)
  })

  it.each<[string, RegExp]>([
    ['needs_authentication', /re-authenticate the data source in Datafold/],
    ['needs_confirmation', /confirm the diff in Datafold/]
  ])('does not wait for a diff whose job status is %s', async (status, todo) => {
    datafold(12, [running], record(status))
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.error).toMatch(
      new RegExp(
        `^diff 12 waits on a person and will not finish by itself \\(job status ${status}\\)`
      )
    )
    expect(diff?.error).toMatch(todo)
    expect(clock.sleeps).toEqual([])
    expect(summaryRequests).toBe(1)
  })

  it('does not wait for a cancelled diff', async () => {
    datafold(12, [pending], record('cancelled'))
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.error).toBe(
      'diff 12 was cancelled in Datafold (job status cancelled): run the diff again, then this check'
    )
    expect(clock.sleeps).toEqual([])
  })

  it('with wait-timeout 0, a running diff is an error at once', async () => {
    datafold(12, [running], record('processing'))
    const [diff] = await fetchDiffs([12], options({ waitTimeoutMs: 0 }))
    expect(diff?.error).toBe(
      'diff 12 is still running in Datafold and wait-timeout is 0, so the action did not wait for it'
    )
    expect(clock.sleeps).toEqual([])
    expect(summaryRequests).toBe(1)
  })

  it('with wait-timeout 0, a finished diff is still read', async () => {
    datafold(12, [crossDbDone])
    const [diff] = await fetchDiffs([12], options({ waitTimeoutMs: 0 }))
    expect(diff?.summary?.shape).toBe('cross-db')
  })

  it('a request error while polling ends the wait with its message', async () => {
    nock(HOST)
      .get(recordPath(12))
      .reply(200, record('processing'))
      .get(summaryPath(12))
      .reply(200, running)
      .get(summaryPath(12))
      .reply(401)
    const [diff] = await fetchDiffs([12], options())
    expect(diff?.error).toMatch(/^diff 12: Datafold rejected the API key \(HTTP 401\)/)
  })
})

describe('the polling budget (fake client)', () => {
  /** A client whose diff finishes `finishAt` ms after START, counting summary requests. */
  function finishingClient(now: () => number, finishAt: number) {
    const seen = { summaries: 0, records: 0, noticedAt: -1 }
    const client: DatafoldClient = {
      getSummaryResults: () => {
        seen.summaries++
        if (now() - START < finishAt) return Promise.resolve(running)
        if (seen.noticedAt < 0) seen.noticedAt = now() - START
        return Promise.resolve(sameDbDone)
      },
      getDiff: () => {
        seen.records++
        return Promise.resolve(record('processing'))
      }
    }
    return { client, seen }
  }

  it('a diff that finishes after 300 s costs at most 15 summary requests and is seen within 30 s', async () => {
    const { client, seen } = finishingClient(clock.now, 300_000)
    const [diff] = await fetchDiffs([12], options({ client }))
    expect(diff?.summary?.shape).toBe('same-db')
    expect(seen.summaries).toBeLessThanOrEqual(15)
    expect(seen.noticedAt - 300_000).toBeLessThanOrEqual(30_000)
    expect(seen.records).toBe(1)
  })

  it('holds for any finishing time within wait-timeout', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 600_000 }), async (finishAt) => {
        clock = fakeClock()
        const { client, seen } = finishingClient(clock.now, finishAt)
        const [diff] = await fetchDiffs([12], options({ client, log: () => undefined }))
        expect(diff?.summary?.shape).toBe('same-db')
        expect(seen.noticedAt - finishAt).toBeLessThanOrEqual(30_000)
        expect(clock.elapsed()).toBeLessThanOrEqual(600_000)
        if (finishAt <= 300_000) expect(seen.summaries).toBeLessThanOrEqual(15)
      })
    )
  })

  it.each([
    [0, 3_000],
    [1, 6_000],
    [2, 12_000],
    [3, 24_000],
    [4, 30_000],
    [20, 30_000]
  ])('default poll delay %i → %i ms', (attempt, ms) => {
    expect(defaultPollDelay(attempt)).toBe(ms)
  })

  it.each([
    [600_000, '10m'],
    [90_000, '1m30s'],
    [45_000, '45s'],
    [5_400_000, '1h30m'],
    [500, '500ms'],
    [0, '0ms'],
    [1_000, '1s'],
    [1_250, '1.3s'],
    [18_400, '18.4s'],
    [59_960, '1m'],
    [3_600_000, '1h']
  ])('formatDuration(%i) → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('many diffs', () => {
  it('keeps the order of the ids and has at most 8 requests in flight', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => 101 + i)
    let inFlight = 0
    let most = 0
    const slowly = (body: (id: number) => object) =>
      async function (uri: string): Promise<[number, object]> {
        const id = Number(/datadiffs\/(\d+)/.exec(uri)?.[1])
        inFlight++
        most = Math.max(most, inFlight)
        // Later ids answer sooner, so finishing order is not the ids' order.
        await new Promise((resolve) => setTimeout(resolve, 2 + (121 - id) / 4))
        inFlight--
        return [200, body(id)]
      }
    nock(HOST)
      .get(/^\/api\/v1\/datadiffs\/\d+$/)
      .times(20)
      .reply(slowly((id) => record('done', id)))
      .get(/^\/api\/v1\/datadiffs\/\d+\/summary_results$/)
      .times(20)
      .reply(slowly((id) => (id % 2 === 0 ? sameDbDone : crossDbDone)))

    const diffs = await fetchDiffs(ids, options())
    expect(diffs.map((diff) => diff.id)).toEqual(ids)
    expect(diffs.map((diff) => diff.summary?.shape)).toEqual(
      ids.map((id) => (id % 2 === 0 ? 'same-db' : 'cross-db'))
    )
    expect(diffs.every((diff) => diff.record !== null)).toBe(true)
    expect(most).toBe(8)
  })

  /** A client over the real transport, limited to `concurrency`, whose fetch answers as `answer`
   * says, after `delayMs` of real time (none: at once), counting the requests in flight. */
  function clientAnswering(
    concurrency: number,
    answer: (id: number, summary: boolean) => object,
    delayMs = 0
  ) {
    const flight = { now: 0, most: 0 }
    const client = createDatafoldClient({
      host: HOST,
      apiKey: API_KEY,
      userAgent: 'datafold-diff-gate/1.0.0',
      concurrency,
      sleep: clock.sleep,
      now: clock.now,
      fetch: async (input) => {
        const url = input instanceof Request ? input.url : input.toString()
        flight.now++
        flight.most = Math.max(flight.most, flight.now)
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
        flight.now--
        const id = Number(/datadiffs\/(\d+)/.exec(url)?.[1])
        return Response.json(answer(id, url.endsWith('/summary_results')))
      }
    })
    return { client, flight }
  }

  it.each([1, 3, 8, 20])('keeps to a concurrency of %i', async (concurrency) => {
    const ids = Array.from({ length: 12 }, (_, i) => i + 1)
    const { client, flight } = clientAnswering(
      concurrency,
      (id, summary) => (summary ? sameDbDone : record('done', id)),
      1
    )
    const diffs = await fetchDiffs(ids, options({ client }))
    expect(diffs.map((diff) => diff.id)).toEqual(ids)
    expect(flight.most).toBe(Math.min(concurrency, 24))
  })

  it('a diff that is still running holds up no other', async () => {
    const firstAsked = new Map<number, number>()
    const { client } = clientAnswering(2, (id, summary) => {
      if (!summary) return record('processing', id)
      if (!firstAsked.has(id)) firstAsked.set(id, clock.elapsed())
      const slow = id <= 2 && clock.elapsed() < 30_000
      return slow ? running : sameDbDone
    })
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    const diffs = await fetchDiffs(ids, options({ client }))
    expect(diffs.map((diff) => [diff.id, diff.summary?.shape])).toEqual(
      ids.map((id) => [id, 'same-db'])
    )
    // Every diff was first asked at once, and the slow two were seen at the 45 s check.
    expect([...firstAsked.values()]).toEqual(ids.map(() => 0))
    expect(clock.elapsed()).toBe(45_000)
  })

  it('one diff going wrong leaves the others alone', async () => {
    datafold(1, [sameDbDone])
    datafold(2, [failedBody(true)])
    nock(HOST).get(recordPath(3)).reply(404).get(summaryPath(3)).reply(404)
    datafold(4, [running], record('needs_authentication', 4))
    datafold(5, [running, crossDbDone])
    const diffs = await fetchDiffs([1, 2, 3, 4, 5], options())
    expect(diffs.map((diff) => [diff.id, diff.summary?.shape ?? diff.error])).toEqual([
      [1, 'same-db'],
      [2, expect.stringMatching(/^diff 2 failed in Datafold/)],
      [3, 'diff 3 was not found at https://app.datafold.com'],
      [4, expect.stringMatching(/^diff 4 waits on a person/)],
      [5, 'cross-db']
    ])
  })

  it('no ids, no requests', async () => {
    await expect(fetchDiffs([], options())).resolves.toEqual([])
  })
})

describe('createLimiter', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %p', (limit) => {
    expect(() => createLimiter(limit)).toThrow(RangeError)
  })
})
