import { describe, expect, it } from '@jest/globals'
import {
  crossDbDone,
  dependenciesOnly,
  failedSummary,
  runningSummary,
  sameDbDone,
  type DiffSpec
} from '../../__fixtures__/diffs.js'
import { parseSummaryResults } from '../../src/datafold/schemas.js'

/** A small finished diff: 10 rows, one column besides the key. */
const SMALL: DiffSpec = { pk: ['id'], columns: ['a'], rowsA: 10, dependencies: [] }
/** Same database, values not compared. */
const sameDb = sameDbDone({ ...SMALL, compareValues: false })
const { pks } = sameDb
const compared = sameDbDone(SMALL)

describe('parseSummaryResults tells the five shapes apart by the fields present', () => {
  it.each([
    [sameDb, 'same-db'],
    [{ ...sameDb, status: 'success', extra_field: { nested: true } }, 'same-db'],
    [crossDbDone({ ...SMALL, status: 'done', compareValues: false }), 'cross-db'],
    [crossDbDone({ ...SMALL, status: 'done', omit: ['pks', 'values'] }), 'cross-db'],
    [dependenciesOnly('orders', 'success'), 'dependencies-only'],
    [failedSummary({ error_type: 'QueryError', error_value: 'boom' }), 'failed'],
    [failedSummary({ anything: 1 }), 'failed'],
    [runningSummary(), 'running'],
    [{ ...runningSummary('pending'), progress: 3 }, 'running']
  ])('%j → %s', (body, shape) => {
    const parsed = parseSummaryResults(body)
    expect(parsed.ok && parsed.summary.shape).toBe(shape)
  })

  it('reads the error of a failed diff', () => {
    const parsed = parseSummaryResults(
      failedSummary({ error_type: 'PermissionDenied', error_value: 'no access to PROD' })
    )
    expect(parsed).toEqual({
      ok: true,
      summary: {
        shape: 'failed',
        error: { type: 'PermissionDenied', value: 'no access to PROD', retryable: false }
      }
    })
  })

  it('shows some other error object as compact JSON', () => {
    const parsed = parseSummaryResults(failedSummary({ code: 7 }))
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
        ...compared,
        values: {
          ...compared.values,
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
