// dbt mode's plan as a whole: the scenario of three changed models with keys from three
// sources, one new, one ephemeral and one without a key, on Snowflake.
import { describe, expect, it } from '@jest/globals'
import { DBT_OPTIONS, inPr, manifest, node, test } from '../../__fixtures__/dbt-model.js'
import { planDbt, type DbtPlanOptions } from '../../src/dbt/plan-dbt.js'
import type { Thresholds } from '../../src/limits.js'

const STEP: Thresholds = { max: {}, minColumnMatch: null, ignoreColumns: [] }

describe('planDbt', () => {
  const untagged = { columns: [] }
  const customers = node({ name: 'customers', ...untagged, primaryKey: ['customer_id'] })
  const orders = node({ name: 'orders', ...untagged })
  const payments = node({
    name: 'payments',
    meta: {
      'primary-key': ['payment_id', 'line'],
      datafold: { datadiff: { filter: 'amount > 0' } },
      datafold_diff_gate: { 'max-rows-changed': '5%' }
    }
  })
  const helper = node({ name: 'int_helper', materialized: 'ephemeral', relationName: null })
  const keyless = node({ name: 'events', ...untagged })
  const steady = node({ name: 'dates' })
  const fresh = node({ name: 'refunds' })
  const prod = [customers, orders, payments, helper, keyless, steady]
  const pr = [customers, orders, payments, helper, keyless]
    .map((n) => inPr(n, { bodyDigest: 'b2' }))
    .concat([inPr(steady), inPr(fresh)])
  const result = planDbt(
    manifest({ nodes: prod, adapterType: 'snowflake' }),
    manifest({
      nodes: pr,
      adapterType: 'snowflake',
      tests: [test('unique', orders.uniqueId, ['order_id'])]
    }),
    { ...DBT_OPTIONS, dataSource: { id: 7 }, thresholds: STEP }
  )

  it('creates one diff per changed model with a key, by name', () => {
    const table = (schema: string, name: string) => ({ table: ['ANALYTICS', schema, name] })
    const common = {
      dataSourceA: { id: 7 },
      dataSourceB: { id: 7 },
      includeColumns: null,
      excludeColumns: null,
      sampling: null,
      timeTravelA: null,
      timeTravelB: null,
      tags: ['dbt']
    }
    expect(result.picked).toEqual([
      {
        uniqueId: customers.uniqueId,
        path: customers.path,
        why: ['body changed'],
        keyFrom: 'dbt primary_key',
        diff: {
          ...common,
          name: 'customers',
          datasetA: table('PROD', 'CUSTOMERS'),
          datasetB: table('PR_482', 'CUSTOMERS'),
          primaryKey: ['CUSTOMER_ID'],
          filterA: null,
          filterB: null,
          thresholds: { ...STEP, sources: {} }
        }
      },
      {
        uniqueId: orders.uniqueId,
        path: orders.path,
        why: ['body changed'],
        keyFrom: 'unique test',
        diff: {
          ...common,
          name: 'orders',
          datasetA: table('PROD', 'ORDERS'),
          datasetB: table('PR_482', 'ORDERS'),
          primaryKey: ['ORDER_ID'],
          filterA: null,
          filterB: null,
          thresholds: { ...STEP, sources: {} }
        }
      },
      {
        uniqueId: payments.uniqueId,
        path: payments.path,
        why: ['body changed'],
        keyFrom: "primary-key in the model's meta",
        diff: {
          ...common,
          name: 'payments',
          datasetA: table('PROD', 'PAYMENTS'),
          datasetB: table('PR_482', 'PAYMENTS'),
          primaryKey: ['PAYMENT_ID', 'LINE'],
          filterA: 'amount > 0',
          filterB: 'amount > 0',
          thresholds: {
            ...STEP,
            max: { 'rows-changed': { kind: 'percent', value: 5 } },
            sources: { 'max-rows-changed': 'model meta' }
          }
        }
      }
    ])
  })

  it('lists the others with their reasons, and counts the unchanged', () => {
    expect(result.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['events', 'no key'],
      ['int_helper', 'ephemeral'],
      ['refunds', 'new']
    ])
    expect(result.unchanged).toBe(1)
    expect(result.project).toBe('jaffle_shop')
  })
})

describe("planDbt with the PR build's run_results.json", () => {
  const keyed = (name: string) => node({ name, primaryKey: ['id'] })
  const [built, failed, deferred, keyless, helper] = [
    keyed('orders'),
    keyed('payments'),
    keyed('customers'),
    node({ name: 'events', columns: [] }),
    node({ name: 'int_helper', materialized: 'ephemeral', relationName: null })
  ]
  const prod = [built, failed, deferred, keyless, helper]
  const plan = (runResults: DbtPlanOptions['runResults']) =>
    planDbt(
      manifest({ nodes: prod }),
      manifest({ nodes: prod.map((n) => inPr(n, { bodyDigest: 'b2' })) }),
      { ...DBT_OPTIONS, runResults }
    )
  const runResults = {
    file: 'target/run_results.json',
    built: new Set([built.uniqueId]),
    notBuilt: new Map([[failed.uniqueId, 'error']])
  }

  it('compares only the changed models the build built, and says why each other one is not', () => {
    const result = plan(runResults)
    expect(result.picked.map((m) => m.diff.name)).toEqual(['orders'])
    expect(result.skipped.map((s) => [s.name, s.reason, s.detail])).toEqual([
      [
        'customers',
        'not built',
        "not in target/run_results.json: the PR build did not select it (deferred to production?), so its table in the PR's schema is missing or stale"
      ],
      ['events', 'not built', expect.stringMatching(/^not in target\/run_results\.json: /)],
      ['int_helper', 'ephemeral', 'it builds no table'],
      [
        'payments',
        'not built',
        "target/run_results.json says error: its table in the PR's schema is missing or stale; fix the build"
      ]
    ])
  })

  it('compares every changed model with a key when no run_results.json is given', () => {
    expect(plan(null).picked.map((m) => m.diff.name)).toEqual(['customers', 'orders', 'payments'])
    expect(plan(undefined).skipped.map((s) => s.reason)).toEqual(['no key', 'ephemeral'])
  })
})
