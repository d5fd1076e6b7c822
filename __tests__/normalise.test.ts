import { describe, expect, it } from '@jest/globals'
import { parseSummaryResults, type DiffRecord } from '../src/datafold/schemas.js'
import type { FinishedDiff } from '../src/diff.js'
import type { FetchedDiff, FinishedSummary } from '../src/datafold/fetched.js'
import { normaliseDiff, percentOf } from '../src/normalise.js'

const HOST = 'https://app.datafold.com'

const sameDbBody = {
  status: 'done',
  pks: {
    total_rows: [10_000, 10_050],
    nulls: [0, 3],
    dupes: [7, 2],
    exclusives: [40, 90],
    distincts: [10_000, 10_050]
  },
  values: {
    total_rows: 9_960,
    rows_with_differences: 249,
    total_values: 99_600,
    values_with_differences: 300,
    compared_columns: 10,
    columns_with_differences: 2,
    columns_diff_stats: [
      { column_name: 'amount', match: 97.5, values_different: 249 },
      {
        column_name: 'status',
        match: 99.9,
        values_different: 51,
        values_different_estimate: {
          value: 51,
          estimate: 1_200,
          confidence: 0.95,
          interval: { min: 1_050, max: 1_380 }
        }
      }
    ]
  },
  schema: {
    columns_mismatched: [1, 2],
    column_type_mismatches: 1,
    column_reorders: 0,
    column_counts: [11, 12],
    column_type_differs: ['amount'],
    exclusive_columns: [['legacy_flag'], ['discount', 'channel']]
  },
  dependencies: [],
  materialized_results: {}
}

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
    expect(diff.columns).toEqual([
      { name: 'amount', match: 97.5, valuesDifferent: 249, estimate: null },
      {
        name: 'status',
        match: 99.9,
        valuesDifferent: 51,
        estimate: { estimate: 1_200, confidence: 0.95, min: 1_050, max: 1_380 }
      }
    ])
    expect(diff.schema).toEqual({
      columnsOnlyInA: ['legacy_flag'],
      columnsOnlyInB: ['discount', 'channel'],
      typeChanged: ['amount'],
      typeMismatches: 1
    })
  })
})

describe('not measured', () => {
  it('leaves value metrics unmeasured when values is null', () => {
    const diff = finished({ ...sameDbBody, values: null })
    expect(diff.metrics['rows-changed']).toBeNull()
    expect(diff.metrics['values-changed']).toBeNull()
    expect(diff.metrics['columns-changed']).toBeNull()
    expect(diff.metrics['rows-removed']).toEqual({ value: 40, percent: 0.4 })
    expect(diff.columns).toEqual([])
  })

  it('leaves schema changes unmeasured for a cross-database diff', () => {
    const { status, pks, values } = sameDbBody
    const diff = finished({ status, pks, values })
    expect(diff.metrics['schema-changes']).toBeNull()
    expect(diff.schema).toBeNull()
    expect(diff.metrics['rows-added']).toEqual({ value: 90, percent: (90 / 10_050) * 100 })
  })

  it('measures nothing for a cross-database diff with null pks and values', () => {
    const diff = finished({ status: 'success', pks: null, values: null })
    expect(Object.values(diff.metrics).every((m) => m === null)).toBe(true)
    expect(diff.rowsA).toBeNull()
  })

  it('measures nothing for a dependencies-only answer', () => {
    const diff = finished({ status: 'done', dependencies: [] })
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
