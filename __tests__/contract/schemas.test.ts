import { describe, expect, it } from '@jest/globals'
import { parseSummaryResults } from '../../src/datafold/schemas.js'

const pks = {
  total_rows: [10, 10],
  nulls: [0, 0],
  dupes: [0, 0],
  exclusives: [0, 0],
  distincts: [10, 10]
}
const schema = {
  columns_mismatched: [0, 0],
  column_type_mismatches: 0,
  column_reorders: 0,
  column_counts: [3, 3],
  column_type_differs: [],
  exclusive_columns: []
}
const sameDb = {
  status: 'done',
  pks,
  schema,
  dependencies: [],
  materialized_results: {},
  values: null
}

describe('parseSummaryResults tells the five shapes apart by the fields present', () => {
  it.each([
    [sameDb, 'same-db'],
    [{ ...sameDb, status: 'success', extra_field: { nested: true } }, 'same-db'],
    [{ status: 'done', pks, values: null }, 'cross-db'],
    [{ status: 'done' }, 'cross-db'],
    [{ status: 'success', dependencies: [] }, 'dependencies-only'],
    [{ status: 'failed', error: { error_type: 'QueryError', error_value: 'boom' } }, 'failed'],
    [{ status: 'failed', error: { anything: 1 } }, 'failed'],
    [{ status: 'running' }, 'running'],
    [{ status: 'pending', progress: 3 }, 'running']
  ])('%j → %s', (body, shape) => {
    const parsed = parseSummaryResults(body)
    expect(parsed.ok && parsed.summary.shape).toBe(shape)
  })

  it('reads the error of a failed diff', () => {
    const parsed = parseSummaryResults({
      status: 'failed',
      error: {
        error_type: 'PermissionDenied',
        error_value: 'no access to PROD',
        is_retryable: false
      }
    })
    expect(parsed).toEqual({
      ok: true,
      summary: {
        shape: 'failed',
        error: { type: 'PermissionDenied', value: 'no access to PROD', retryable: false }
      }
    })
  })

  it('shows some other error object as compact JSON', () => {
    const parsed = parseSummaryResults({ status: 'failed', error: { code: 7 } })
    expect(parsed.ok && parsed.summary.shape === 'failed' && parsed.summary.error).toEqual({
      type: null,
      value: '{"code":7}',
      retryable: null
    })
  })
})

describe('parseSummaryResults refuses bodies that fit no shape, naming the field', () => {
  it.each([
    [null, 'expected a JSON object, got null'],
    [[], 'expected a JSON object, got an array'],
    ['done', 'expected a JSON object, got a string'],
    [{}, '"status" is undefined'],
    [{ status: 'queued' }, 'unknown status "queued"'],
    [{ status: 7 }, '"status" is number'],
    [{ ...sameDb, pks: { ...pks, total_rows: [10] } }, 'pks.total_rows'],
    [{ ...sameDb, pks: { ...pks, exclusives: [-1, 0] } }, 'pks.exclusives[0]'],
    [{ ...sameDb, pks: { ...pks, dupes: ['1', 0] } }, 'pks.dupes[0]'],
    [{ ...sameDb, schema: null }, 'schema'],
    [{ status: 'done', pks: 'x' }, 'pks'],
    [{ status: 'failed' }, 'error'],
    [
      {
        ...sameDb,
        values: {
          total_rows: 1,
          rows_with_differences: 0,
          total_values: 1,
          values_with_differences: 0,
          compared_columns: 1,
          columns_with_differences: 0,
          columns_diff_stats: [{ column_name: 'a', match: 140, values_different: 0 }]
        }
      },
      'values.columns_diff_stats[0].match'
    ]
  ])('%j → %s', (body, reason) => {
    const parsed = parseSummaryResults(body)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) {
      expect(parsed.reason).toContain(reason)
      expect(parsed.reason).not.toContain('\n')
    }
  })
})
