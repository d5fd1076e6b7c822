import { describe, expect, it } from '@jest/globals'
import {
  crossDbDone,
  dependenciesOnly,
  sameDbDone,
  sampledDone,
  type DiffSpec
} from '../../__fixtures__/diffs.js'
import { parseSummaryResults, type DiffRecord } from '../../src/datafold/schemas.js'
import type { FinishedDiff } from '../../src/diff.js'
import type { FetchedDiff, FinishedSummary } from '../../src/datafold/fetched.js'
import { normaliseDiff, percentOf } from '../../src/normalise.js'

const HOST = 'https://app.datafold.com'

/**
 * 10,000 rows in A: 40 removed, 90 added, 7 and 2 duplicate keys, 3 null keys in B. Of 10 columns,
 * amount differs in 249 of the 9,960 rows in both and status in 51. One column dropped, two added,
 * one retyped.
 */
const SPEC: DiffSpec = {
  pk: ['id'],
  columns: ['amount', 'status', ...Array.from({ length: 8 }, (_, i) => `other_${String(i + 1)}`)],
  rowsA: 10_000,
  removed: 40,
  added: 90,
  dupes: [7, 2],
  nulls: [0, 3],
  differences: { amount: 249, status: 51 },
  schemaChanges: {
    onlyInA: ['legacy_flag'],
    onlyInB: ['discount', 'channel'],
    typeChanged: ['amount']
  }
}
const sameDbBody = sameDbDone(SPEC)

function finished(body: unknown, record: DiffRecord | null = null): FinishedDiff {
  const parsed = parseSummaryResults(body)
  if (!parsed.ok) throw new Error(parsed.reason)
  const fetched: FetchedDiff = {
    id: 12,
    summary: parsed.summary as FinishedSummary,
    error: null,
    record,
    warnings: []
  }
  const diff = normaliseDiff(fetched, HOST)
  if (diff.status !== 'done') throw new Error('expected a finished diff')
  return diff
}

describe('normaliseDiff: each metric and its base', () => {
  const diff = finished(sameDbBody)
  it.each([
    ['rows-added', 90, (90 / 10_050) * 100],
    ['rows-removed', 40, (40 / 10_000) * 100],
    ['rows-changed', 249, (249 / 9_960) * 100],
    ['values-changed', 300, (300 / 99_600) * 100],
    ['columns-changed', 2, 20],
    ['null-pks', 3, (3 / 10_050) * 100],
    ['duplicate-pks', 7, (7 / 10_000) * 100],
    ['schema-changes', 4, null]
  ] as const)('%s = %d (%s%%)', (metric, value, percent) => {
    // Sides and the sample's own figures are pinned below.
    expect(diff.metrics[metric]).toMatchObject({ value, percent })
  })

  it('keeps each side of null and duplicate keys, the larger count leading', () => {
    expect(diff.metrics['null-pks']?.sides).toEqual([
      { value: 0, percent: 0 },
      { value: 3, percent: (3 / 10_050) * 100 }
    ])
    expect(diff.metrics['duplicate-pks']?.sides).toEqual([
      { value: 7, percent: (7 / 10_000) * 100 },
      { value: 2, percent: (2 / 10_050) * 100 }
    ])
  })

  it('keeps rows of A and B, the diff page, columns and schema changes', () => {
    expect(diff.rowsA).toBe(10_000)
    expect(diff.rowsB).toBe(10_050)
    expect(diff.url).toBe('https://app.datafold.com/datadiffs/12/overview')
    expect(diff.columns).toHaveLength(10)
    expect(diff.columns.slice(0, 3)).toEqual([
      { name: 'amount', match: 97.5, valuesDifferent: 249, estimate: null },
      { name: 'status', match: 100 * (1 - 51 / 9_960), valuesDifferent: 51, estimate: null },
      { name: 'other_1', match: 100, valuesDifferent: 0, estimate: null }
    ])
    expect(diff.schema).toEqual({
      columnsOnlyInA: ['legacy_flag'],
      columnsOnlyInB: ['discount', 'channel'],
      typeChanged: ['amount'],
      typeMismatches: 1
    })
  })

  it('keeps how many columns Datafold compared, and what it knows to be downstream', () => {
    const diff = finished(sameDbBody)
    // values.compared_columns, even for a clean diff whose columns Datafold does not all list.
    expect(diff.comparedColumns).toBe(10)
    expect(
      finished({ ...sameDbBody, values: { ...sameDbBody.values, columns_diff_stats: [] } })
        .comparedColumns
    ).toBe(10)
    expect(diff.downstream).toEqual([
      { name: 'fct_revenue', type: 'table' },
      { name: 'Orders overview', type: 'looker_dashboard' }
    ])
    expect(finished(dependenciesOnly('customers')).downstream).toEqual([
      { name: 'fct_revenue', type: 'table' },
      { name: 'Customers overview', type: 'looker_dashboard' }
    ])
    const cross = finished(crossDbDone({ compareValues: false }))
    expect([cross.comparedColumns, cross.downstream]).toEqual([null, []])
  })

  it('keeps the estimate and its interval of a column compared on a sample', () => {
    const body = sampledDone({ ...SPEC, sampled: { rows: 4_980, confidence: 0.95 } })
    const stat = body.values?.columns_diff_stats[1]
    const estimate = stat?.values_different_estimate
    if (!stat || !estimate) throw new Error('the sampled body has no estimate for status')
    expect(finished(body).columns[1]).toEqual({
      name: 'status',
      match: stat.match,
      valuesDifferent: stat.values_different,
      estimate: {
        estimate: estimate.estimate,
        confidence: 0.95,
        min: estimate.interval.min,
        max: estimate.interval.max
      }
    })
  })
})

describe('not measured', () => {
  it('leaves value metrics unmeasured when values is null', () => {
    const diff = finished(sameDbDone({ ...SPEC, compareValues: false }))
    expect(diff.metrics['rows-changed']).toBeNull()
    expect(diff.metrics['values-changed']).toBeNull()
    expect(diff.metrics['columns-changed']).toBeNull()
    expect(diff.metrics['rows-removed']).toEqual({ value: 40, percent: 0.4 })
    expect(diff.columns).toEqual([])
  })

  it('leaves schema changes unmeasured for a cross-database diff', () => {
    const diff = finished(crossDbDone(SPEC))
    expect(diff.metrics['schema-changes']).toBeNull()
    expect(diff.schema).toBeNull()
    expect(diff.metrics['rows-added']).toEqual({ value: 90, percent: (90 / 10_050) * 100 })
  })

  it('measures nothing for a cross-database diff with null pks and values', () => {
    const diff = finished({ ...crossDbDone({ ...SPEC, compareValues: false }), pks: null })
    expect(Object.values(diff.metrics).every((m) => m === null)).toBe(true)
    expect(diff.rowsA).toBeNull()
  })

  it('measures nothing for a dependencies-only answer', () => {
    const diff = finished(dependenciesOnly())
    expect(Object.values(diff.metrics).every((m) => m === null)).toBe(true)
  })
})

describe('percentOf', () => {
  it.each([
    [0, 0, 0],
    [5, 0, 100],
    [1, 4, 25],
    [0, 10, 0]
  ])('%d of %d = %d%%', (value, total, percent) => {
    expect(percentOf(value, total)).toBe(percent)
  })
})

describe('what was compared', () => {
  it.each([
    [
      { table1: ['ANALYTICS', 'prod', 'orders'], table2: ['ANALYTICS', 'pr_42', 'orders'] },
      'ANALYTICS.prod.orders',
      'ANALYTICS.pr_42.orders'
    ],
    [{ query1: 'select 1', query2: 'select 2' }, 'query', 'query'],
    [{ table1: ['a', 'b'], query2: 'select 1' }, 'a.b', 'query'],
    [{}, null, null]
  ])('%j → %s vs %s', (fields, datasetA, datasetB) => {
    const record: DiffRecord = { kind: 'in_db', ...fields }
    expect(finished(sameDbBody, record).target).toEqual({ datasetA, datasetB, kind: 'in_db' })
  })

  it('knows nothing when the record could not be read', () => {
    expect(finished(sameDbBody, null).target).toEqual({
      datasetA: null,
      datasetB: null,
      kind: null
    })
  })
})

describe('errors', () => {
  it('keeps the reason of a diff that has no summary', () => {
    const diff = normaliseDiff(
      { id: 9, summary: null, error: 'diff 9 failed: boom', record: null, warnings: ['w'] },
      HOST
    )
    expect(diff).toEqual({
      id: 9,
      url: 'https://app.datafold.com/datadiffs/9/overview',
      target: { datasetA: null, datasetB: null, kind: null },
      warnings: ['w'],
      status: 'error',
      reason: 'diff 9 failed: boom'
    })
  })
})
