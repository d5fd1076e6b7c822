// Property-based tests at the boundary where Datafold's answers enter the action.
//
// Bodies are generated from what the OpenAPI contract allows for `summary_results` (all five
// shapes, nulls and absent fields wherever allowed, unknown extra fields, counts up to 2^53 − 1,
// zero totals, empty lists). Every generated body is checked against the contract with ajv first,
// so the generators cannot drift from it. Then parse → normalise → evaluate → render must never
// throw nor print NaN/Infinity/undefined, and the comment must fit. Mutations the contract forbids
// must come back as `{ ok: false, reason }` with a one-line reason, never as a pass.
//
// Where the action is stricter than the contract (on purpose), the mutations are kept apart and
// checked against the parser only: negative counts, `match` outside 0..100, integers past 2^53,
// and anything broken in a body that also has a valid `dependencies` array or carries a `schema`
// or `materialized_results` block. The contract's anyOf lets such a body through as
// `InternalApiDataDiffDependencies` or the cross-database shape, both of which allow unknown extra
// fields, so for the contract a same-database body may carry anything in pks, values and schema.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { SUMMARY_RESULTS_200, validateContract } from '../../__fixtures__/contract.js'
import {
  parseSummaryResults,
  type DiffRecord,
  type ParsedSummary
} from '../../src/datafold/schemas.js'
import type { DiffResult } from '../../src/diff.js'
import { METRICS } from '../../src/metric-spec.js'
import type { FinishedSummary } from '../../src/datafold/fetched.js'
import { normaliseDiff } from '../../src/normalise.js'
import { DEFAULT_COMMENT_LENGTH, renderComment, renderReport } from '../../src/report/document.js'
import type { Limit, Thresholds } from '../../src/limits.js'
import { evaluateThresholds } from '../../src/thresholds.js'

const MAX_SAFE = Number.MAX_SAFE_INTEGER // 2^53 − 1
const HOST = 'https://app.datafold.com'
const HEADER = '<!-- datafold-diff-gate:default -->'
const RUNS = {
  perShape: 600,
  render: 600,
  bigReport: 25,
  forbidden: 2500,
  stricter: 800,
  rawJson: 200,
  notAnObject: 100
}

// ── Generators of contract-valid bodies ───────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Body = Record<string, unknown>

/** Absent (undefined, dropped by the JSON round trip), null, or a value. */
const nullish = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(arb, fc.constant(null), fc.constant(undefined))

/** Counts: zero, small, huge, and the largest integer JSON carries exactly. */
const count = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.nat({ max: 1000 }) },
  { weight: 2, arbitrary: fc.maxSafeNat() },
  { weight: 1, arbitrary: fc.constant(MAX_SAFE) }
)
const pair = fc.tuple(count, count)
/** Any integer the contract allows where the action does not read it. */
const anyInt = fc.maxSafeInteger()

// Names from an alphabet that cannot spell NaN, Infinity or undefined, so those words in the
// output can only come from the action. Markdown, HTML and non-ASCII characters are included.
const NAME_CHARS = [
  ...Array.from('abcmopqrsxz019_.- '),
  ...Array.from('|`*#@<>&[]()!~\\/:$'),
  'é',
  'ß',
  '表',
  '😀',
  '\n',
  '\t',
  '\u200b'
]
const name = fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 24 })
const names = fc.array(name, { maxLength: 5 })

/** Unknown extra fields; their keys never collide with a field the contract names. */
const extras = fc.dictionary(
  fc.string({ maxLength: 8 }).map((key) => `x_${key}`),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  { maxKeys: 3 }
)

const status = fc.constantFrom('done', 'success')

const pks = fc.record({
  total_rows: pair,
  nulls: pair,
  dupes: pair,
  exclusives: pair,
  distincts: pair
})

const estimate = fc.record({
  value: count,
  estimate: count,
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  interval: fc.record({ min: count, max: count })
})

const columnStat = fc.record(
  {
    column_name: name,
    match: fc.oneof(
      fc.constantFrom(0, 100, 99.995, 0.001),
      fc.double({ min: 0, max: 100, noNaN: true })
    ),
    values_different: count,
    values_different_estimate: nullish(estimate)
  },
  { requiredKeys: ['column_name', 'match', 'values_different'] }
)

/** A values block whose column stats come from `stats`. */
const valuesWith = <Stat>(stats: fc.Arbitrary<Stat[]>) =>
  fc.record({
    total_rows: count,
    rows_with_differences: count,
    total_values: count,
    values_with_differences: count,
    compared_columns: count,
    columns_with_differences: count,
    columns_diff_stats: stats
  })
const values = (maxColumns: number) => valuesWith(fc.array(columnStat, { maxLength: maxColumns }))

const schemaBlock = fc.record({
  columns_mismatched: pair,
  column_type_mismatches: count,
  column_reorders: count,
  column_counts: pair,
  column_type_differs: names,
  exclusive_columns: fc.array(names, { maxLength: 3 })
})

const dependency = fc.record(
  {
    uid: fc.string(),
    item_type: fc.string(),
    name: fc.string(),
    path: fc.array(fc.string(), { maxLength: 3 }),
    data_source_id: anyInt,
    data_source_type: fc.string(),
    popularity: nullish(anyInt),
    primary_key: nullish(fc.string()),
    query_type: nullish(fc.string()),
    raw_sql: nullish(fc.string()),
    remote_id: nullish(fc.string()),
    table_name: nullish(fc.string())
  },
  { requiredKeys: ['uid', 'item_type', 'name', 'path', 'data_source_id', 'data_source_type'] }
)

const materializedList = nullish(
  fc.array(
    fc.record({
      data_source_id: anyInt,
      path: fc.array(fc.string(), { maxLength: 3 }),
      is_sampled: fc.boolean()
    }),
    { maxLength: 2 }
  )
)
const materializedResults = fc.record(
  {
    diff: materializedList,
    exclusives: materializedList,
    duplicates1: materializedList,
    duplicates2: materializedList
  },
  { requiredKeys: [] }
)

/** The JSON round trip a body takes on the wire: drops undefined, turns -0 into 0. */
const wire = (body: Body): Body => JSON.parse(JSON.stringify(body)) as Body
const withExtras = (arb: fc.Arbitrary<Body>): fc.Arbitrary<Body> =>
  fc.tuple(extras, arb).map(([extra, body]) => wire({ ...extra, ...body }))

const sameDbDone = (maxColumns = 6) =>
  withExtras(
    fc.record({
      status,
      pks,
      dependencies: fc.array(dependency, { maxLength: 2 }),
      schema: schemaBlock,
      materialized_results: materializedResults,
      values: nullish(values(maxColumns)),
      exclusives_profile: nullish(fc.constant(null))
    })
  )

const crossDbDone = (maxColumns = 6) =>
  withExtras(fc.record({ status, pks: nullish(pks), values: nullish(values(maxColumns)) }))

const failed = withExtras(
  fc.record({
    status: fc.constant('failed'),
    error: fc.oneof(
      fc.record(
        { error_type: fc.string(), error_value: fc.string(), is_retryable: nullish(fc.boolean()) },
        { requiredKeys: ['error_type', 'error_value'] }
      ),
      fc.dictionary(
        fc.string({ maxLength: 12 }),
        fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>
      )
    )
  })
)

const running = withExtras(fc.record({ status: fc.constantFrom('pending', 'running') }))

const dependenciesOnly = withExtras(
  fc.record({ status, dependencies: fc.array(dependency, { maxLength: 3 }) })
)

const SHAPES = {
  'same-db': sameDbDone(),
  'cross-db': crossDbDone(),
  failed,
  running,
  'dependencies-only': dependenciesOnly
} as const satisfies Record<string, fc.Arbitrary<Body>>

/** Fails with the contract's own words, so a drifting generator is easy to mend. */
function expectContractValid(body: Body): void {
  const result = validateContract(SUMMARY_RESULTS_200, body)
  if (!result.valid) {
    throw new Error(`generated body breaks the contract:\n${result.errors.join('\n')}`)
  }
}

function expectParsed(body: Body): FinishedSummary | null {
  const parsed = parseSummaryResults(body)
  if (!parsed.ok) throw new Error(`parser refused a contract-valid body: ${parsed.reason}`)
  const { summary } = parsed
  return summary.shape === 'failed' || summary.shape === 'running' ? null : summary
}

// ── Evaluating and rendering ──────────────────────────────────────────────────────────────────

const limit: fc.Arbitrary<Limit> = fc.oneof(
  fc.record({ kind: fc.constant('count' as const), value: count }),
  fc.record({
    kind: fc.constant('percent' as const),
    value: fc.oneof(fc.constantFrom(0, 100), fc.double({ min: 0, max: 100, noNaN: true }))
  })
)

const thresholds: fc.Arbitrary<Thresholds> = fc.record({
  max: fc.record(
    Object.fromEntries(
      METRICS.map((metric) => [
        metric,
        metric === 'schema-changes'
          ? fc.record({ kind: fc.constant('count' as const), value: count })
          : limit
      ])
    ) as Record<(typeof METRICS)[number], fc.Arbitrary<Limit>>,
    { requiredKeys: [] }
  ),
  minColumnMatch: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
  ignoreColumns: fc.array(
    fc.oneof(
      name,
      name.map((n) => `${n}*`)
    ),
    { maxLength: 3 }
  )
})

const record: fc.Arbitrary<DiffRecord | null> = fc.option(
  fc.record({
    kind: nullish(fc.constantFrom('in_db' as const, 'cross_db' as const)),
    table1: nullish(fc.array(name, { maxLength: 3 })),
    table2: nullish(fc.array(name, { maxLength: 3 })),
    query1: nullish(name)
  }),
  { nil: null }
)

type Fetched = { body: Body; record: DiffRecord | null } | { error: string }

const finishedShape = (maxColumns: number) =>
  fc.oneof(sameDbDone(maxColumns), crossDbDone(maxColumns), dependenciesOnly)

const fetched = (maxColumns: number): fc.Arbitrary<Fetched> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ body: finishedShape(maxColumns), record }) },
    { weight: 1, arbitrary: fc.record({ error: name }) }
  )

const runUrl = fc.option(
  fc.constantFrom(
    'https://github.com/acme/shop/actions/runs/1',
    'https://ghe.example/acme/shop/actions/runs/99'
  ),
  { nil: null }
)

const FORBIDDEN_TEXT = /NaN|Infinity|undefined/

function normaliseAll(items: Fetched[]): DiffResult[] {
  return items.map((item, i) => {
    const id = i + 1
    if ('error' in item) {
      return normaliseDiff(
        { id, summary: null, error: item.error, record: null, warnings: [] },
        HOST
      )
    }
    expectContractValid(item.body)
    const summary = expectParsed(item.body)
    if (summary === null) throw new Error('a finished shape parsed as unfinished')
    return normaliseDiff({ id, summary, error: null, record: item.record, warnings: [] }, HOST)
  })
}

function renderAndCheck(
  diffs: DiffResult[],
  limits: Thresholds,
  title: string,
  run: string | null
): { report: string; comment: string } {
  const evaluation = evaluateThresholds(diffs, limits)
  const options = { title, thresholds: limits, runUrl: run }
  const report = renderReport(evaluation, options)
  const comment = renderComment(evaluation, options, HEADER)
  for (const text of [report, comment]) {
    expect(typeof text).toBe('string')
    expect(text).not.toMatch(FORBIDDEN_TEXT)
  }
  expect(comment.length).toBeLessThanOrEqual(DEFAULT_COMMENT_LENGTH)
  expect(comment.startsWith(`${HEADER}\n`)).toBe(true)
  return { report, comment }
}

// ── Contract-valid bodies ─────────────────────────────────────────────────────────────────────

describe('summary_results bodies the contract allows', () => {
  it.each(Object.keys(SHAPES) as (keyof typeof SHAPES)[])(
    `%s: validates against the contract and parses (${RUNS.perShape} bodies)`,
    (shape) => {
      fc.assert(
        fc.property(SHAPES[shape], (body) => {
          expectContractValid(body)
          const parsed = parseSummaryResults(body)
          if (!parsed.ok) throw new Error(`parser refused a contract-valid body: ${parsed.reason}`)
          expect(parsed.summary.shape).toBe(shape)
        }),
        { numRuns: RUNS.perShape }
      )
    }
  )

  it(`finished bodies normalise, evaluate and render without NaN/Infinity/undefined (${RUNS.render} reports of 1-4 diffs)`, () => {
    fc.assert(
      fc.property(
        fc.array(fetched(6), { minLength: 1, maxLength: 4 }),
        thresholds,
        name,
        runUrl,
        (items, limits, title, run) => {
          renderAndCheck(normaliseAll(items), limits, title, run)
        }
      ),
      { numRuns: RUNS.render }
    )
  })

  it(`huge reports are shortened to fit a comment (${RUNS.bigReport} reports of up to 40 diffs × 300 columns)`, () => {
    const longName = fc.string({
      unit: fc.constantFrom(...NAME_CHARS),
      minLength: 50,
      maxLength: 150
    })
    const wideValues = valuesWith(
      fc.array(
        fc.record({
          column_name: longName,
          match: fc.double({ min: 0, max: 99.9, noNaN: true }),
          values_different: count
        }),
        { minLength: 100, maxLength: 300 }
      )
    )
    const wide = fc.record({
      body: withExtras(fc.record({ status, pks, values: wideValues })),
      record
    })
    fc.assert(
      fc.property(
        fc.array(wide, { minLength: 1, maxLength: 40 }),
        thresholds,
        runUrl,
        (items, limits, run) => {
          renderAndCheck(normaliseAll(items), limits, 'Datafold', run)
        }
      ),
      { numRuns: RUNS.bigReport }
    )
  })
})

// ── Mutations ─────────────────────────────────────────────────────────────────────────────────

type Path = (string | number)[]

function expectRefused(parsed: ParsedSummary): void {
  if (parsed.ok) throw new Error(`parser accepted a broken body as ${parsed.summary.shape}`)
  expect(typeof parsed.reason).toBe('string')
  expect(parsed.reason.length).toBeGreaterThan(0)
  expect(parsed.reason.length).toBeLessThanOrEqual(300)
  expect(parsed.reason).not.toMatch(/[\r\n]/)
}

function parseSafely(body: unknown): ParsedSummary {
  // A throw fails the property with the body that caused it (and the seed).
  return parseSummaryResults(body)
}

function setAt(body: Body, path: Path, value: unknown): Body {
  const copy = wire(body) // JSON, not structuredClone: fast-check prints same-realm objects
  let node = copy as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  node[path[path.length - 1] as string | number] = value
  return copy
}

function deleteAt(body: Body, path: Path): Body {
  const copy = wire(body) // JSON, not structuredClone: fast-check prints same-realm objects
  let node = copy as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a path into a test body
  delete node[path[path.length - 1] as string | number]
  return copy
}

/**
 * A finished cross-database body whose pks, values and one column stat with an estimate are all
 * present. Cross-database, because the contract checks these blocks only there: a body with a
 * valid `dependencies` array fits `InternalApiDataDiffDependencies`, which allows any extra
 * field, so for the contract a same-database body may carry anything in pks, values and schema.
 */
const fullFrom = (base: fc.Arbitrary<Body>): fc.Arbitrary<Body> =>
  fc.tuple(base, pks, values(3), columnStat, estimate).map(([body, p, v, column, est]) =>
    wire({
      ...body,
      pks: p,
      values: {
        ...v,
        columns_diff_stats: [{ ...column, values_different_estimate: est }, ...v.columns_diff_stats]
      }
    })
  )
const fullBody = fullFrom(crossDbDone(3))
const fullSameDb = fullFrom(sameDbDone(3))

const PAIRS = ['total_rows', 'nulls', 'dupes', 'exclusives', 'distincts'] as const
const VALUE_COUNTS = [
  'total_rows',
  'rows_with_differences',
  'total_values',
  'values_with_differences',
  'compared_columns',
  'columns_with_differences'
] as const
const STAT = ['values', 'columns_diff_stats', 0] as const
const EST = [...STAT, 'values_different_estimate'] as const

/** Integer fields the contract checks whatever the shape (pks and values blocks). */
const COUNT_PATHS: Path[] = [
  ...PAIRS.flatMap((p) => [
    ['pks', p, 0],
    ['pks', p, 1]
  ]),
  ...VALUE_COUNTS.map((v) => ['values', v]),
  [...STAT, 'values_different'],
  [...EST, 'value'],
  [...EST, 'estimate'],
  [...EST, 'interval', 'min'],
  [...EST, 'interval', 'max']
]

/** Required fields inside blocks the contract checks whatever the shape. */
const REQUIRED_PATHS: Path[] = [
  ...PAIRS.map((p) => ['pks', p]),
  ...VALUE_COUNTS.map((v) => ['values', v]),
  ['values', 'columns_diff_stats'],
  [...STAT, 'column_name'],
  [...STAT, 'match'],
  [...STAT, 'values_different'],
  [...EST, 'value'],
  [...EST, 'estimate'],
  [...EST, 'confidence'],
  [...EST, 'interval'],
  [...EST, 'interval', 'min'],
  [...EST, 'interval', 'max'],
  ['status']
]

/** Deeply nested arrays and objects, up to a few hundred levels. */
const deepJunk = fc
  .tuple(fc.integer({ min: 20, max: 400 }), fc.jsonValue({ maxDepth: 1 }))
  .map(([depth, leaf]) => {
    let junk: unknown = leaf
    for (let i = 0; i < depth; i++) junk = i % 2 === 0 ? [junk] : { nested: junk }
    return junk
  })

/** Not an integer in any way JSON can say it (NaN-like strings among them). */
const notAnInteger = fc.oneof(
  fc.constantFrom('NaN', '1e309', '-1e309', 'Infinity', '12', '0', '', '1,000', null, true, false),
  fc.constantFrom(0.5, 1.5, 99.99, -0.25, 1e-7),
  fc.string(),
  fc.array(fc.nat(), { maxLength: 3 }),
  fc.constant({}),
  deepJunk
)

const notANumber = fc.oneof(
  fc.constantFrom('NaN', '1e309', 'Infinity', '50', null, true),
  fc.string(),
  fc.constant({}),
  fc.constant([50])
)

const notAString = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.constant(['a']),
  fc.constant({})
)

const badPair = fc.oneof(
  fc.constant([]),
  fc.array(count, { minLength: 1, maxLength: 1 }),
  fc.array(count, { minLength: 3, maxLength: 6 }),
  fc.constant(null),
  fc.constant({ 0: 1, 1: 2 }),
  fc.constant('1,2')
)

const unknownStatus = fc.oneof(
  fc.constantFrom(
    'Done',
    'DONE',
    'succeeded',
    'error',
    'cancelled',
    'queued',
    ' done',
    'done ',
    ''
  ),
  fc.string().filter((s) => !['done', 'success', 'failed', 'pending', 'running'].includes(s))
)

type Mutation = { kind: string; body: unknown }

/** Broken pks and values blocks, on top of `base`. */
const blockMutation = (base: fc.Arbitrary<Body>): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.tuple(base, fc.constantFrom(...COUNT_PATHS), notAnInteger).map(([body, path, junk]) => ({
      kind: `wrong type at ${path.join('.')}`,
      body: setAt(body, path, junk)
    })),
    fc.tuple(base, notANumber).map(([body, junk]) => ({
      kind: 'wrong type at match',
      body: setAt(body, [...STAT, 'match'], junk)
    })),
    fc.tuple(base, notAString).map(([body, junk]) => ({
      kind: 'wrong type at column_name',
      body: setAt(body, [...STAT, 'column_name'], junk)
    })),
    fc
      .tuple(base, fc.constantFrom(...REQUIRED_PATHS))
      .map(([body, path]) => ({ kind: `missing ${path.join('.')}`, body: deleteAt(body, path) })),
    fc.tuple(base, fc.constantFrom(...PAIRS), badPair).map(([body, p, junk]) => ({
      kind: `bad pair pks.${p}`,
      body: setAt(body, ['pks', p], junk)
    })),
    fc
      .tuple(base, fc.constantFrom('pks', 'values'), fc.oneof(deepJunk, fc.string(), fc.integer()))
      .map(([body, block, junk]) => ({
        kind: `junk in ${block}`,
        body: setAt(body, [block], junk)
      }))
  )

const forbiddenMutation: fc.Arbitrary<Mutation> = fc.oneof(
  blockMutation(fullBody),
  fc
    .tuple(fc.oneof(fullBody, running, dependenciesOnly, failed), unknownStatus)
    .map(([body, s]) => ({ kind: 'unknown status', body: { ...body, status: s } })),
  fc
    .tuple(fullBody, fc.oneof(notAString, deepJunk))
    .map(([body, s]) => ({ kind: 'status of the wrong type', body: { ...body, status: s } })),
  fc
    .tuple(
      failed,
      fc.oneof(
        fc.constant(null),
        fc.string(),
        fc.integer(),
        fc.constant([]),
        deepJunk.filter(Array.isArray)
      )
    )
    .map(([body, error]) => ({ kind: 'failed with a bad error', body: { ...body, error } })),
  failed.map((body) => ({ kind: 'failed without error', body: deleteAt(body, ['error']) }))
)

const negative = fc.maxSafeNat().map((n) => -Math.max(1, n))

/**
 * Allowed by the contract, refused by the action on purpose. A broken `schema` or `dependencies`
 * block passes the contract because its anyOf also holds the cross-database shape, which allows
 * unknown extra fields; the action reads the block's presence as the same-database shape.
 */
const stricterMutation: fc.Arbitrary<Mutation> = fc.oneof(
  blockMutation(fullSameDb),
  fc
    .tuple(
      fc.oneof(sameDbDone(2), dependenciesOnly),
      fc.oneof(notAString, fc.constant([{ uid: 1 }]))
    )
    .map(([body, junk]) => ({ kind: 'dependencies junk', body: { ...body, dependencies: junk } })),
  fc
    .tuple(fc.oneof(fullBody, fullSameDb), fc.constantFrom(...COUNT_PATHS), negative)
    .map(([body, path, n]) => ({ kind: `negative ${path.join('.')}`, body: setAt(body, path, n) })),
  fc
    .tuple(
      fullBody,
      fc.oneof(
        fc.double({ min: -1e300, max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: 100.000001, max: 1e300, noNaN: true, noDefaultInfinity: true })
      )
    )
    .map(([body, match]) => ({
      kind: 'match outside 0..100',
      body: setAt(body, [...STAT, 'match'], match)
    })),
  fc
    .tuple(
      sameDbDone(2),
      fc.constantFrom('column_type_mismatches', 'column_reorders'),
      fc.oneof(notAnInteger, negative)
    )
    .map(([body, field, junk]) => ({
      kind: `schema.${field} broken`,
      body: setAt(body, ['schema', field], junk)
    })),
  fc
    .tuple(
      sameDbDone(2),
      fc.constantFrom('columns_mismatched', 'column_counts'),
      fc.oneof(badPair, fc.constant([-1, 0]))
    )
    .map(([body, field, junk]) => ({
      kind: `schema.${field} broken`,
      body: setAt(body, ['schema', field], junk)
    })),
  fc
    .tuple(
      sameDbDone(2),
      fc.oneof(fc.integer(), fc.constantFrom(null, 'a', true, {}, [1], [['a']]))
    )
    .map(([body, junk]) => ({
      kind: 'schema.column_type_differs broken',
      body: setAt(body, ['schema', 'column_type_differs'], junk)
    })),
  fc
    .tuple(
      fullBody,
      fc.double({ min: 2 ** 53, max: 1e300, noNaN: true, noDefaultInfinity: true }).map(Math.floor)
    )
    .map(([body, n]) => ({
      kind: 'count beyond 2^53',
      body: setAt(body, ['pks', 'total_rows', 0], n)
    }))
)

describe('summary_results bodies the contract forbids', () => {
  it(`are refused with a one-line reason, never passed (${RUNS.forbidden} mutations)`, () => {
    fc.assert(
      fc.property(forbiddenMutation, ({ body }) => {
        expect(validateContract(SUMMARY_RESULTS_200, body).valid).toBe(false)
        expectRefused(parseSafely(body))
      }),
      { numRuns: RUNS.forbidden }
    )
  })

  it(`stricter than the contract: negative counts, match outside 0..100, broken schema/dependencies blocks, counts past 2^53 are refused (${RUNS.stricter} mutations)`, () => {
    fc.assert(
      fc.property(stricterMutation, ({ body }) => {
        expectRefused(parseSafely(body))
      }),
      { numRuns: RUNS.stricter }
    )
  })

  it(`numbers JSON cannot hold exactly (1e309 → Infinity) are refused (${RUNS.rawJson} bodies)`, () => {
    fc.assert(
      fc.property(
        fullBody,
        fc.constantFrom(...COUNT_PATHS),
        fc.constantFrom('1e309', '-1e309', '1e400'),
        (body, path, literal) => {
          const marked = JSON.stringify(setAt(body, path, '__NUMBER__')).replace(
            '"__NUMBER__"',
            literal
          )
          const parsedJson: unknown = JSON.parse(marked)
          expect(validateContract(SUMMARY_RESULTS_200, parsedJson).valid).toBe(false)
          expectRefused(parseSafely(parsedJson))
        }
      ),
      { numRuns: RUNS.rawJson }
    )
  })

  it(`a body that is not an object is refused (${RUNS.notAnObject} values)`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
          deepJunk.filter(Array.isArray),
          fc.constant(undefined)
        ),
        (body) => {
          expectRefused(parseSafely(body))
        }
      ),
      { numRuns: RUNS.notAnObject }
    )
  })
})

// ── A 20 MB body ──────────────────────────────────────────────────────────────────────────────

describe('a 20 MB summary_results body', () => {
  // Built once: 100,000 columns with 150-character names.
  const columns = Array.from({ length: 100_000 }, (_, i) => ({
    column_name: `${'c'.repeat(140)}_${String(i).padStart(8, '0')}`,
    match: (i % 1000) / 10,
    values_different: i,
    values_different_estimate: null
  }))
  const text = JSON.stringify({
    status: 'done',
    pks: {
      total_rows: [MAX_SAFE, MAX_SAFE],
      nulls: [0, 0],
      dupes: [0, 1],
      exclusives: [5, 6],
      distincts: [MAX_SAFE, MAX_SAFE]
    },
    values: {
      total_rows: MAX_SAFE,
      rows_with_differences: 100_000,
      total_values: MAX_SAFE,
      values_with_differences: 100_000,
      compared_columns: columns.length,
      columns_with_differences: columns.length - 1,
      columns_diff_stats: columns
    }
  })

  // How fast is the benchmark's business (bench/): this test pins what comes out, not how soon.
  it('is parsed, evaluated and rendered to a comment that fits', () => {
    expect(text.length).toBeGreaterThanOrEqual(20_000_000)
    const body: unknown = JSON.parse(text)
    const parsed = parseSummaryResults(body)
    if (!parsed.ok) {
      // Refusing is fine too, with a one-line reason.
      expectRefused(parsed)
      return
    }
    const summary = parsed.summary as FinishedSummary
    const diff = normaliseDiff({ id: 1, summary, error: null, record: null, warnings: [] }, HOST)
    // Every column below 99% match breaches: 99,000 breaches to show.
    renderAndCheck(
      [diff],
      {
        max: { 'rows-changed': { kind: 'percent', value: 1 } },
        minColumnMatch: 99,
        ignoreColumns: []
      },
      'Datafold',
      null
    )
  })
})
