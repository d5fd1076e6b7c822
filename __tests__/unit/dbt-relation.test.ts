// dbt mode, the tables compared: production's side from production's manifest, the PR's from the
// PR build's, with the adapter's identifier rules for relations and key columns.
import { describe, expect, it } from '@jest/globals'
import { DBT_OPTIONS, inPr, manifest, node } from '../../__fixtures__/dbt-model.js'
import type { DbtColumn, DbtNode } from '../../src/dbt/manifest.js'
import { planDbt } from '../../src/dbt/plan-dbt.js'

const OPTIONS = DBT_OPTIONS

/** The diff planned for `orders` changed between the two builds. */
function diffOf(adapterType: string | null, prod: DbtNode, pr: DbtNode) {
  const result = planDbt(
    manifest({ nodes: [prod], adapterType }),
    manifest({ nodes: [{ ...pr, bodyDigest: 'b2' }], adapterType }),
    OPTIONS
  )
  const diff = result.picked[0]?.diff
  if (!diff) throw new Error('nothing picked')
  return diff
}

const id = (extra: Partial<DbtColumn> = {}): DbtColumn => ({
  name: 'id',
  meta: {},
  tags: ['primary-key'],
  constraints: [],
  quote: false,
  ...extra
})

describe('the two sides', () => {
  it("takes production's relation from production's manifest and the PR's from the PR build's", () => {
    const prod = node({ database: 'analytics', schema: 'marts', alias: 'orders' })
    const pr = inPr(prod, { database: 'dev', schema: 'dbt_pr_482', alias: 'orders_pr' })
    expect(diffOf('postgres', prod, pr)).toMatchObject({
      datasetA: { table: ['analytics', 'marts', 'orders'] },
      datasetB: { table: ['dev', 'dbt_pr_482', 'orders_pr'] },
      dataSourceA: { name: 'warehouse' },
      dataSourceB: { name: 'warehouse' }
    })
  })

  it('leaves out a database the adapter does not have', () => {
    const prod = node({ database: null, schema: 'marts' })
    expect(diffOf('spark', prod, inPr(prod)).datasetB).toEqual({ table: ['pr_482', 'orders'] })
  })
})

describe('identifier rules', () => {
  it.each([
    [
      'Snowflake upper-cases unquoted parts and key columns',
      'snowflake',
      {},
      {},
      ['ANALYTICS', 'PR_482', 'ORDERS'],
      ['ID']
    ],
    [
      'Snowflake keeps parts the relation name quotes',
      'snowflake',
      { schema: 'Pr_482', alias: 'Orders', relationName: 'analytics."Pr_482"."Orders"' },
      {},
      ['ANALYTICS', 'Pr_482', 'Orders'],
      ['ID']
    ],
    [
      'Snowflake keeps parts quoting config quotes, without a relation name',
      'snowflake',
      { relationName: null, quoting: { identifier: true } },
      {},
      ['ANALYTICS', 'PR_482', 'orders'],
      ['ID']
    ],
    [
      'the relation name decides over quoting config',
      'snowflake',
      { relationName: 'analytics.pr_482.orders', quoting: { identifier: true } },
      {},
      ['ANALYTICS', 'PR_482', 'ORDERS'],
      ['ID']
    ],
    [
      'Snowflake keeps a key column with quote: true',
      'snowflake',
      {},
      { quote: true },
      ['ANALYTICS', 'PR_482', 'ORDERS'],
      ['id']
    ],
    [
      'BigQuery sends names as written',
      'bigquery',
      { relationName: '`analytics`.`pr_482`.`orders`' },
      {},
      ['analytics', 'pr_482', 'orders'],
      ['id']
    ],
    [
      'Postgres sends names as written',
      'postgres',
      { alias: 'Orders' },
      {},
      ['analytics', 'pr_482', 'Orders'],
      ['id']
    ],
    ['no adapter type: as written', null, {}, {}, ['analytics', 'pr_482', 'orders'], ['id']]
  ] as const)('%s', (_what, adapter, relation, key, table, primaryKey) => {
    const prod = node({ columns: [id(key)] })
    const diff = diffOf(adapter, prod, inPr(prod, relation))
    expect(diff.datasetB).toEqual({ table })
    expect(diff.primaryKey).toEqual(primaryKey)
  })

  it('Snowflake upper-cases included and excluded columns as it does key columns', () => {
    const prod = node({
      columns: [id(), { ...id(), name: 'Note', tags: [], quote: true }],
      meta: {
        datafold: { datadiff: { include_columns: ['id', 'amount'], exclude_columns: 'Note' } }
      }
    })
    expect(diffOf('snowflake', prod, inPr(prod))).toMatchObject({
      includeColumns: ['ID', 'AMOUNT'],
      excludeColumns: ['Note']
    })
  })
})
