// Creating the plan's diffs against the fake Datafold over the real transport: the bodies sent,
// data-source names, refused creates, which failures a create is retried after, reuse, cancels.
// Each test's timeout guards against a hang: ten times its duration on a busy 2-core machine.
import { afterEach, describe, expect, it } from '@jest/globals'
import { assertContract, DATADIFF_200 } from '../../__fixtures__/contract.js'
import {
  DATA_SOURCE_SECRETS,
  dataSources,
  dataSourcesContractProblems
} from '../../__fixtures__/data-sources.js'
import {
  hang,
  rateLimited,
  serverError,
  startFakeDatafold,
  type CreateScript,
  type FakeDatafold
} from '../../__fixtures__/fake-datafold.js'
import { cancelDiffs, cancelUnfinished } from '../../src/datafold/cancel-diffs.js'
import { createRequestedDiffs, type Obtained } from '../../src/datafold/create-diffs.js'
import { DataSourceError } from '../../src/datafold/data-sources.js'
import { createDatafoldClient } from '../../src/datafold/endpoints.js'
import { parsePlan } from '../../src/plan/plan.js'
import type { PlannedDiff } from '../../src/plan/merge.js'
import { createDiffBody, reuseKey } from '../../src/plan/request.js'
import type { RequestedDiff } from '../../src/sources/source.js'

const API_KEY = 'dfk_plan_0123456789'
const SHA = 'feedfacefeedfacefeedfacefeedfacefeedface'
const TAGS = { repository: 'acme/analytics-dbt', pr: 482, sha: SHA }

let fake: FakeDatafold | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function start(create: CreateScript = {}): Promise<FakeDatafold> {
  fake = await startFakeDatafold({ apiKey: API_KEY, dataSources: dataSources(), create })
  return fake
}

function client(datafold: FakeDatafold, fetch: typeof globalThis.fetch = globalThis.fetch) {
  return createDatafoldClient({
    host: datafold.url,
    apiKey: API_KEY,
    userAgent: 'test',
    fetch,
    sleep: () => Promise.resolve(),
    timeoutMs: 2_000
  })
}

function plan(yaml: string): RequestedDiff[] {
  return parsePlan(yaml, {
    source: 'plan',
    context: { pr: 482, sha: SHA, env: {} },
    dataSource: 'warehouse',
    thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] }
  }).diffs.map((request: PlannedDiff) => ({
    kind: 'requested',
    name: request.name,
    request,
    from: 'plan entry'
  }))
}

/** An id each outcome has at Datafold; null for one not created. */
const idOf = (o: Obtained) => (o.origin === 'not created' ? null : o.id)
const errorOf = (o: Obtained) => (o.origin === 'not created' ? o.error : null)

const THREE = plan(`
defaults: { primary-key: id }
diffs:
  - { name: orders, table-a: analytics.prod.orders, table-b: 'analytics.dbt_pr_{pr}.orders' }
  - name: payments
    data-source-b: snowflake-eu
    table-a: prod.payments
    table-b: eu.payments
  - name: events
    data-source: 11
    query-a: select * from a
    query-b: select * from b
`)

/** The fake's data source 11, `warehouse`, on Snowflake. */
const WAREHOUSE = { a: { id: 11, type: 'snowflake' }, b: { id: 11, type: 'snowflake' } }

const posts = (datafold: FakeDatafold) =>
  datafold.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/datadiffs')

describe('createRequestedDiffs', () => {
  it('creates one diff per entry, data sources resolved by name, in plan order', async () => {
    const datafold = await start()
    const log: string[] = []
    const outcomes = await createRequestedDiffs(THREE, {
      client: client(datafold),
      tags: TAGS,
      carried: null,
      log: (m) => log.push(m)
    })
    expect(outcomes.map((o) => [o.diff.kind === 'requested' && o.diff.name, o.origin])).toEqual([
      ['orders', 'created'],
      ['payments', 'created'],
      ['events', 'created']
    ])
    const byId = new Map(datafold.created.map((c) => [c.id, c.body]))
    const [orders, payments, events] = outcomes.map((o) => byId.get(idOf(o) ?? 0))
    expect(orders).toMatchObject({
      data_source1_id: 11,
      data_source2_id: 11,
      // warehouse is a Snowflake data source: names without quotes are stored upper-case.
      table2: ['ANALYTICS', 'DBT_PR_482', 'ORDERS'],
      pk_columns: ['ID'],
      tags: [
        'datafold-diff-gate',
        'github-repo:acme/analytics-dbt',
        'github-pr:482',
        `github-sha:${SHA}`
      ]
    })
    expect(payments).toMatchObject({ data_source1_id: 11, data_source2_id: 12 })
    expect(events).toMatchObject({
      data_source1_id: 11,
      query1: 'select * from a',
      pk_columns: ['ID']
    })
    // One list for all the names.
    expect(datafold.requests.filter((r) => r.path === '/api/v1/data_sources')).toHaveLength(1)
    for (const { body } of datafold.created)
      assertContract('ApiDataDiffData', body, { closed: true })
    expect(log.join('\n')).not.toMatch(new RegExp(DATA_SOURCE_SECRETS.join('|')))
  }, 10_000)

  it('answers as the contract allows: the data-source list and the created record', async () => {
    const datafold = await start()
    const list = await client(datafold).listDataSources()
    expect(dataSourcesContractProblems(list)).toEqual([])
    const record = await client(datafold).createDiff({
      data_source1_id: 11,
      data_source2_id: 11,
      table1: ['a'],
      table2: ['b'],
      pk_columns: ['id']
    })
    assertContract('POST /api/v1/datadiffs 200', record)
    assertContract(DATADIFF_200, record)
  }, 25_000)

  it.each([
    [
      'a name no data source has',
      'warehous',
      /data-source "warehous" is not the name of a data source at Datafold; the names there are: analytics, snowflake-eu, warehouse/
    ],
    [
      'a name two data sources have',
      'analytics',
      /data-source "analytics" names 2 data sources \(ids 21, 22\): give the id instead/
    ]
  ])(
    'creates nothing for %s, and says which names there are',
    async (_what, name, message) => {
      const datafold = await start()
      const planned = plan(
        `diffs: [{ name: x, data-source: ${name}, table-a: a, table-b: b, primary-key: id }]`
      )
      const attempt = createRequestedDiffs([...THREE, ...planned], {
        client: client(datafold),
        tags: TAGS,
        carried: null,
        log: () => undefined
      })
      await expect(attempt).rejects.toThrow(DataSourceError)
      await expect(attempt).rejects.toThrow(message)
      await attempt.catch((error: unknown) => {
        expect(String(error)).not.toMatch(new RegExp(DATA_SOURCE_SECRETS.join('|')))
      })
      expect(posts(datafold)).toEqual([])
    },
    10_000
  )

  it("stores a plan's names by the type of a data source given by id, from the one list", async () => {
    const datafold = await start()
    const planned = plan(`
defaults: { primary-key: order_id }
diffs:
  - { name: snowflake, data-source: 11, table-a: prod.orders, table-b: pr."Orders" }
  - { name: postgres, data-source: 21, table-a: prod.orders, table-b: pr.orders }
  - { name: unlisted, data-source: 99, table-a: prod.orders, table-b: pr.orders }
`)
    await createRequestedDiffs(planned, {
      client: client(datafold),
      tags: TAGS,
      carried: null,
      log: () => undefined
    })
    expect(datafold.requests.filter((r) => r.path === '/api/v1/data_sources')).toHaveLength(1)
    expect(posts(datafold).map((r) => JSON.parse(r.body ?? '{}') as object)).toEqual([
      expect.objectContaining({
        table1: ['PROD', 'ORDERS'],
        table2: ['PR', 'Orders'],
        pk_columns: ['ORDER_ID']
      }),
      expect.objectContaining({ table1: ['prod', 'orders'], pk_columns: ['order_id'] }),
      // Datafold lists no data source 99: its type is not known, its names go as written.
      expect.objectContaining({ table1: ['prod', 'orders'], pk_columns: ['order_id'] })
    ])
  }, 10_000)

  it('lists no data sources for an entry given by id whose names are all quoted', async () => {
    const datafold = await start()
    const planned = plan(
      `diffs: [{ name: q, data-source: 11, table-a: '"p"."o"', table-b: '"q"."o"', primary-key: '"id"' }]`
    )
    await createRequestedDiffs(planned, {
      client: client(datafold),
      tags: TAGS,
      carried: null,
      log: () => undefined
    })
    expect(datafold.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/datadiffs'
    ])
    expect(datafold.created[0]?.body).toMatchObject({
      table1: ['p', 'o'],
      table2: ['q', 'o'],
      pk_columns: ['id']
    })
  }, 10_000)

  it("makes a refused create (422) that entry's error, with its detail, and goes on", async () => {
    const datafold = await start({
      refuse: (body) =>
        body.query1 === undefined
          ? []
          : [{ loc: ['body', 'query1'], msg: 'relation "a" does not exist', type: 'value_error' }]
    })
    const outcomes = await createRequestedDiffs(THREE, {
      client: client(datafold),
      tags: TAGS,
      carried: null,
      log: () => undefined
    })
    expect(outcomes.map(errorOf)).toEqual([
      null,
      null,
      'could not create the diff: Datafold refused the request (HTTP 422): body.query1: relation "a" does not exist'
    ])
    expect(datafold.created).toHaveLength(2)
  }, 10_000)

  it('reuses a diff created for the same entry, request and commit; creates anew otherwise', async () => {
    const datafold = await start()
    const [orders] = THREE
    if (!orders) throw new Error('no entry')
    const key = reuseKey('orders', createDiffBody(orders.request, WAREHOUSE, TAGS))
    const carried = (sha: string, keyed: string) => ({
      sha,
      created: new Map([[keyed, 77]]),
      forgotten: 0,
      report: null
    })
    const outcomes = await createRequestedDiffs([orders], {
      client: client(datafold),
      tags: TAGS,
      carried: carried(SHA, key),
      log: () => undefined
    })
    expect(outcomes).toEqual([{ diff: orders, origin: 'reused', id: 77, key }])
    expect(posts(datafold)).toEqual([])

    const anotherEntry = reuseKey('customers', createDiffBody(orders.request, WAREHOUSE, TAGS))
    for (const earlier of [
      carried('another-commit', key),
      carried(SHA, 'another-request'),
      carried(SHA, anotherEntry)
    ]) {
      const [outcome] = await createRequestedDiffs([orders], {
        client: client(datafold),
        tags: TAGS,
        carried: earlier,
        log: () => undefined
      })
      expect(outcome?.origin).toBe('created')
    }
  }, 10_000)
})

describe('retrying a create', () => {
  const one = plan('diffs: [{ name: orders, table-a: a, table-b: b, primary-key: id }]')
  const create = (datafold: FakeDatafold, fetch?: typeof globalThis.fetch) =>
    createRequestedDiffs(one, {
      client: client(datafold, fetch),
      tags: TAGS,
      carried: null,
      log: () => undefined
    })

  it('tries again after a 429: Datafold did not take the request', async () => {
    const datafold = await start({ faults: [rateLimited('1'), rateLimited()] })
    const [outcome] = await create(datafold)
    expect(outcome?.origin).toBe('created')
    expect(posts(datafold)).toHaveLength(3)
  }, 10_000)

  it.each([502, 503, 500])(
    'does not try again after a %i: the diff may exist',
    async (status) => {
      const datafold = await start({ faults: [serverError(status)] })
      const [outcome] = await create(datafold)
      expect(outcome?.origin).toBe('not created')
      expect(outcome && errorOf(outcome)).toMatch(
        new RegExp(
          `^could not create the diff: Datafold answered HTTP ${status}.*; not tried again, as Datafold may have acted on it already$`
        )
      )
      expect(posts(datafold)).toHaveLength(1)
    },
    25_000
  )

  it('does not try again after a timeout', async () => {
    const datafold = await start({ faults: [hang()] })
    const [outcome] = await create(datafold)
    expect(outcome && errorOf(outcome)).toMatch(
      /the request ended in a timeout after 2s; not tried again/
    )
    expect(posts(datafold)).toHaveLength(1)
  }, 25_000)

  it('tries again when the connection was refused: nothing was sent', async () => {
    const datafold = await start()
    let refused = 0
    const fetch: typeof globalThis.fetch = (input, init) => {
      if (refused++ === 0) {
        return Promise.reject(
          new TypeError('fetch failed', {
            cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
          })
        )
      }
      return globalThis.fetch(input, init)
    }
    const [outcome] = await create(datafold, fetch)
    expect(outcome?.origin).toBe('created')
    expect(posts(datafold)).toHaveLength(1)
  }, 10_000)
})

describe('cancelling', () => {
  it('cancels running diffs, and logs each; a finished one is left as it is', async () => {
    const datafold = await start({ polls: 3 })
    const outcomes = await createRequestedDiffs(THREE.slice(0, 2), {
      client: client(datafold),
      tags: TAGS,
      carried: null,
      log: () => undefined
    })
    const [a, b] = outcomes.map((o) => idOf(o) ?? 0)
    // b runs to the end.
    for (let i = 0; i < 4; i++) await client(datafold).getSummaryResults(b ?? 0)
    const log: string[] = []
    const cancelled = await cancelUnfinished(
      client(datafold),
      [
        { id: a ?? 0, name: 'orders' },
        { id: b ?? 0, name: 'payments' }
      ],
      'wait-timeout ended first',
      (m) => log.push(m)
    )
    expect(cancelled).toEqual([a])
    expect(datafold.cancellations).toEqual([a])
    expect(log).toEqual([`Cancelled diff ${a} (orders): wait-timeout ended first`])
    const record = await client(datafold).getDiff(a ?? 0)
    expect(record).toMatchObject({ status: 'cancelled' })
  }, 10_000)

  it('logs a cancel that fails and goes on', async () => {
    const datafold = await start()
    const log: string[] = []
    const cancelled = await cancelDiffs(client(datafold), [{ id: 404, name: 'gone' }], 'why', (m) =>
      log.push(m)
    )
    expect(cancelled).toEqual([])
    expect(log).toEqual([
      expect.stringMatching(/^Could not cancel diff 404 \(gone\): diff 404 was not found/)
    ])
  }, 10_000)
})
