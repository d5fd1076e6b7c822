import { describe, expect, it } from '@jest/globals'
import type { MetricName } from '../../src/metric-spec.js'
import type { Limit, Thresholds } from '../../src/limits.js'
import { columnMatcher, evaluateThresholds, exceeds, overallVerdict } from '../../src/thresholds.js'
import { erroredDiff, finishedDiff } from '../../__fixtures__/results.js'

const none: Thresholds = { max: {}, minColumnMatch: null, ignoreColumns: [] }
const count = (value: number): Limit => ({ kind: 'count', value })
const percent = (value: number): Limit => ({ kind: 'percent', value })

describe('exceeds: "max" is inclusive', () => {
  it.each([
    [count(0), 0, 0, false],
    [count(0), 1, 0.01, true],
    [count(250), 250, 2.5, false],
    [count(250), 251, 2.51, true],
    [percent(1), 100, 1, false],
    [percent(1), 101, 1.01, true],
    [percent(0), 1, 0.0001, true],
    [percent(0), 0, 0, false],
    [percent(5), 3, null, false]
  ])('%j, value %d (%s%%) → %s', (limit, value, pct, expected) => {
    expect(exceeds(limit, value, pct)).toBe(expected)
  })
})

describe('evaluateThresholds: each metric', () => {
  it.each([
    'rows-added',
    'rows-removed',
    'rows-changed',
    'values-changed',
    'columns-changed',
    'null-pks',
    'duplicate-pks'
  ] as const)('%s over its count and its percentage limit is a breach', (metric: MetricName) => {
    const diff = finishedDiff(1, { [metric]: { value: 30, percent: 3 } })
    const byCount = evaluateThresholds([diff], { ...none, max: { [metric]: count(29) } })
    expect(byCount.breaches).toEqual([{ diffId: 1, metric, value: 30, percent: 3, limit: '29' }])
    const byPercent = evaluateThresholds([diff], { ...none, max: { [metric]: percent(2.5) } })
    expect(byPercent.breaches).toEqual([
      { diffId: 1, metric, value: 30, percent: 3, limit: '2.5%' }
    ])
    const atLimit = evaluateThresholds([diff], { ...none, max: { [metric]: percent(3) } })
    expect(atLimit.breaches).toEqual([])
    expect(atLimit.result).toBe('pass')
  })

  it('checks schema changes as a count', () => {
    const diff = finishedDiff(2, { 'schema-changes': { value: 3, percent: null } })
    const evaluation = evaluateThresholds([diff], { ...none, max: { 'schema-changes': count(2) } })
    expect(evaluation.breaches).toEqual([
      { diffId: 2, metric: 'schema-changes', value: 3, percent: null, limit: '2' }
    ])
  })

  it('does not check metrics without a threshold', () => {
    const diff = finishedDiff(3, { 'rows-removed': { value: 10 ** 6, percent: 100 } })
    expect(evaluateThresholds([diff], none).result).toBe('pass')
  })
})

describe('not measured', () => {
  it('is neither a pass nor a breach, and is listed when a threshold was set', () => {
    const diff = finishedDiff(4, { 'rows-changed': null, 'schema-changes': null })
    const evaluation = evaluateThresholds([diff], {
      ...none,
      max: { 'rows-changed': count(0), 'schema-changes': count(0), 'rows-added': count(5) }
    })
    expect(evaluation.breaches).toEqual([])
    expect(evaluation.diffs[0]?.notMeasured).toEqual(['rows-changed', 'schema-changes'])
  })

  it('lists nothing when no threshold was set for the missing metric', () => {
    const diff = finishedDiff(4, { 'rows-changed': null })
    expect(evaluateThresholds([diff], none).diffs[0]?.notMeasured).toEqual([])
  })
})

describe('min-column-match and ignore-columns', () => {
  const columns = [
    { name: 'amount', match: 97.25, valuesDifferent: 275, estimate: null },
    { name: 'UPDATED_AT', match: 10, valuesDifferent: 9000, estimate: null },
    { name: '_dbt_loaded_at', match: 0, valuesDifferent: 10_000, estimate: null },
    { name: 'status', match: 99.5, valuesDifferent: 50, estimate: null }
  ]
  const diff = finishedDiff(5, {}, { columns })

  it('breaches every compared column below the minimum, except the ignored ones', () => {
    const evaluation = evaluateThresholds([diff], {
      ...none,
      minColumnMatch: 99.5,
      ignoreColumns: ['updated_at', '_dbt_*']
    })
    expect(evaluation.breaches).toEqual([
      {
        diffId: 5,
        metric: 'column-match',
        value: 275,
        percent: 97.25,
        limit: 'min 99.5%',
        column: 'amount',
        columnIndex: 0
      }
    ])
    expect(evaluation.diffs[0]?.ignoredColumns).toEqual(['UPDATED_AT', '_dbt_loaded_at'])
  })

  it('breaches ignored-looking columns when they are not ignored', () => {
    const evaluation = evaluateThresholds([diff], { ...none, minColumnMatch: 50 })
    expect(evaluation.breaches.map((b) => b.column)).toEqual(['UPDATED_AT', '_dbt_loaded_at'])
  })
})

describe('columnMatcher', () => {
  it.each([
    [['id'], 'id', true],
    [['id'], 'ID', true],
    [['id'], 'idx', false],
    [['_dbt_*'], '_dbt_loaded_at', true],
    [['*_at'], 'created_at', true],
    [['*_at'], 'created_at_x', false],
    [['a.b'], 'aXb', false],
    [['(x)*'], '(x)y', true],
    [[], 'anything', false]
  ])('%j matches %j: %s', (patterns, name, expected) => {
    expect(columnMatcher(patterns)(name)).toBe(expected)
  })
})

describe('verdict', () => {
  it.each([
    [[], 'pass'],
    [['pass', 'pass'], 'pass'],
    [['pass', 'fail'], 'fail'],
    [['fail', 'error', 'pass'], 'error'],
    [['error'], 'error']
  ] as const)('%j → %s', (verdicts, result) => {
    expect(overallVerdict([...verdicts])).toBe(result)
  })

  it('marks each diff pass, fail or error', () => {
    const evaluation = evaluateThresholds(
      [
        finishedDiff(1),
        finishedDiff(2, { 'rows-removed': { value: 5, percent: 0.05 } }),
        erroredDiff(3)
      ],
      { ...none, max: { 'rows-removed': count(0) } }
    )
    expect(evaluation.diffs.map((d) => d.verdict)).toEqual(['pass', 'fail', 'error'])
    expect(evaluation.result).toBe('error')
  })
})
