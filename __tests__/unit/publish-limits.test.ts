// What is published stays within GitHub's limits, and says so when it had to be shortened: the
// job summary under 1 MiB (in bytes), each output under 1 MB; and a shortened comment points to
// where the full report really is.
import { describe, expect, it } from '@jest/globals'
import { finishedDiff } from '../../__fixtures__/results.js'
import type { ColumnStat } from '../../src/diff.js'
import { buildOutputs, jsonList, MAX_OUTPUT_BYTES } from '../../src/outputs.js'
import { renderComment, renderJobSummary, renderReport } from '../../src/report/document.js'
import type { Thresholds } from '../../src/limits.js'
import { evaluateThresholds, type Evaluation } from '../../src/thresholds.js'

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')
const thresholds: Thresholds = { max: {}, minColumnMatch: 99.5, ignoreColumns: [] }
const FILE = '/home/runner/work/_temp/datafold-diff-gate-default.md'
/** The path as the report writes it: escaped, like every string from outside. */
const SHOWN_FILE = '/home/runner/work/&#95;temp/datafold-diff-gate-default.md'

/** One diff with `count` differing columns, every one below the minimum match. */
function wide(count: number, name: (i: number) => string): Evaluation {
  const columns: ColumnStat[] = Array.from({ length: count }, (_, i) => ({
    name: name(i),
    match: 50 + (i % 40),
    valuesDifferent: 1_000 + i,
    estimate: null
  }))
  return evaluateThresholds([finishedDiff(1, {}, { columns }), finishedDiff(2)], thresholds)
}

const options = {
  title: 'Datafold data diff',
  thresholds,
  runUrl: 'https://github.com/acme/shop/actions/runs/7',
  fullReport: { file: FILE }
}

describe('the job summary', () => {
  it('is the full report when it fits', () => {
    const evaluation = wide(10, (i) => `c${i}`)
    const report = renderReport(evaluation, options)
    expect(renderJobSummary(evaluation, options, report)).toBe(report)
  })

  it('is shortened the way the comment is, measured in bytes, says so and points to the report file', () => {
    // Names of 3-byte characters: the report's length in characters is well under the limit,
    // its size in bytes is not.
    const evaluation = wide(2_000, (i) => `列名_${'数'.repeat(10)}_${i}`)
    const report = renderReport(evaluation, options)
    const limit = Math.floor((report.length + bytes(report)) / 2)
    expect(report.length).toBeLessThan(limit)
    expect(bytes(report)).toBeGreaterThan(limit)
    const summary = renderJobSummary(evaluation, options, report, limit)
    expect(bytes(summary)).toBeLessThanOrEqual(limit)
    expect(summary).toContain(
      `Shortened to fit the job summary (GitHub takes at most 1 MiB): each diff lists its 10 most different columns only. The full report is in the report file (${SHOWN_FILE}, the step's report-path output).`
    )
    expect(summary).toContain('the full list is in the report file.')
    expect(summary).toContain('| Diff |')
  })

  it('keeps a 1.5 MB report under 1 MiB by default, dropping column detail first', () => {
    const evaluation = wide(20_000, (i) => `column_${String(i).padStart(5, '0')}_with_a_long_name`)
    const report = renderReport(evaluation, options)
    expect(bytes(report)).toBeGreaterThan(1024 * 1024)
    const summary = renderJobSummary(evaluation, options, report)
    expect(bytes(summary)).toBeLessThan(1024 * 1024)
    expect(summary).toContain('each diff lists its 10 most different columns only')
    expect(summary).toContain('<summary>✅ diff 2: ')
  })
})

describe('a shortened comment', () => {
  const evaluation = wide(3_000, (i) => `column_${i}`)

  it('points to the job summary when it holds the full report', () => {
    const comment = renderComment(evaluation, { ...options, fullReport: { jobSummary: true } }, '')
    expect(comment).toContain(
      'The full report is in the [job summary](https://github.com/acme/shop/actions/runs/7).'
    )
    expect(comment).not.toContain(SHOWN_FILE)
  })

  it('points to the report file when no job summary holds it', () => {
    const comment = renderComment(evaluation, options, '')
    expect(comment).toContain(
      `The full report is in the report file (${SHOWN_FILE}, the step's report-path output).`
    )
    expect(comment).not.toContain('job summary')
  })
})

describe('each output', () => {
  it('stays under 1 MB: 25,000 breaches are cut with a count of what was left out; breach-count stays exact', () => {
    const evaluation = wide(25_000, (i) => `a_rather_long_column_name_number_${i}`)
    expect(evaluation.breaches).toHaveLength(25_000)
    const outputs = buildOutputs(evaluation, {
      reportPath: FILE,
      comment: null,
      commentRefused: null
    })
    expect(outputs['breach-count']).toBe('25000')
    expect(bytes(outputs.breaches)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES)
    const list = JSON.parse(outputs.breaches) as Record<string, unknown>[]
    const last = list.at(-1) as { leftOut: number }
    expect(last.leftOut).toBeGreaterThan(0)
    expect(list.length - 1 + last.leftOut).toBe(25_000)
    expect(list[0]).toMatchObject({ diffId: 1, metric: 'column-match' })
    for (const value of Object.values(outputs)) {
      expect(bytes(value)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES)
    }
  })

  it('is the whole list when it fits', () => {
    expect(jsonList([1, 'two', { three: 3 }])).toBe('[1,"two",{"three":3}]')
    expect(jsonList([], 10)).toBe('[]')
  })

  it('cuts by bytes, keeping whole items in order', () => {
    // Whole, the list takes 28 bytes.
    const list = jsonList(['ééé', 'ééé', 'ééé'], 27)
    expect(bytes(list)).toBeLessThanOrEqual(27)
    expect(JSON.parse(list)).toEqual(['ééé', { leftOut: 2 }])
  })
})
