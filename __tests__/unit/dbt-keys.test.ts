// dbt mode, each changed model's key: every source, the order among them, what is not a key, and
// the one line a model with no key gets.
import { describe, expect, it } from '@jest/globals'
import { DBT_OPTIONS, inPr, manifest, node, test } from '../../__fixtures__/dbt-model.js'
import type { DbtColumn, DbtNode, DbtTest } from '../../src/dbt/manifest.js'
import { DbtPlanError, planDbt } from '../../src/dbt/plan-dbt.js'

const OPTIONS = DBT_OPTIONS
const ID = 'model.jaffle_shop.orders'

function column(name: string, extra: Partial<DbtColumn> = {}): DbtColumn {
  return { name, meta: {}, tags: [], constraints: [], quote: false, ...extra }
}

/** The key planned for a changed `orders` model, and where it came from; null when skipped. */
function keyOf(model: Partial<DbtNode>, tests: DbtTest[] = []) {
  const prod = node({ columns: [], ...model })
  const result = planDbt(
    manifest({ nodes: [prod] }),
    manifest({ nodes: [inPr(prod, { bodyDigest: 'b2' })], tests }),
    OPTIONS
  )
  const picked = result.picked[0]
  return picked ? { key: picked.diff.primaryKey, from: picked.keyFrom } : result.skipped[0]
}

const tagged = column('order_id', { tags: ['primary-key'] })
const metaTrue = column('order_key', { meta: { 'primary-key': true } })
const constrained = column('pk', { constraints: [{ type: 'primary_key', columns: [] }] })

describe('each source of a key', () => {
  it.each([
    [
      'model meta, a list',
      { meta: { 'primary-key': ['order_no', 'order_line'] } },
      [],
      ['order_no', 'order_line'],
      "primary-key in the model's meta"
    ],
    [
      'model meta, one name',
      { meta: { 'primary-key': 'order_no' } },
      [],
      ['order_no'],
      "primary-key in the model's meta"
    ],
    [
      'column meta',
      { columns: [column('a'), metaTrue, column('line', { meta: { 'primary-key': true } })] },
      [],
      ['order_key', 'line'],
      'primary-key: true in column meta'
    ],
    ['column tags', { columns: [tagged, column('b')] }, [], ['order_id'], 'primary-key column tag'],
    ["dbt's primary_key", { primaryKey: ['id'] }, [], ['id'], 'dbt primary_key'],
    [
      'a model-level primary_key constraint',
      { constraints: [{ type: 'primary_key', columns: ['a', 'b'] }] },
      [],
      ['a', 'b'],
      'primary_key constraint'
    ],
    [
      'a column-level primary_key constraint',
      { columns: [column('a'), constrained] },
      [],
      ['pk'],
      'primary_key constraint'
    ],
    ['a unique test', {}, [test('unique', ID, ['id'])], ['id'], 'unique test'],
    [
      'a unique_combination_of_columns test',
      {},
      [test('unique_combination_of_columns', ID, ['day', 'shop'])],
      ['day', 'shop'],
      'unique_combination_of_columns test'
    ],
    [
      'an incremental unique_key',
      { materialized: 'incremental', uniqueKey: ['order_id', 'day'] },
      [],
      ['order_id', 'day'],
      'unique_key config'
    ]
  ] as const)('%s', (_what, model, tests, key, from) => {
    expect(keyOf(model as Partial<DbtNode>, [...tests])).toEqual({ key, from })
  })
})

describe('the first found wins', () => {
  const unique = test('unique', ID, ['id'])
  it.each([
    [
      'model meta over column meta',
      { meta: { 'primary-key': 'm' }, columns: [metaTrue] },
      [],
      ['m']
    ],
    ['column meta over column tags', { columns: [tagged, metaTrue] }, [], ['order_key']],
    [
      "column tags over dbt's primary_key",
      { columns: [tagged], primaryKey: ['id'] },
      [],
      ['order_id']
    ],
    [
      "dbt's primary_key over a constraint",
      { primaryKey: ['id'], constraints: [{ type: 'primary_key', columns: ['c'] }] },
      [],
      ['id']
    ],
    [
      'an empty primary_key is none',
      { primaryKey: [], constraints: [{ type: 'primary_key', columns: ['c'] }] },
      [],
      ['c']
    ],
    [
      'a model-level constraint over a column-level one',
      { columns: [constrained], constraints: [{ type: 'primary_key', columns: ['c'] }] },
      [],
      ['c']
    ],
    ['a constraint over a unique test', { columns: [constrained] }, [unique], ['pk']],
    [
      'a unique test over unique_key',
      { materialized: 'incremental', uniqueKey: ['k'] },
      [unique],
      ['id']
    ],
    [
      'a unique test over unique_combination_of_columns',
      {},
      [test('unique_combination_of_columns', ID, ['a', 'b']), unique],
      ['id']
    ],
    [
      'a unique column that is also not_null',
      { columns: [column('email'), column('id')] },
      [test('unique', ID, ['email']), unique, test('not_null', ID, ['id'])],
      ['id']
    ],
    [
      "the first unique column in the model's order",
      { columns: [column('code'), column('email')] },
      [test('unique', ID, ['email']), test('unique', ID, ['code'])],
      ['code']
    ]
  ] as const)('%s', (_what, model, tests, key) => {
    expect(keyOf(model as Partial<DbtNode>, [...tests])).toMatchObject({ key })
  })

  it('says where a preferred unique column came from', () => {
    expect(keyOf({}, [test('unique', ID, ['id']), test('not_null', ID, ['id'])])).toEqual({
      key: ['id'],
      from: 'unique and not_null tests'
    })
  })
})

describe('not a key', () => {
  const noKey = {
    uniqueId: ID,
    name: 'orders',
    path: 'models/orders.sql',
    reason: 'no key',
    detail: "tag its key column primary-key in the model's YAML, or give it a unique test"
  }
  it.each([
    ['a unique test with a where config', [test('unique', ID, ['id'], { hasWhere: true })]],
    ['a disabled unique test', [test('unique', ID, ['id'], { enabled: false })]],
    ["another model's unique test", [test('unique', 'model.jaffle_shop.customers', ['id'])]],
    ['a unique test on an expression', [test('unique', ID, ['col1 || col2'])]],
    ['a not_null test alone', [test('not_null', ID, ['id'])]],
    ['nothing at all', []]
  ])('%s: skipped, with how to declare one', (_what, tests) => {
    expect(keyOf({}, tests)).toEqual(noKey)
  })

  it('refuses a model meta primary-key that is not column names, naming the model and its file', () => {
    expect(() => keyOf({ meta: { 'primary-key': true } })).toThrow(DbtPlanError)
    expect(() => keyOf({ meta: { 'primary-key': true } })).toThrow(
      'model orders (models/orders.sql): meta.primary-key: expected a column name or a list of them'
    )
  })
})
