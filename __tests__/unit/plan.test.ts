// The plan: YAML in, the diffs to create out; every mistake reported at once; the published JSON
// Schema equal to the zod schema; the create request checked against Datafold's contract.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { assertContract } from '../../__fixtures__/contract.js'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'
import { fillPlaceholders, type PlanContext } from '../../src/plan/placeholders.js'
import { parsePlan, PlanError, type PlanOptions } from '../../src/plan/plan.js'
import { actionTags, createDiffBody, reuseKey } from '../../src/plan/request.js'
import { planJsonSchema } from '../../src/plan/schema.js'
import { parseName, parseTablePath } from '../../src/plan/table-path.js'
import type { Thresholds } from '../../src/limits.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const CONTEXT: PlanContext = {
  pr: 482,
  sha: SHA,
  env: { TEAM: 'ops', EMPTY: '' }
}
const STEP: Thresholds = {
  max: { 'rows-removed': { kind: 'count', value: 0 } },
  minColumnMatch: null,
  ignoreColumns: []
}
const OPTIONS: PlanOptions = {
  source: 'plan',
  context: CONTEXT,
  dataSource: 'warehouse',
  thresholds: STEP
}

function problemsOf(yaml: string, options: Partial<PlanOptions> = {}): string[] {
  try {
    parsePlan(yaml, { ...OPTIONS, ...options })
  } catch (error) {
    if (error instanceof PlanError) return error.problems
    throw error
  }
  throw new Error('expected a PlanError')
}

describe('parseTablePath', () => {
  it.each([
    ['analytics.prod.orders', ['analytics', 'prod', 'orders'], [false, false, false]],
    ['orders', ['orders'], [false]],
    ['analytics."ops.v2".events', ['analytics', 'ops.v2', 'events'], [false, true, false]],
    ['"a""b".c', ['a"b', 'c'], [true, false]],
    ['ANALYTICS.Prod.orders', ['ANALYTICS', 'Prod', 'orders'], [false, false, false]],
    ['db."".t', ['db', '', 't'], [false, true, false]]
  ])('reads %s as its segments, and which were quoted', (text, segments, quoted) => {
    expect(parseTablePath(text)).toEqual({ ok: true, segments, quoted })
  })

  it.each([
    ['a..b', 'empty'],
    ['.a', 'empty'],
    ['a.', 'empty'],
    ['a."b', 'not closed'],
    ['a"b".c', 'only start'],
    ['"a"b.c', 'closing quote']
  ])('refuses %s', (text, problem) => {
    const path = parseTablePath(text)
    expect(path.ok).toBe(false)
    expect(path.ok ? '' : path.problem).toContain(problem)
  })
})

describe('fillPlaceholders', () => {
  it.each([
    ['analytics.dbt_pr_{pr}.orders', 'analytics.dbt_pr_482.orders'],
    ['{sha}', CONTEXT.sha],
    ['ci_{short-sha}', 'ci_0123456'],
    ['{env.TEAM}_x', 'ops_x'],
    ['payload = \'{"a": 1}\'', 'payload = \'{"a": 1}\''],
    ['no placeholders', 'no placeholders']
  ])('fills %s', (text, filled) => {
    expect(fillPlaceholders(text, CONTEXT)).toEqual({ ok: true, text: filled })
  })

  it.each([
    ['{prs}', '{prs} is not a placeholder'],
    ['{env.MISSING}', 'MISSING is not set'],
    ['{env.EMPTY}', 'EMPTY is not set']
  ])('refuses %s', (text, problem) => {
    expect(fillPlaceholders(text, CONTEXT)).toEqual({
      ok: false,
      problems: [expect.stringContaining(problem)]
    })
  })

  const WITH_SECRETS: PlanContext = {
    ...CONTEXT,
    env: {
      ...CONTEXT.env,
      GITHUB_TOKEN: 'ghs_token',
      DATAFOLD_API_KEY: 'dfk_key',
      'INPUT_PLAN-FILE': 'plan.yml',
      INPUT_TITLE: 'x',
      My_Password: 'hunter2',
      AWS_SECRET_ACCESS_KEY: 'x',
      DB_SECRET: 'x',
      DEPLOY_KEYRING: 'x',
      DB_URL: 'postgres://ci:dfk_masked_key@db',
      KEPT: 'dfk_masked_key',
      SHORT: 'ab'
    },
    secrets: ['dfk_masked_key', 'ab', '']
  }

  it.each([
    ['{env.GITHUB_TOKEN}', 'its name says it holds a secret (TOKEN)'],
    ['{env.DATAFOLD_API_KEY}', 'its name says it holds a secret (KEY)'],
    ['{env.INPUT_TITLE}', "it holds one of this action's inputs"],
    ['{env.My_Password}', 'its name says it holds a secret (PASSWORD)'],
    ['{env.AWS_SECRET_ACCESS_KEY}', 'its name says it holds a secret (KEY)'],
    ['{env.DB_SECRET}', 'its name says it holds a secret (SECRET)'],
    ['{env.DEPLOY_KEYRING}', 'its name says it holds a secret (KEY)'],
    ['{env.KEPT}', 'its value holds a secret this action masks'],
    ['{env.DB_URL}', 'its value holds a secret this action masks']
  ])('never fills in %s, a secret: %s', (text, why) => {
    expect(fillPlaceholders(`x_${text}`, WITH_SECRETS)).toEqual({
      ok: false,
      problems: [`${text}: not filled in, as ${why}; a plan's values are sent to Datafold`]
    })
  })

  it('fills in a variable holding a masked value too short to be a secret', () => {
    expect(fillPlaceholders('{env.SHORT}', WITH_SECRETS)).toEqual({ ok: true, text: 'ab' })
  })

  it("reads only the environment's own variables, not Object.prototype's", () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(fillPlaceholders(`{env.${name}}`, CONTEXT)).toEqual({
        ok: false,
        problems: [`{env.${name}}: the environment variable ${name} is not set`]
      })
    }
  })

  it('says why {pr} has no value on a run without a pull request', () => {
    const result = fillPlaceholders('x_{pr}', {
      ...CONTEXT,
      pr: null,
      noPrReason: 'this run was triggered by push'
    })
    expect(result).toEqual({
      ok: false,
      problems: ['{pr}: this run has no pull request (this run was triggered by push)']
    })
  })
})

const THREE = `
defaults:
  primary-key: id
  max-rows-changed: 1%
  tags: [nightly]
diffs:
  - name: orders
    table-a: analytics.prod.orders
    table-b: analytics.dbt_pr_{pr}.orders
  - name: events
    data-source: 7
    data-source-b: snowflake-eu
    query-a: select * from events
    query-b: select * from events_v2
    infer-primary-key: true
    filter: created_at > '2026-01-01'
  - name: customers
    table-a: [ANALYTICS, "ops.v2", CUSTOMERS]
    table-b: analytics."ops.v2".customers_{short-sha}
    primary-key: [tenant_id, customer_id]
    max-rows-changed: 5%
    max-rows-removed: null
    min-column-match: 99.5
    ignore-columns: [updated_at, "_etl_*"]
    sampling: { tolerance: 0.001, confidence: 99 }
    time-travel-a: -120
    include-columns: [amount]
    tags: [pii]
`

describe('parseName', () => {
  it.each([
    ['order_id', 'order_id', false],
    ['"Order ID"', 'Order ID', true],
    ['"say ""hi"""', 'say "hi"', true],
    ['ops.v2', 'ops.v2', false],
    ['"ops.v2"', 'ops.v2', true],
    ['a"b"', 'a"b"', false],
    ['"a', '"a', false]
  ])('reads %s as %s, quoted: %s', (text, name, quoted) => {
    expect(parseName(text)).toEqual({ name, quoted })
  })
})

describe('parsePlan', () => {
  it('merges each entry with the defaults and the step inputs, entry first', () => {
    const [orders, events, customers] = parsePlan(THREE, OPTIONS).diffs
    expect(orders).toEqual({
      name: 'orders',
      dataSourceA: { name: 'warehouse' },
      dataSourceB: { name: 'warehouse' },
      datasetA: { table: ['analytics', 'prod', 'orders'] },
      datasetB: { table: ['analytics', 'dbt_pr_482', 'orders'] },
      primaryKey: ['id'],
      includeColumns: null,
      excludeColumns: null,
      filterA: null,
      filterB: null,
      sampling: null,
      timeTravelA: null,
      timeTravelB: null,
      tags: ['nightly'],
      thresholds: {
        max: {
          'rows-removed': { kind: 'count', value: 0 },
          'rows-changed': { kind: 'percent', value: 1 }
        },
        minColumnMatch: null,
        ignoreColumns: [],
        // Each limit keeps where it came from; rows-removed is the step input's.
        sources: { 'max-rows-changed': 'plan defaults' }
      },
      quoting: {
        tableA: [false, false, false],
        tableB: [false, false, false],
        primaryKey: [false],
        includeColumns: [],
        excludeColumns: []
      }
    })
    expect(events).toMatchObject({
      dataSourceA: { id: 7 },
      dataSourceB: { name: 'snowflake-eu' },
      datasetA: { query: 'select * from events' },
      primaryKey: null,
      filterA: "created_at > '2026-01-01'",
      filterB: "created_at > '2026-01-01'"
    })
    expect(customers).toMatchObject({
      datasetA: { table: ['ANALYTICS', 'ops.v2', 'CUSTOMERS'] },
      datasetB: { table: ['analytics', 'ops.v2', 'customers_0123456'] },
      primaryKey: ['tenant_id', 'customer_id'],
      // A YAML list's "ops.v2" is YAML's quoting, not SQL's: written without SQL quotes.
      quoting: { tableA: [false, false, false], tableB: [false, true, false] },
      sampling: { tolerance: 0.001, confidence: 99 },
      timeTravelA: -120,
      includeColumns: ['amount'],
      tags: ['nightly', 'pii'],
      thresholds: {
        // max-rows-removed: null turns the step's limit off for this entry alone.
        max: { 'rows-changed': { kind: 'percent', value: 5 } },
        minColumnMatch: 99.5,
        ignoreColumns: ['updated_at', '_etl_*'],
        sources: {
          'max-rows-changed': 'plan entry',
          'max-rows-removed': 'plan entry',
          'min-column-match': 'plan entry',
          'ignore-columns': 'plan entry'
        }
      }
    })
  })

  it("reports every mistake at once, by entry and field, in the plan's words", () => {
    const problems = problemsOf(`
defaults:
  max-rows-changed: lots
diffs:
  - name: orders
    table-a: a.b
    table-b: a..b
    primary-key: id
  - name: events
    table-a: a.events
    query-a: select 1
    table-b: b.events
    max-row-changed: 5%
  - table-a: x
    table-b: y
    primary-key: id
    sampling: { ratio: 2 }
`)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^defaults: max-rows-changed: expected a count/),
        'entry 1 (orders): table-b: not a table path: a segment is empty (two dots, or a dot at an end)',
        'entry 2 (events): max-row-changed: unknown key; did you mean max-rows-changed?',
        expect.stringMatching(/^entry 3: name: /),
        expect.stringMatching(/^entry 3: sampling: ratio: /)
      ])
    )
    expect(problems).toHaveLength(5)
  })

  it('checks the rules across fields once the defaults are merged in', () => {
    const problems = problemsOf(
      `
diffs:
  - name: orders
    table-a: a.b
    table-b: a..b
  - name: events
    table-a: a.events
    query-a: select 1
    table-b: b.events
    primary-key: id
    filter: x > 1
    filter-b: y > 2
  - name: orders
    query-a: select 1
    table-b: t
    primary-key: id
    sampling: { tolerance: 0.1 }
  - name: cross
    data-source-b: other
    table-a: a
    table-b: b
    infer-primary-key: true
`,
      { dataSource: '' }
    )
    expect(problems).toEqual([
      'entry 1 (orders): table-b: not a table path: a segment is empty (two dots, or a dot at an end)',
      "entry 1 (orders): data-source: none given: set it here, in defaults, or the step's data-source input",
      'entry 1 (orders): primary-key: required, unless infer-primary-key is true',
      'entry 2 (events): table-a: give table-a or query-a, not both',
      "entry 2 (events): data-source: none given: set it here, in defaults, or the step's data-source input",
      'entry 2 (events): filter: give filter (both sides) or filter-a/filter-b, not both',
      'entry 3 (orders): name: another entry has this name; names must differ',
      "entry 3 (orders): data-source: none given: set it here, in defaults, or the step's data-source input",
      'entry 3 (orders): sampling: tolerance and confidence go together',
      "entry 4 (cross): data-source: none given: set it here, in defaults, or the step's data-source input",
      'entry 4 (cross): infer-primary-key: Datafold infers a key across databases only when both sides are queries'
    ])
  })

  it.each([
    ['not YAML', 'diffs: [a', /^Flow sequence in block collection|Missing , or : between flow/],
    ['no diffs', 'defaults: {}', /^diffs: /],
    ['an empty list', 'diffs: []', /^diffs: list at least one diff/],
    ['a list', '- a', /^plan: /],
    [
      'aliases that expand without bound',
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      /alias/i
    ],
    ['a duplicate key', 'diffs:\n  - name: a\n    name: b', /unique/i],
    [
      'a placeholder without a value',
      'diffs:\n  - name: a\n    table-a: x_{env.NOPE}',
      /^entry 1 \(a\): table-a: \{env\.NOPE\}/
    ]
  ])('refuses %s', (_what, yaml, problem) => {
    expect(problemsOf(yaml)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]))
  })

  it('says where the plan came from and that nothing was created', () => {
    expect(() =>
      parsePlan('diffs: []', { ...OPTIONS, source: 'plan-file .github/datafold-plan.yml' })
    ).toThrow(
      /^Invalid plan \(plan-file \.github\/datafold-plan\.yml\), 1 problem; no diff was created:\n- diffs: /
    )
  })
})

describe('plan.schema.json', () => {
  it('is the JSON Schema of the zod schema (regenerate: npx tsx scripts/plan-schema.ts)', () => {
    const committed: unknown = JSON.parse(readFileSync(`${REPO_ROOT}/plan.schema.json`, 'utf8'))
    expect(committed).toEqual(planJsonSchema())
  })

  it('refuses an unknown key, as the zod schema does', () => {
    const schema = planJsonSchema() as { additionalProperties?: boolean }
    expect(schema.additionalProperties).toBe(false)
  })
})

const TAGS = { repository: 'acme/analytics-dbt', pr: 482, sha: CONTEXT.sha }

/** Data sources whose warehouses store names as written. */
const sources = (a: number, b: number) => ({ a: { id: a, type: 'pg' }, b: { id: b, type: 'pg' } })

describe('createDiffBody', () => {
  const [orders, events, customers] = parsePlan(THREE, OPTIONS).diffs
  const ids = sources(11, 11)

  it.each([
    ['a same-database diff of two tables', orders, ids],
    ['a cross-database diff of two queries', events, sources(7, 12)],
    ['a diff with sampling, time travel and columns', customers, ids]
  ])('builds %s that fits ApiDataDiffData', (_what, diff, sides) => {
    if (!diff) throw new Error('no entry')
    assertContract('ApiDataDiffData', createDiffBody(diff, sides, TAGS), { closed: true })
  })

  it('sends what the entry says, and nothing it does not', () => {
    if (!orders || !events || !customers) throw new Error('no entries')
    expect(createDiffBody(orders, ids, TAGS)).toEqual({
      data_source1_id: 11,
      data_source2_id: 11,
      table1: ['analytics', 'prod', 'orders'],
      table2: ['analytics', 'dbt_pr_482', 'orders'],
      pk_columns: ['id'],
      tags: [
        'datafold-diff-gate',
        'github-repo:acme/analytics-dbt',
        'github-pr:482',
        `github-sha:${CONTEXT.sha}`,
        'nightly'
      ]
    })
    expect(createDiffBody(events, sources(7, 12), TAGS)).toMatchObject({
      data_source1_id: 7,
      data_source2_id: 12,
      query1: 'select * from events',
      query2: 'select * from events_v2',
      infer_pk: true,
      filter1: "created_at > '2026-01-01'",
      filter2: "created_at > '2026-01-01'"
    })
    expect(createDiffBody(customers, ids, TAGS)).toMatchObject({
      sampling_tolerance: 0.001,
      sampling_confidence: 99,
      time_travel_point1: -120,
      include_columns: ['amount']
    })
  })

  it('tags only what is known', () => {
    expect(actionTags({ repository: '', pr: null, sha: null })).toEqual(['datafold-diff-gate'])
  })

  it('keys the same entry and request alike, and another entry or a changed request apart', () => {
    if (!orders) throw new Error('no entry')
    const body = createDiffBody(orders, ids, TAGS)
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as typeof body
    const key = reuseKey('orders', body)
    expect(key).toMatch(/^[0-9a-f]{8}$/)
    expect(reuseKey('orders', reordered)).toBe(key)
    expect(reuseKey('orders', { ...body, filter1: 'x > 1' })).not.toBe(key)
    expect(reuseKey('orders', { ...body, data_source2_id: 12 })).not.toBe(key)
    expect(reuseKey('payments', body)).not.toBe(key)
  })
})

describe("letter case: a plan's names as the data source's warehouse stores them", () => {
  /** The names an entry sends, given its data sources' types. */
  function sent(entry: string, typeA: string | null, typeB: string | null) {
    const [diff] = parsePlan(`diffs:\n  - ${entry}`, OPTIONS).diffs
    if (!diff) throw new Error('no entry')
    const sides = { a: { id: 1, type: typeA }, b: { id: 2, type: typeB } }
    const body = createDiffBody(diff, sides, TAGS)
    return {
      table1: body.table1,
      table2: body.table2,
      pk: body.pk_columns,
      include: body.include_columns,
      exclude: body.exclude_columns
    }
  }
  const ENTRY = `{ name: t, table-a: analytics."Prod".orders, table-b: [analytics, '"dbt_PR"', orders], primary-key: [order_id, '"Line No"'], include-columns: amount, exclude-columns: ['"loadedAt"', etl_id] }`
  const AS_WRITTEN = {
    table1: ['analytics', 'Prod', 'orders'],
    table2: ['analytics', 'dbt_PR', 'orders'],
    pk: ['order_id', 'Line No'],
    include: ['amount'],
    exclude: ['loadedAt', 'etl_id']
  }

  it.each([
    [
      'Snowflake: unquoted names upper-case, quoted ones as written',
      'snowflake',
      'snowflake',
      {
        table1: ['ANALYTICS', 'Prod', 'ORDERS'],
        table2: ['ANALYTICS', 'dbt_PR', 'ORDERS'],
        pk: ['ORDER_ID', 'Line No'],
        include: ['AMOUNT'],
        exclude: ['loadedAt', 'ETL_ID']
      }
    ],
    ['Postgres: every name as written, without its quotes', 'pg', 'pg', AS_WRITTEN],
    ['a type Datafold did not give: as written', null, null, AS_WRITTEN],
    [
      "across databases: each table by its side's rule; columns as written, the sides differing",
      'snowflake',
      'pg',
      { ...AS_WRITTEN, table1: ['ANALYTICS', 'Prod', 'ORDERS'] }
    ]
  ])('%s', (_what, typeA, typeB, expected) => {
    expect(sent(ENTRY, typeA, typeB)).toEqual(expected)
  })

  it('leaves a query and its filter as written', () => {
    const [diff] = parsePlan(
      'diffs: [{ name: q, query-a: select Id from t, query-b: select Id from u, primary-key: id, filter: "Id > 0" }]',
      OPTIONS
    ).diffs
    if (!diff) throw new Error('no entry')
    const snowflake = { id: 1, type: 'snowflake' }
    expect(createDiffBody(diff, { a: snowflake, b: snowflake }, TAGS)).toMatchObject({
      query1: 'select Id from t',
      filter1: 'Id > 0',
      pk_columns: ['ID']
    })
  })
})
