// Numbers that mean what they say: a total of nothing measured is empty, not 0; a total that
// leaves diffs out says which; totals are exact at any size; null and duplicate keys are judged
// per side; columns are told apart by position, not by a name two of them may share.
import { describe, expect, it } from '@jest/globals'
import { erroredDiff, finishedDiff } from '../../__fixtures__/results.js'
import type { ColumnStat, Measure } from '../../src/diff.js'
import { percentOf } from '../../src/normalise.js'
import { buildOutputs, totalsWarnings } from '../../src/outputs.js'
import { renderReport } from '../../src/report/document.js'
import type { Thresholds } from '../../src/limits.js'
import { evaluateThresholds } from '../../src/thresholds.js'

const none: Thresholds = { max: {}, minColumnMatch: null, ignoreColumns: [] }
const options = (thresholds: Thresholds) => ({
  title: 'Datafold data diff',
  thresholds,
  runUrl: null
})

describe('totals in the outputs', () => {
  it('are empty for a metric no diff measured, not 0', () => {
    const evaluation = evaluateThresholds(
      [finishedDiff(1, { 'schema-changes': null }), erroredDiff(2)],
      none
    )
    const outputs = buildOutputs(evaluation, {
      reportPath: '/tmp/r.md',
      comment: null,
      commentRefused: null
    })
    expect(outputs['schema-changes']).toBe('')
    expect(outputs['rows-added']).toBe('0')
  })

  it('count the diffs that measured the metric, and a warning names the diffs left out', () => {
    const evaluation = evaluateThresholds(
      [
        finishedDiff(1, { 'rows-changed': { value: 5, percent: 1 } }),
        finishedDiff(2, { 'rows-changed': null, 'values-changed': null }),
        finishedDiff(3, { 'rows-changed': { value: 7, percent: 1 } }),
        erroredDiff(4)
      ],
      none
    )
    expect(
      buildOutputs(evaluation, { reportPath: '/tmp/r.md', comment: null, commentRefused: null })[
        'rows-changed'
      ]
    ).toBe('12')
    expect(totalsWarnings(evaluation)).toEqual([
      'The outputs rows-added, rows-removed, null-pks, duplicate-pks, schema-changes total 3 of 4 diffs: diff 4 did not measure them and is left out',
      'The outputs rows-changed, values-changed total 2 of 4 diffs: diffs 2, 4 did not measure them and are left out'
    ])
  })

  it('warn about nothing when every diff measured every metric, or none did', () => {
    expect(totalsWarnings(evaluateThresholds([finishedDiff(1), finishedDiff(2)], none))).toEqual([])
    expect(totalsWarnings(evaluateThresholds([erroredDiff(1), erroredDiff(2)], none))).toEqual([])
  })

  it('are exact integers past 2^53', () => {
    const big: Measure = { value: Number.MAX_SAFE_INTEGER, percent: 50 }
    const evaluation = evaluateThresholds(
      [
        finishedDiff(1, { 'rows-added': big }),
        finishedDiff(2, { 'rows-added': big }),
        finishedDiff(3, { 'rows-added': { value: 3, percent: 0 } })
      ],
      none
    )
    // 2 × 9,007,199,254,740,991 + 3: a float sum would give ...984.
    expect(
      buildOutputs(evaluation, { reportPath: '/tmp/r.md', comment: null, commentRefused: null })[
        'rows-added'
      ]
    ).toBe('18014398509481985')
  })
})

describe('null and duplicate keys, judged per side', () => {
  // A has 60 null keys of 100,000 rows (0.06%); B has 50 of 100 (50%).
  const sides = (a: number, rowsA: number, b: number, rowsB: number): Measure => {
    const both = [
      { value: a, percent: percentOf(a, rowsA) },
      { value: b, percent: percentOf(b, rowsB) }
    ] as const
    const worse = b > a ? both[1] : both[0]
    return { ...worse, sides: both }
  }
  const diff = finishedDiff(1, { 'null-pks': sides(60, 100_000, 50, 100) })

  it('a percentage limit takes the side with the larger share', () => {
    const evaluation = evaluateThresholds([diff], {
      ...none,
      max: { 'null-pks': { kind: 'percent', value: 10 } }
    })
    expect(evaluation.breaches).toEqual([
      { diffId: 1, metric: 'null-pks', value: 50, percent: 50, limit: '10%' }
    ])
  })

  it('a count limit takes the side with the larger count', () => {
    const evaluation = evaluateThresholds([diff], {
      ...none,
      max: { 'null-pks': { kind: 'count', value: 55 } }
    })
    expect(evaluation.breaches).toEqual([
      { diffId: 1, metric: 'null-pks', value: 60, percent: 0.06, limit: '55' }
    ])
  })

  it('the table shows the side that was judged', () => {
    const thresholds: Thresholds = { ...none, max: { 'null-pks': { kind: 'percent', value: 10 } } }
    const report = renderReport(evaluateThresholds([diff], thresholds), options(thresholds))
    expect(report).toContain('**50**&nbsp;null&nbsp;❌<br><sub>50.00%&nbsp;>&nbsp;10%</sub>')
  })
})

describe('columns with the same name', () => {
  const column = (match: number, valuesDifferent: number): ColumnStat => ({
    name: 'amount',
    match,
    valuesDifferent,
    estimate: null
  })
  // The first `amount` matches fully; the second is the one below the minimum.
  const diff = finishedDiff(1, {}, { columns: [column(100, 0), column(90, 1_000)] })
  const thresholds: Thresholds = { ...none, minColumnMatch: 99 }
  const evaluation = evaluateThresholds([diff], thresholds)

  it('are judged by position', () => {
    expect(evaluation.breaches).toEqual([
      {
        diffId: 1,
        metric: 'column-match',
        value: 1_000,
        percent: 90,
        limit: 'min 99%',
        column: 'amount',
        columnIndex: 1
      }
    ])
  })

  it('are each shown, the breach marked on the column that breached', () => {
    const second = finishedDiff(1, {}, { columns: [column(90, 1_000), column(95, 10)] })
    const report = renderReport(
      evaluateThresholds([second], { ...none, minColumnMatch: 92 }),
      options({ ...none, minColumnMatch: 92 })
    )
    expect(report).toContain('| amount | 90.00% ❌ < 92% | 1,000 |')
    expect(report).toContain('| amount | 95.00% | 10 |')
    expect(renderReport(evaluation, options(thresholds))).toContain(
      '| amount | 90.00% ❌ < 99% | 1,000 |'
    )
  })
})
