// The fakes the end-to-end tests, the benchmark and the demo use: their bodies must fit Datafold's
// OpenAPI contract (checked with ajv, closed to unknown fields), and both servers must behave as
// the real APIs do over real HTTP on 127.0.0.1.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { madeUpCounts } from '../../scripts/demo-datafold.js'
import {
  DATADIFF_200,
  SUMMARY_RESULTS_200,
  assertContract,
  contractPath,
  validateContract
} from '../../__fixtures__/contract.js'
import {
  DEMO_DIFF_IDS,
  DEMO_SPECS,
  crossDbDone,
  demoScenario,
  dependenciesOnly,
  diffRecord,
  failedSummary,
  runningSummary,
  sameDbDone,
  sampledDone,
  shapelessSummary,
  type CrossDbDoneBody,
  type JobStatus,
  type SameDbDoneBody
} from '../../__fixtures__/diffs.js'
import {
  delayed,
  failedScenario,
  finishedScenario,
  hang,
  json,
  proxyPage,
  rateLimited,
  redirectTo,
  runningScenario,
  runningThenDone,
  serverError,
  shapelessScenario,
  startFakeDatafold,
  waitingOnPersonScenario,
  type FakeDatafoldOptions
} from '../../__fixtures__/fake-datafold.js'
import type { DiffScenario, Scenarios, Step } from '../../__fixtures__/datafold-scenario.js'
import {
  BOT_USER,
  MAX_COMMENT_LENGTH,
  commentThread,
  reportMarker,
  startFakeGitHub,
  type FakeGitHubOptions
} from '../../__fixtures__/fake-github.js'
import { createGitHubClient } from '../../src/github/octokit.js'

const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

async function datafold(options: FakeDatafoldOptions) {
  const server = await startFakeDatafold(options)
  open.push(server)
  return server
}

async function github(options: FakeGitHubOptions = {}) {
  const server = await startFakeGitHub(options)
  open.push(server)
  return server
}

async function getJson(url: string, init?: RequestInit): Promise<{ res: Response; body: unknown }> {
  const res = await fetch(url, init)
  const text = await res.text()
  return { res, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

function field(body: unknown, key: string): unknown {
  return (body as Record<string, unknown>)[key]
}

function jsonBodies(steps: Step[] | object | undefined): unknown[] {
  if (steps === undefined) return []
  if (!Array.isArray(steps)) return [steps]
  return (steps as Step[]).flatMap((step) => ('body' in step ? [step.body] : []))
}

const marker = reportMarker('default')

// ---------------------------------------------------------------- contract

const SUMMARY_CASES: [string, unknown, string][] = [
  ['same-db, clean', sameDbDone(), 'ApiDataDiffSummaryForDone'],
  [
    'same-db, every kind of difference, status success',
    sameDbDone({
      status: 'success',
      removed: 12,
      added: 40,
      differences: { amount: 310, status: 52 },
      changed: 340,
      dupes: [0, 2],
      nulls: [1, 0],
      schemaChanges: {
        onlyInA: ['legacy_flag'],
        onlyInB: ['refund_total'],
        typeChanged: ['amount']
      }
    }),
    'ApiDataDiffSummaryForDone'
  ],
  [
    'same-db, keys only (values null)',
    sameDbDone({ compareValues: false, removed: 3 }),
    'ApiDataDiffSummaryForDone'
  ],
  [
    'same-db, sampled',
    sampledDone({ differences: { revenue: 2_000 } }),
    'ApiDataDiffSummaryForDone'
  ],
  [
    'cross-db',
    crossDbDone({ added: 3, differences: { amount: 14 } }),
    'ApiCrossDataDiffSummaryForDone'
  ],
  [
    'cross-db, pks and values absent',
    crossDbDone({ omit: ['pks', 'values'] }),
    'ApiCrossDataDiffSummaryForDone'
  ],
  [
    'cross-db, values null',
    crossDbDone({ compareValues: false }),
    'ApiCrossDataDiffSummaryForDone'
  ],
  ['failed', failedSummary(), 'ApiDataDiffSummaryForFailed'],
  [
    'failed, retryable',
    failedSummary({ error_type: 'ConnectionError', error_value: 'timeout', is_retryable: true }),
    'ApiDataDiffSummaryForFailed'
  ],
  [
    'failed, another error object',
    failedSummary({ code: 'E_WAREHOUSE', message: 'warehouse suspended' }),
    'ApiDataDiffSummaryForFailed'
  ],
  ['running', runningSummary(), 'ApiDataDiffSummaryForRunning'],
  ['pending', runningSummary('pending'), 'ApiDataDiffSummaryForRunning'],
  ['dependencies only', dependenciesOnly(), 'InternalApiDataDiffDependencies'],
  [
    'dependencies only, success',
    dependenciesOnly('customers', 'success'),
    'InternalApiDataDiffDependencies'
  ]
]

const JOB_STATUSES: JobStatus[] = [
  'needs_confirmation',
  'needs_authentication',
  'waiting',
  'queued',
  'processing',
  'done',
  'failed',
  'cancelled'
]

const RECORD_CASES: [string, unknown][] = [
  ['in-db, default', diffRecord()],
  ['cross-db', diffRecord({ kind: 'cross_db', id: 7 })],
  ['sampled', diffRecord({ model: 'events', sampled: { rows: 500_000 } })],
  [
    'queries',
    diffRecord({ queries: ['select * from analytics.orders', 'select * from pr.orders'] })
  ],
  ['no status', diffRecord({ jobStatus: null })],
  ...JOB_STATUSES.map((status): [string, unknown] => [
    `job ${status}`,
    diffRecord({ jobStatus: status })
  ])
]

const SCENARIO_HELPERS: [string, DiffScenario][] = [
  ['finishedScenario', finishedScenario(sameDbDone({ removed: 4 }))],
  ['runningScenario', runningScenario(3, sameDbDone())],
  ['failedScenario', failedScenario({ error_type: 'PermissionDenied', error_value: 'no access' })],
  ['waitingOnPersonScenario', waitingOnPersonScenario()],
  ['waitingOnPersonScenario confirmation', waitingOnPersonScenario('needs_confirmation')]
]

describe('every body the fakes send fits the Datafold contract', () => {
  it.each(SUMMARY_CASES)('summary_results: %s', (_name, body, schema) => {
    assertContract(SUMMARY_RESULTS_200, body)
    assertContract(SUMMARY_RESULTS_200, body, { closed: true })
    assertContract(schema, body, { closed: true })
  })

  it.each(RECORD_CASES)('diff record: %s', (_name, record) => {
    assertContract(DATADIFF_200, record, { closed: true })
    assertContract('ApiDataDiffWithProgressState', record, { closed: true })
  })

  it.each(SCENARIO_HELPERS)('scenario helper %s', (_name, scenario) => {
    const summaries = jsonBodies(scenario.summary)
    expect(summaries.length).toBeGreaterThan(0)
    for (const body of summaries) assertContract(SUMMARY_RESULTS_200, body, { closed: true })
    for (const record of jsonBodies(scenario.record)) {
      assertContract(DATADIFF_200, record, { closed: true })
    }
  })

  it('demoScenario: ids 101..105, every body and record fits', () => {
    const scenarios = demoScenario()
    expect(Object.keys(scenarios).map(Number)).toEqual([...DEMO_DIFF_IDS])
    for (const scenario of Object.values(scenarios)) {
      for (const body of jsonBodies(scenario.summary)) {
        assertContract(SUMMARY_RESULTS_200, body, { closed: true })
      }
      const records = jsonBodies(scenario.record)
      expect(records).toHaveLength(1)
      for (const record of records) assertContract(DATADIFF_200, record, { closed: true })
    }
  })

  it('demoScenario: clean, over thresholds, cross-db, sampled, failed', () => {
    const scenarios = demoScenario()
    const summary = (id: number): Record<string, unknown> =>
      jsonBodies(scenarios[id]?.summary)[0] as Record<string, unknown>
    const record = (id: number): Record<string, unknown> =>
      jsonBodies(scenarios[id]?.record)[0] as Record<string, unknown>

    const clean = summary(101) as unknown as SameDbDoneBody
    expect(clean.pks.exclusives).toEqual([0, 0])
    expect(clean.values?.rows_with_differences).toBe(0)
    expect(clean.values?.columns_diff_stats.every((c) => c.match === 100)).toBe(true)
    expect(record(101).result).toBe('identical')

    const over = summary(102) as unknown as SameDbDoneBody
    expect(over.pks.exclusives[0]).toBe(DEMO_SPECS[102].removed)
    const changedShare = (over.values?.rows_with_differences ?? 0) / (over.values?.total_rows ?? 1)
    expect(changedShare).toBeGreaterThan(0.024)
    expect(changedShare).toBeLessThan(0.026)
    expect(over.schema.exclusive_columns).toEqual([[], ['refund_total']])
    expect(record(102)).toMatchObject({ table1: ['analytics', 'customers'], kind: 'in_db' })

    const cross = summary(103)
    expect(cross).not.toHaveProperty('schema')
    expect(cross).not.toHaveProperty('dependencies')
    expect(record(103)).toMatchObject({ kind: 'cross_db', algorithm: 'fetch_and_join' })
    expect(record(103).data_source1_id).not.toBe(record(103).data_source2_id)

    const sampled = summary(104) as unknown as SameDbDoneBody
    for (const column of sampled.values?.columns_diff_stats ?? []) {
      expect(column.values_different_estimate?.confidence).toBe(0.95)
    }
    expect(sampled.materialized_results.diff?.[0]?.is_sampled).toBe(true)

    expect(summary(105)).toMatchObject({ status: 'failed', error: { error_type: 'QueryError' } })
    expect(record(105)).toMatchObject({ status: 'failed', result: 'error' })
  })

  it('demoScenario builds fresh objects each call', () => {
    const first = demoScenario()
    const body = jsonBodies(first[102]?.summary)[0] as SameDbDoneBody
    body.pks.exclusives[0] = 999
    expect((jsonBodies(demoScenario()[102]?.summary)[0] as SameDbDoneBody).pks.exclusives[0]).toBe(
      37
    )
  })

  it('any diff the builders can describe fits, and its counts agree (property)', () => {
    const spec = fc
      .record({
        rowsA: fc.integer({ min: 0, max: 50_000_000 }),
        removedShare: fc.double({ min: 0, max: 1, noNaN: true }),
        added: fc.integer({ min: 0, max: 1_000_000 }),
        shares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: 4,
          maxLength: 4
        }),
        changedShare: fc.double({ min: 0, max: 1, noNaN: true }),
        sampleRows: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        cross: fc.boolean()
      })
      .map((r) => {
        const removed = Math.floor(r.rowsA * r.removedShare)
        const inBoth = r.rowsA - removed
        const columns = ['order_id', 'payment_method', 'amount', 'created_at']
        const differences = Object.fromEntries(
          columns.map((c, i) => [c, Math.floor(inBoth * (r.shares[i] ?? 0))])
        )
        const counts = Object.values(differences)
        const largest = Math.max(0, ...counts)
        const top = Math.min(
          inBoth,
          counts.reduce((a, b) => a + b, 0)
        )
        const changed = largest + Math.floor((top - largest) * r.changedShare)
        return {
          model: 'payments',
          rowsA: r.rowsA,
          removed,
          added: r.added,
          differences,
          changed,
          sampled: r.sampleRows === undefined ? undefined : { rows: r.sampleRows },
          cross: r.cross
        }
      })
    fc.assert(
      fc.property(spec, ({ cross, ...s }) => {
        const body: SameDbDoneBody | CrossDbDoneBody = cross ? crossDbDone(s) : sameDbDone(s)
        assertContract(SUMMARY_RESULTS_200, body, { closed: true })
        const { pks, values } = body
        if (!pks || !values) throw new Error('pks and values expected')
        expect(pks.total_rows[1]).toBe(pks.total_rows[0] - pks.exclusives[0] + pks.exclusives[1])
        expect(pks.exclusives).toEqual([s.removed, s.added])
        const sum = values.columns_diff_stats.reduce((a, c) => a + c.values_different, 0)
        expect(values.values_with_differences).toBe(sum)
        expect(values.rows_with_differences).toBeLessThanOrEqual(Math.max(sum, 0))
        expect(values.rows_with_differences).toBeLessThanOrEqual(values.total_rows)
        for (const column of values.columns_diff_stats) {
          expect(column.match).toBeGreaterThanOrEqual(0)
          expect(column.match).toBeLessThanOrEqual(100)
          const estimate = column.values_different_estimate
          if (s.sampled) {
            if (!estimate) throw new Error('a sampled column needs an estimate')
            expect(estimate.interval.min).toBeLessThanOrEqual(estimate.estimate)
            expect(estimate.estimate).toBeLessThanOrEqual(estimate.interval.max)
          } else {
            expect(estimate).toBeUndefined()
          }
        }
        if (!s.sampled) {
          expect(values.total_rows).toBe(pks.total_rows[0] - pks.exclusives[0])
          expect(values.rows_with_differences).toBe(s.changed)
        }
      }),
      { numRuns: 150 }
    )
  })

  it('builders refuse a diff that cannot exist', () => {
    expect(() => sameDbDone({ rowsA: 10, removed: 11 })).toThrow(/exceeds/)
    expect(() => sameDbDone({ differences: { amount: 5, status: 3 }, changed: 9 })).toThrow(
      /changed/
    )
    expect(() => sameDbDone({ differences: { amout: 5 } })).toThrow(/not a column/)
    expect(() => sameDbDone({ model: 'unknown_model' })).toThrow(/unknown model/)
    expect(() => sameDbDone({ added: -1 })).toThrow(/non-negative/)
  })
})

describe('the contract copy', () => {
  // CI has the team's shared copy beside the clone: the repository's copy must not drift from it.
  const shared = resolve(
    dirname(fileURLToPath(import.meta.url)),
    '../../../shared/datafold-api/openapi-datadiffs.json'
  )
  const itWhenShared = existsSync(shared) ? it : it.skip
  itWhenShared('is the same as shared/datafold-api', () => {
    expect(readFileSync(contractPath(), 'utf8')).toBe(readFileSync(shared, 'utf8'))
  })
})

describe('the contract check can fail', () => {
  it.each(['wrong-types', 'unknown-status', 'no-status'] as const)(
    'rejects a summary body that fits no shape: %s',
    (kind) => {
      const result = validateContract(SUMMARY_RESULTS_200, shapelessSummary(kind))
      expect(result.valid).toBe(false)
      expect(result.errors.length).toBeGreaterThan(0)
    }
  )

  it('rejects broken bodies, naming the field', () => {
    const body = sameDbDone({ removed: 2 })
    const broken = { ...body, pks: { ...body.pks, exclusives: [2, 0, 0] } }
    const result = validateContract('ApiDataDiffSummaryForDone', broken)
    expect(result.valid).toBe(false)
    expect(result.errors.join('\n')).toMatch(/\/pks\/exclusives/)
    expect(validateContract(SUMMARY_RESULTS_200, { status: 'failed' }).valid).toBe(false)
    expect(validateContract(SUMMARY_RESULTS_200, { status: 'finished' }).valid).toBe(false)
    expect(validateContract(SUMMARY_RESULTS_200, [sameDbDone()]).valid).toBe(false)
    expect(validateContract(SUMMARY_RESULTS_200, 'done').valid).toBe(false)
  })

  it('a same-db body with broken values still fits the open anyOf (as dependencies-only)', () => {
    // The contract's anyOf is loose: any finished body with `dependencies` fits
    // InternalApiDataDiffDependencies. Only the closed check and the named schema catch this.
    const body = sameDbDone({ differences: { amount: 3 } })
    const broken = { ...body, values: { ...body.values, rows_with_differences: 1.5 } }
    expect(validateContract(SUMMARY_RESULTS_200, broken).valid).toBe(true)
    expect(validateContract(SUMMARY_RESULTS_200, broken, { closed: true }).valid).toBe(false)
    const named = validateContract('ApiDataDiffSummaryForDone', broken)
    expect(named.valid).toBe(false)
    expect(named.errors.join('\n')).toMatch(/\/values\/rows_with_differences must be integer/)
  })

  it('closed mode catches a misspelt field the open contract lets through', () => {
    const typo = { ...sameDbDone(), value: null }
    expect(validateContract(SUMMARY_RESULTS_200, typo).valid).toBe(true)
    const closed = validateContract(SUMMARY_RESULTS_200, typo, { closed: true })
    expect(closed.valid).toBe(false)
    expect(closed.errors.join('\n')).toMatch(/additional properties \(value\)/)
  })

  it('rejects a broken record', () => {
    const noPk: Partial<ReturnType<typeof diffRecord>> = diffRecord()
    delete noPk.pk_columns
    expect(validateContract(DATADIFF_200, noPk).valid).toBe(false)
    expect(validateContract(DATADIFF_200, { ...diffRecord(), status: 'running' }).valid).toBe(false)
    expect(validateContract(DATADIFF_200, { ...diffRecord(), kind: 'cross' }).valid).toBe(false)
    expect(validateContract(DATADIFF_200, { ...diffRecord(), created_at: 'yesterday' }).valid).toBe(
      false
    )
  })

  it('refuses a target the contract does not have', () => {
    expect(() => validateContract('NoSuchSchema', {})).toThrow(/no schema "NoSuchSchema"/)
    expect(() => validateContract('GET /api/v1/nothing 200', {})).toThrow(/no JSON response/)
    expect(() => {
      assertContract(SUMMARY_RESULTS_200, { status: 'nope' })
    }).toThrow(/does not fit/)
  })
})

// ---------------------------------------------------------------- fake Datafold

// The tests below start the fakes (or a process): each timeout guards against a hang, ten times the
// test's duration on a busy 2-core machine.
describe('fake Datafold over HTTP', () => {
  const KEY = 'df_test_key_123'
  const auth = { headers: { Authorization: `Key ${KEY}` } }

  it('answers each request with the next Step; the last repeats', async () => {
    const df = await datafold({
      apiKey: KEY,
      scenarios: { 7: { record: diffRecord({ id: 7 }), summary: runningThenDone(2, sameDbDone()) } }
    })
    const statuses: unknown[] = []
    for (let i = 0; i < 4; i++) {
      const { res, body } = await getJson(`${df.url}/api/v1/datadiffs/7/summary_results`, auth)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      statuses.push(field(body, 'status'))
    }
    expect(statuses).toEqual(['pending', 'running', 'done', 'done'])
    const { body: record } = await getJson(`${df.url}/api/v1/datadiffs/7`, auth)
    expect(record).toEqual(diffRecord({ id: 7 }))
    expect(df.hits(7)).toBe(4)
    expect(df.hits(7, 'record')).toBe(1)
  }, 10_000)

  it('scripts the record too, independently of the summary', async () => {
    const df = await datafold({ scenarios: { 8: runningScenario(2, sameDbDone(), { id: 8 }) } })
    const statuses: unknown[] = []
    for (let i = 0; i < 3; i++) {
      statuses.push(field((await getJson(`${df.url}/api/v1/datadiffs/8`)).body, 'status'))
    }
    expect(statuses).toEqual(['processing', 'processing', 'done'])
    expect(df.hits(8)).toBe(0)
  }, 10_000)

  it('answers 401 problem+json without the right key', async () => {
    const df = await datafold({ apiKey: KEY, scenarios: demoScenario() })
    const path = `${df.url}/api/v1/datadiffs/101/summary_results`
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Key wrong' },
      { Authorization: `Bearer ${KEY}` }
    ]
    for (const headers of attempts) {
      const { res, body } = await getJson(path, { headers })
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(body).toMatchObject({ status: 401, title: 'Unauthorized' })
    }
    expect((await fetch(path, auth)).status).toBe(200)
    expect((await fetch(path, { headers: { Authorization: `key ${KEY}` } })).status).toBe(200)
  }, 10_000)

  it('answers 429 with Retry-After, 5xx problem+json, a proxy HTML page', async () => {
    const df = await datafold({
      scenarios: {
        9: {
          summary: [
            rateLimited('2'),
            rateLimited(),
            serverError(503),
            proxyPage(502),
            json(sameDbDone())
          ]
        }
      }
    })
    const path = `${df.url}/api/v1/datadiffs/9/summary_results`
    const first = await fetch(path)
    expect(first.status).toBe(429)
    expect(first.headers.get('retry-after')).toBe('2')
    expect(first.headers.get('content-type')).toBe('application/problem+json')
    expect(await first.json()).toMatchObject({ status: 429, title: 'Too Many Requests' })
    const second = await fetch(path)
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBeNull()
    await second.arrayBuffer()
    const third = await fetch(path)
    expect(third.status).toBe(503)
    expect(await third.json()).toMatchObject({ status: 503 })
    const fourth = await fetch(path)
    expect(fourth.status).toBe(502)
    expect(fourth.headers.get('content-type')).toBe('text/html')
    expect(await fourth.text()).toContain('<h1>502 Bad Gateway</h1>')
    expect((await fetch(path)).status).toBe(200)
  }, 10_000)

  it('sends a redirect, and custom status, headers and bodies', async () => {
    const df = await datafold({
      scenarios: {
        10: {
          record: [{ body: { detail: 'gone' }, status: 410, headers: { 'X-Request-Id': 'abc' } }],
          summary: [redirectTo('http://other.example/api/v1/datadiffs/10/summary_results')]
        }
      }
    })
    const res = await fetch(`${df.url}/api/v1/datadiffs/10/summary_results`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(
      'http://other.example/api/v1/datadiffs/10/summary_results'
    )
    const record = await fetch(`${df.url}/api/v1/datadiffs/10`)
    expect(record.status).toBe(410)
    expect(record.headers.get('x-request-id')).toBe('abc')
    expect(await record.json()).toEqual({ detail: 'gone' })
  }, 10_000)

  it('hangs when told to, and still closes at once', async () => {
    const df = await startFakeDatafold({ scenarios: { 11: { summary: [hang()] } } })
    const request = fetch(`${df.url}/api/v1/datadiffs/11/summary_results`, {
      signal: AbortSignal.timeout(150)
    })
    await expect(request).rejects.toThrow()
    const other = fetch(`${df.url}/api/v1/datadiffs/11/summary_results`).catch(() => 'closed')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await df.close()
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await other).toBe('closed')
    expect(df.requests).toHaveLength(2)
  }, 10_000)

  it('adds delayMs to one answer and latencyMs to every answer', async () => {
    const df = await datafold({
      latencyMs: 60,
      scenarios: { 12: { record: diffRecord(), summary: [delayed(400, json(runningSummary()))] } }
    })
    // Asked at once, answered in order of their delays: the record's has no delayMs in it.
    const answered: string[] = []
    const started = Date.now()
    const ask = async (path: string, name: string): Promise<number> => {
      await (await fetch(`${df.url}/api/v1/datadiffs/${path}`)).json()
      answered.push(name)
      return Date.now() - started
    }
    const [summaryMs, recordMs] = await Promise.all([
      ask('12/summary_results', 'summary'),
      ask('12', 'record')
    ])
    expect(summaryMs).toBeGreaterThanOrEqual(450)
    expect(recordMs).toBeGreaterThanOrEqual(55)
    expect(answered).toEqual(['record', 'summary'])
  }, 10_000)

  it('answers 404 for an unknown diff or path, 422 for an id that is not an integer', async () => {
    const df = await datafold({ scenarios: { 13: { summary: [json(sameDbDone())] } } })
    for (const path of ['/api/v1/datadiffs/999/summary_results', '/api/v1/datadiffs/13', '/nope']) {
      const { res, body } = await getJson(`${df.url}${path}`)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(body).toMatchObject({ status: 404, title: 'Not Found' })
    }
    const { res, body } = await getJson(`${df.url}/api/v1/datadiffs/abc/summary_results`)
    expect(res.status).toBe(422)
    assertContract('HTTPValidationError', body)
    const post = await fetch(`${df.url}/api/v1/datadiffs/13/summary_results`, { method: 'POST' })
    expect(post.status).toBe(405)
  }, 10_000)

  it('reads scenarios live, so a test can add a diff after start', async () => {
    const scenarios: Scenarios = {}
    const df = await datafold({ scenarios })
    expect((await fetch(`${df.url}/api/v1/datadiffs/14/summary_results`)).status).toBe(404)
    df.scenarios[14] = finishedScenario(crossDbDone())
    const { body } = await getJson(`${df.url}/api/v1/datadiffs/14/summary_results`)
    expect(body).toEqual(crossDbDone())
  }, 10_000)

  it('serves the helper scenarios: waiting on a person, failed, shapeless', async () => {
    const df = await datafold({
      scenarios: {
        20: waitingOnPersonScenario(),
        21: failedScenario({ error_type: 'PermissionDenied', error_value: 'no access to PROD' }),
        22: shapelessScenario()
      }
    })
    const get = async (path: string) => (await getJson(`${df.url}/api/v1/datadiffs/${path}`)).body
    expect(await get('20')).toMatchObject({ status: 'needs_authentication', done: false })
    expect(await get('20/summary_results')).toEqual({ status: 'pending' })
    expect(await get('20/summary_results')).toEqual({ status: 'pending' })
    expect(await get('21/summary_results')).toEqual({
      status: 'failed',
      error: {
        error_type: 'PermissionDenied',
        error_value: 'no access to PROD',
        is_retryable: false
      }
    })
    expect(await get('21')).toMatchObject({ status: 'failed' })
    expect(validateContract(SUMMARY_RESULTS_200, await get('22/summary_results')).valid).toBe(false)
  }, 10_000)

  it('records every request: method, path with query, headers, time', async () => {
    const df = await datafold({ apiKey: KEY, scenarios: demoScenario() })
    const before = Date.now()
    await (await fetch(`${df.url}/api/v1/datadiffs/101?poll=1`, auth)).arrayBuffer()
    await (await fetch(`${df.url}/api/v1/datadiffs/102/summary_results`)).arrayBuffer()
    expect(df.requests).toHaveLength(2)
    expect(df.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/datadiffs/101?poll=1',
      diffId: '101',
      endpoint: 'record'
    })
    expect(df.requests[0]?.headers.authorization).toBe(`Key ${KEY}`)
    expect(df.requests[1]).toMatchObject({ diffId: '102', endpoint: 'summary_results' })
    expect(df.requests[1]?.headers.authorization).toBeUndefined()
    expect(df.requests[0]?.time).toBeGreaterThanOrEqual(before)
    expect(df.requests[1]?.time).toBeGreaterThanOrEqual(df.requests[0]?.time ?? Infinity)
  }, 10_000)

  it('listens on 127.0.0.1 only', async () => {
    const df = await datafold({})
    expect(df.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  }, 10_000)
})

// ---------------------------------------------------------------- fake GitHub

describe('fake GitHub over HTTP', () => {
  const repoPath = '/repos/acme/analytics-dbt/issues'

  it('lives under /api/v3; GET /user is 403 for an integration token', async () => {
    const gh = await github()
    expect(gh.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/)
    const { res, body } = await getJson(`${gh.url}/user`)
    expect(res.status).toBe(403)
    expect(body).toMatchObject({ message: 'Resource not accessible by integration' })
    expect(
      (await fetch(`${gh.serverUrl}/repos/acme/analytics-dbt/issues/482/comments`)).status
    ).toBe(404)
  }, 10_000)

  it('pages 1,000 comments with per_page/page and absolute Link headers', async () => {
    const gh = await github({
      comments: commentThread({ total: 1_000, marker, reportAt: 637, humanQuoteAt: 12 })
    })
    const first = await fetch(`${gh.url}${repoPath}/482/comments?per_page=100`)
    const firstPage = (await first.json()) as { id: number }[]
    expect(firstPage).toHaveLength(100)
    const link = first.headers.get('link') ?? ''
    expect(link).toContain(`<${gh.url}${repoPath}/482/comments?per_page=100&page=2>; rel="next"`)
    expect(link).toContain(`<${gh.url}${repoPath}/482/comments?per_page=100&page=10>; rel="last"`)
    expect(link).not.toContain('rel="prev"')

    const seen: { id: number; body: string; user: { login: string; type: string } }[] = []
    let next: string | null = `${gh.url}${repoPath}/482/comments?per_page=100`
    let pages = 0
    let lastLink = ''
    while (next) {
      const res = await fetch(next)
      seen.push(...((await res.json()) as typeof seen))
      lastLink = res.headers.get('link') ?? ''
      next = /<([^>]+)>; rel="next"/.exec(lastLink)?.[1] ?? null
      pages++
    }
    expect(pages).toBe(10)
    expect(seen).toHaveLength(1_000)
    expect(new Set(seen.map((c) => c.id)).size).toBe(1_000)
    expect(seen.map((c) => c.id)).toEqual([...seen.map((c) => c.id)].sort((a, b) => a - b))
    expect(lastLink).toContain('page=9>; rel="prev"')
    expect(lastLink).toContain('page=1>; rel="first"')

    const withMarker = seen.filter((c) => c.body.includes(marker))
    expect(withMarker.map((c) => c.user)).toEqual([
      expect.objectContaining({ login: 'priya-eng', type: 'User' }),
      expect.objectContaining({ login: BOT_USER.login, type: 'Bot' })
    ])
  }, 10_000)

  it('defaults to 30 per page and caps per_page at 100', async () => {
    const gh = await github({ comments: commentThread({ total: 250, marker }) })
    const plain = await fetch(`${gh.url}${repoPath}/482/comments`)
    expect(await plain.json()).toHaveLength(30)
    expect(plain.headers.get('link')).toContain('per_page=30&page=9>; rel="last"')
    const big = await fetch(`${gh.url}${repoPath}/482/comments?per_page=500&page=3`)
    expect(await big.json()).toHaveLength(50)
    expect(big.headers.get('link')).not.toContain('rel="next"')
    const empty = await fetch(`${gh.url}${repoPath}/1/comments`)
    expect(await empty.json()).toEqual([])
    expect(empty.headers.get('link')).toBeNull()
  }, 10_000)

  it("works with the action's own client: octokit paginate over the fake", async () => {
    const gh = await github({
      token: 'ghs_fake',
      comments: commentThread({ total: 1_000, marker, reportAt: 999 })
    })
    const octokit = await createGitHubClient('ghs_fake', {
      baseUrl: gh.url,
      fetch: globalThis.fetch,
      pacing: 'none'
    })
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: 'acme',
      repo: 'analytics-dbt',
      issue_number: 482,
      per_page: 100
    })
    expect(all).toHaveLength(1_000)
    expect(all[999]?.user?.login).toBe('github-actions[bot]')
    expect(gh.requests).toHaveLength(10)
    expect(gh.requests[0]?.headers.authorization).toBe('token ghs_fake')
  }, 10_000)

  it('creates, reads, updates and deletes a comment as github-actions[bot]', async () => {
    const gh = await github()
    const created = await fetch(`${gh.url}${repoPath}/482/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ body: `${marker}\nreport v1` })
    })
    expect(created.status).toBe(201)
    const comment = (await created.json()) as Record<string, unknown> & { id: number }
    expect(comment).toMatchObject({
      body: `${marker}\nreport v1`,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      html_url: `${gh.serverUrl}/acme/analytics-dbt/pull/482#issuecomment-${String(comment.id)}`
    })
    expect(comment).not.toHaveProperty('repository')
    expect(comment).not.toHaveProperty('issue_number')
    expect(String(comment.created_at)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(comment.updated_at).toBe(comment.created_at)
    expect(created.headers.get('location')).toBe(comment.url)
    expect(gh.commentsOn(482).map((c) => c.id)).toEqual([comment.id])

    const one = `${gh.url}/repos/acme/analytics-dbt/issues/comments/${String(comment.id)}`
    expect(field((await getJson(one)).body, 'body')).toBe(`${marker}\nreport v1`)
    const updated = await getJson(one, {
      method: 'PATCH',
      body: JSON.stringify({ body: `${marker}\nreport v2` })
    })
    expect(updated.res.status).toBe(200)
    expect(updated.body).toMatchObject({ id: comment.id, body: `${marker}\nreport v2` })
    expect(gh.comments[0]?.body).toBe(`${marker}\nreport v2`)

    const deleted = await fetch(one, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(await deleted.text()).toBe('')
    expect(gh.comments).toHaveLength(0)
    expect((await fetch(one, { method: 'PATCH', body: '{"body":"x"}' })).status).toBe(404)
    expect((await fetch(one, { method: 'DELETE' })).status).toBe(404)
  }, 10_000)

  it('keeps comments per repository and issue', async () => {
    const gh = await github({ comments: [{ body: 'on 482' }, { body: 'on 7', issue_number: 7 }] })
    await fetch(`${gh.url}/repos/acme/other/issues/482/comments`, {
      method: 'POST',
      body: JSON.stringify({ body: 'other repo' })
    })
    expect((await getJson(`${gh.url}${repoPath}/482/comments`)).body).toEqual([
      expect.objectContaining({ body: 'on 482', user: expect.objectContaining({ type: 'User' }) })
    ])
    expect(gh.commentsOn(7).map((c) => c.body)).toEqual(['on 7'])
    expect(gh.commentsOn(482, 'acme/other').map((c) => c.body)).toEqual(['other repo'])
    const otherId = gh.commentsOn(482, 'acme/other')[0]?.id ?? 0
    const wrongRepo = `${gh.url}/repos/acme/analytics-dbt/issues/comments/${String(otherId)}`
    expect((await fetch(wrongRepo, { method: 'DELETE' })).status).toBe(404)
  }, 10_000)

  it('answers every write 403 while readOnly, then writes again when switched back', async () => {
    const gh = await github({ readOnly: true, comments: [{ body: `${marker}\nold report` }] })
    const id = String(gh.comments[0]?.id)
    const writes: [string, string, string | undefined][] = [
      ['POST', `${repoPath}/482/comments`, JSON.stringify({ body: 'new' })],
      ['PATCH', `/repos/acme/analytics-dbt/issues/comments/${id}`, JSON.stringify({ body: 'new' })],
      ['DELETE', `/repos/acme/analytics-dbt/issues/comments/${id}`, undefined]
    ]
    for (const [method, path, body] of writes) {
      const { res, body: answer } = await getJson(`${gh.url}${path}`, { method, body })
      expect(res.status).toBe(403)
      expect(answer).toMatchObject({ message: 'Resource not accessible by integration' })
    }
    expect((await fetch(`${gh.url}${repoPath}/482/comments`)).status).toBe(200)
    expect(gh.comments.map((c) => c.body)).toEqual([`${marker}\nold report`])
    gh.readOnly = false
    const [method, path, body] = writes[0] ?? []
    expect((await fetch(`${gh.url}${String(path)}`, { method, body })).status).toBe(201)
    gh.readOnly = true
    expect((await fetch(`${gh.url}${String(path)}`, { method, body })).status).toBe(403)
  }, 10_000)

  it('answers 422 for a body over 65,536 characters or none', async () => {
    const gh = await github()
    const post = (body: unknown) =>
      getJson(`${gh.url}${repoPath}/482/comments`, { method: 'POST', body: JSON.stringify(body) })
    const tooLong = await post({ body: 'x'.repeat(MAX_COMMENT_LENGTH + 1) })
    expect(tooLong.res.status).toBe(422)
    expect(tooLong.body).toMatchObject({
      message: 'Validation Failed',
      errors: [expect.objectContaining({ field: 'body', code: 'custom' })]
    })
    expect((await post({ body: 'x'.repeat(MAX_COMMENT_LENGTH) })).res.status).toBe(201)
    expect((await post({ title: 'no body' })).res.status).toBe(422)
    const id = String(gh.comments[0]?.id)
    const patch = await fetch(`${gh.url}/repos/acme/analytics-dbt/issues/comments/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ body: 'y'.repeat(MAX_COMMENT_LENGTH + 1) })
    })
    expect(patch.status).toBe(422)
    expect(gh.comments).toHaveLength(1)
  }, 10_000)

  it('requires the token when one is set: token or Bearer', async () => {
    const gh = await github({ token: 'ghs_secret' })
    const list = `${gh.url}${repoPath}/482/comments`
    const bad = await getJson(list)
    expect(bad.res.status).toBe(401)
    expect(bad.body).toMatchObject({ message: 'Bad credentials' })
    expect((await fetch(list, { headers: { Authorization: 'token wrong' } })).status).toBe(401)
    expect((await fetch(list, { headers: { Authorization: 'token ghs_secret' } })).status).toBe(200)
    expect((await fetch(list, { headers: { Authorization: 'Bearer ghs_secret' } })).status).toBe(
      200
    )
  }, 10_000)

  it('records method, path with query, headers and the parsed body', async () => {
    const gh = await github()
    await (await fetch(`${gh.url}${repoPath}/482/comments?per_page=100&page=1`)).arrayBuffer()
    await (
      await fetch(`${gh.url}${repoPath}/482/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'fakes-test' },
        body: JSON.stringify({ body: 'hello' })
      })
    ).arrayBuffer()
    expect(gh.requests).toHaveLength(2)
    expect(gh.requests[0]).toMatchObject({
      method: 'GET',
      path: `/api/v3${repoPath}/482/comments?per_page=100&page=1`,
      body: undefined
    })
    expect(gh.requests[1]).toMatchObject({ method: 'POST', body: { body: 'hello' } })
    expect(gh.requests[1]?.headers['user-agent']).toBe('fakes-test')
    expect(gh.requests[1]?.time).toBeGreaterThanOrEqual(gh.requests[0]?.time ?? Infinity)
  }, 10_000)
})

describe('the fakes run outside jest', () => {
  it('under tsx, as the demo runs them', () => {
    const script = `
      const { startFakeDatafold } = await import('./__fixtures__/fake-datafold.js')
      const { startFakeGitHub } = await import('./__fixtures__/fake-github.js')
      const { demoScenario } = await import('./__fixtures__/diffs.js')
      const { validateContract, SUMMARY_RESULTS_200 } = await import('./__fixtures__/contract.js')
      const df = await startFakeDatafold({ scenarios: demoScenario(), apiKey: 'k' })
      const gh = await startFakeGitHub()
      const res = await fetch(df.url + '/api/v1/datadiffs/102/summary_results', { headers: { Authorization: 'Key k' } })
      const body = await res.json()
      const user = await fetch(gh.url + '/user')
      console.log(JSON.stringify([res.status, validateContract(SUMMARY_RESULTS_200, body).valid, user.status]))
      await df.close()
      await gh.close()
    `
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, NODE_OPTIONS: '' }
      }
    )
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('[200,true,403]')
    expect(run.status).toBe(0)
  }, 35_000)
})

describe("the demo Datafold's made-up counts for any tables", () => {
  const bodies: Record<string, unknown>[] = [
    {
      table1: ['RAW', 'PROD', 'STG_ORDERS'],
      table2: ['RAW', 'PR_12', 'STG_ORDERS'],
      pk_columns: ['ORDER_ID']
    },
    {
      table1: ['a', 'orders'],
      table2: ['b', 'orders'],
      pk_columns: ['id'],
      include_columns: ['total']
    },
    {
      query1: 'select 1 as id',
      query2: 'select 2 as id',
      infer_pk: true,
      exclude_columns: ['amount']
    },
    {
      table1: ['x', 'constructor'],
      table2: ['y', 'constructor'],
      pk_columns: ['id'],
      include_columns: ['id']
    }
  ]

  it('fit the contract, change some rows, and are the same for the same tables', () => {
    for (const body of bodies) {
      const summary = madeUpCounts(body, 9001) as SameDbDoneBody
      assertContract(SUMMARY_RESULTS_200, summary, { closed: true })
      expect(madeUpCounts(body, 9001)).toEqual(summary)
      const columns = summary.values?.columns_diff_stats.map((stat) => stat.column_name) ?? []
      if (columns.length > 0) expect(summary.values?.rows_with_differences).toBeGreaterThan(0)
      expect(summary.dependencies).toEqual([])
    }
    const [upper, asked, query] = bodies.map((body) => madeUpCounts(body, 1) as SameDbDoneBody)
    expect(upper?.values?.columns_diff_stats.map((s) => s.column_name)).toEqual([
      'AMOUNT',
      'STATUS',
      'UPDATED_AT'
    ])
    expect(asked?.values?.columns_diff_stats.map((s) => s.column_name)).toEqual(['total'])
    expect(query?.values?.columns_diff_stats.map((s) => s.column_name)).toEqual([
      'status',
      'updated_at'
    ])
    expect(upper?.pks.total_rows).not.toEqual(asked?.pks.total_rows)
  })
})
