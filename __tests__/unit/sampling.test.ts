// Sampled diffs told honestly: a count Datafold measured on a sample is never shown, checked or
// totalled as a count of the whole table. The demo's diff 104 (48,352,901 rows, values compared on
// 500,000) is the example: 100 changed rows in the sample, about 9,671 in the table.
import { describe, expect, it } from '@jest/globals'
import { DEMO_SPECS, diffRecord, sameDbDone, sampledDone } from '../../__fixtures__/diffs.js'
import { evaluate, readDiff } from '../../__fixtures__/pipeline.js'
import type { FinishedDiff } from '../../src/diff.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import { buildOutputs } from '../../src/outputs.js'
import { renderReport } from '../../src/report/document.js'
import type { Limit, SampledLimit } from '../../src/limits.js'
import { describeBreach } from '../../src/report/breach-line.js'

const SPEC = DEMO_SPECS[104]
const count = (value: number): Limit => ({ kind: 'count', value })
const options = {
  title: 'Datafold data diff',
  thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] },
  runUrl: null
}

function sampled(): FinishedDiff {
  const diff = readDiff(104, { body: sampledDone(SPEC) }, diffRecord(SPEC))
  if (diff.status !== 'done') throw new Error('expected a finished diff')
  return diff
}

describe('reading a sampled diff', () => {
  const diff = sampled()

  it('knows the diff was sampled from the columns’ estimates', () => {
    expect(diff.sampled).toBe(true)
  })

  it('knows it from the record’s diff_stats.sampled, with no estimate anywhere', () => {
    const body = sameDbDone({ ...SPEC, sampled: undefined })
    const record = { ...diffRecord(SPEC), diff_stats: { version: '2', sampled: true } }
    const told = readDiff(104, { body }, record)
    expect(told.status === 'done' && told.sampled).toBe(true)
    const notTold = readDiff(104, { body }, diffRecord(SPEC))
    expect(notTold.status === 'done' && notTold.sampled).toBe(false)
  })

  it('scales rows changed to the table, keeping the sample’s own count beside it', () => {
    expect(diff.metrics['rows-changed']).toEqual({
      value: 9_671,
      percent: 0.02,
      sample: { value: 100, base: 500_000, method: 'scaled', interval: null }
    })
  })

  it('takes values changed from Datafold’s estimates, with their interval', () => {
    const measure = diff.metrics['values-changed']
    expect(measure?.value).toBe(9_671 + 1_451)
    expect(measure?.sample).toEqual({
      value: 115,
      base: 3_000_000,
      method: 'estimate',
      // Four columns with no difference in the sample have an interval up to 291 each.
      interval: { min: 7_775 + 716, max: 11_566 + 2_185 + 4 * 291, confidence: 0.95 }
    })
  })

  it('leaves the primary-key counts, which are of the whole table, as they are', () => {
    expect(diff.rowsB).toBe(48_352_901)
    expect(diff.metrics['rows-added']).toEqual({ value: 0, percent: 0 })
  })
})

describe('checking a sampled diff', () => {
  const check = (metric: 'rows-changed' | 'values-changed', limit: number, mode?: SampledLimit) =>
    evaluate([sampled()], { max: { [metric]: count(limit) }, sampledLimit: mode })

  it('checks a count limit against the whole-table estimate, not the sample’s count', () => {
    // 100 in the sample would pass a limit of 1,000; about 9,671 in the table does not.
    expect(check('rows-changed', 1_000).breaches).toEqual([
      {
        diffId: 104,
        metric: 'rows-changed',
        value: 9_671,
        percent: 0.02,
        limit: '1000',
        sample: 'estimate'
      }
    ])
    expect(check('rows-changed', 10_000).breaches).toEqual([])
  })

  it('with sampled-limit: upper, checks against the interval’s upper bound where Datafold gives one', () => {
    // Values changed: estimate 11,122, upper bound 14,915.
    expect(check('values-changed', 12_000).breaches).toEqual([])
    expect(check('values-changed', 12_000, 'upper').breaches).toMatchObject([
      { metric: 'values-changed', value: 14_915, sample: 'upper-bound' }
    ])
    // Rows changed has no interval: its estimate is what is checked.
    expect(check('rows-changed', 9_000, 'upper').breaches).toMatchObject([
      { metric: 'rows-changed', value: 9_671, sample: 'estimate' }
    ])
  })

  it('says in the breach line that the figure is estimated from a sample', () => {
    const [breach] = check('rows-changed', 1_000).breaches
    if (!breach) throw new Error('expected a breach')
    expect(describeBreach(breach, sampled())).toBe(
      'diff 104 (analytics.events): rows-changed ≈9,671 (0.02%) > max 1000, estimated from a sample'
    )
  })

  it('judges a sampled column by its estimate', () => {
    const evaluation = evaluate([sampled()], { minColumnMatch: 99.99 })
    expect(evaluation.breaches).toMatchObject([
      { metric: 'column-match', column: 'revenue', value: 9_671, sample: 'estimate' }
    ])
  })
})

describe('reporting a sampled diff', () => {
  const evaluation = evaluate([sampled()], { max: { 'rows-changed': count(1_000) } })
  const report = renderReport(evaluation, options)
  const row = report.split('\n').find((line) => line.includes('/datadiffs/104/')) ?? ''

  it('marks the row sampled and shows the estimate, never the sample’s count, as the count', () => {
    expect(row).toMatch(/^\| ❌ \[events\]\([^)]*\) <sub>sampled<\/sub>/)
    expect(row).toContain('**≈9,671**&nbsp;❌')
    expect(row).not.toMatch(/\| 100\b|\b100<br>/)
  })

  it('gives the sample’s counts and the interval in the details', () => {
    expect(report).toContain('<summary>❌ events: over its limit on rows changed</summary>')
    expect(report).toContain(
      '- rows changed **≈9,671 (0.02%)** (estimated from a sample), over its limit of 1,000'
    )
    expect(report).toContain(
      "rows changed ≈9,671 is the sample's 100 of 500,000 rows (0.02%) scaled to the table"
    )
    expect(report).toContain('8,491–14,915')
    expect(report).toContain(
      '| revenue | 99.98% | 100 in the sample, ≈ 9,671 (7,775–11,566, 95% confidence) |'
    )
  })
})

describe('reporting a breach of the interval’s upper bound', () => {
  const thresholds = {
    max: { 'values-changed': count(12_000) },
    minColumnMatch: null,
    ignoreColumns: [],
    sampledLimit: 'upper' as const
  }
  const report = renderReport(evaluate([sampled()], thresholds), { ...options, thresholds })

  it('shows the upper bound that was checked, with the limit it broke', () => {
    // Values changed has a column of its own once a limit is set on it: the estimate, and the
    // upper bound that was checked against the limit.
    const row = report.split('\n').find((line) => line.includes('/datadiffs/104/')) ?? ''
    expect(row).toContain(
      '**≈11,122**&nbsp;❌<br><sub>up&nbsp;to&nbsp;14,915&nbsp;>&nbsp;12,000</sub>'
    )
    expect(report).toContain(
      '- values changed **up to ≈14,915** (the upper bound of its estimate), over its limit of 12,000'
    )
  })

  it('says in the footer what count limits on sampled diffs were checked against', () => {
    expect(report).toContain(
      "count limits on sampled diffs checked against the upper bound of Datafold's interval"
    )
  })
})

describe('the outputs of a sampled diff', () => {
  const clean = readDiff(101, { body: sameDbDone({ id: 101, differences: { amount: 5 } }) }, null)
  const outputs = buildOutputs(evaluate([sampled(), clean]), {
    reportPath: '/tmp/r.md',
    comment: null,
    commentRefused: null
  })

  it('totals the whole-table estimate with the other diffs’ counts, never the sample’s count', () => {
    expect(outputs['rows-changed']).toBe(String(9_671 + 5))
    expect(outputs['values-changed']).toBe(String(9_671 + 1_451 + 5))
  })

  it('lists the sampled diffs', () => {
    expect(JSON.parse(outputs['sampled-diffs'])).toEqual([104])
  })

  it('gives each sampled metric in diffs with both the sample’s figure and the table’s', () => {
    const [diff] = JSON.parse(outputs.diffs) as {
      sampled: boolean
      metrics: Record<string, { value: number; sample?: { value: number; base: number } }>
    }[]
    expect(diff?.sampled).toBe(true)
    expect(diff?.metrics['rows-changed']).toMatchObject({
      value: 9_671,
      sample: { value: 100, base: 500_000, method: 'scaled' }
    })
  })

  it('marks a breach’s figure as estimated from a sample', () => {
    const withBreach = buildOutputs(
      evaluate([sampled()], { max: { 'rows-changed': count(1_000) } }),
      { reportPath: '/tmp/r.md', comment: null, commentRefused: null }
    )
    expect(JSON.parse(withBreach.breaches)).toEqual([
      {
        diffId: 104,
        metric: 'rows-changed',
        value: 9_671,
        percentage: 0.02,
        limit: '1000',
        estimatedFromSample: 'estimate'
      }
    ])
  })
})

describe('the sampled-limit input', () => {
  const parse = (value: string) =>
    parseInputs({
      ...(Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs),
      'diff-ids': '1',
      'api-key': 'key',
      'sampled-limit': value
    }).thresholds.sampledLimit

  it.each([
    ['', 'estimate'],
    ['estimate', 'estimate'],
    ['upper', 'upper']
  ])('%j → %s', (value, expected) => {
    expect(parse(value)).toBe(expected)
  })

  it('refuses anything else, naming the input and the choices', () => {
    expect(() => parse('max')).toThrow('sampled-limit: expected estimate or upper (got "max")')
  })
})
