// The metric spec is the one place a metric is described: the inputs, the outputs, the report
// table and the thresholds table of docs/reference.md must all follow it.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { erroredDiff, finishedDiff } from '../../__fixtures__/results.js'
import { INPUT_NAMES, InputError, parseInputs, type RawInputs } from '../../src/inputs.js'
import type { Measure } from '../../src/diff.js'
import {
  METRIC_SPEC,
  METRICS,
  REPORT_COLUMNS,
  TOTALLED_METRICS,
  type MetricName
} from '../../src/metric-spec.js'
import { buildOutputs, OUTPUT_NAMES } from '../../src/outputs.js'
import { renderReport } from '../../src/report/document.js'
import type { Thresholds } from '../../src/limits.js'
import { evaluateThresholds } from '../../src/thresholds.js'

const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const raw = (extra: Partial<RawInputs>): RawInputs => ({
  ...blank,
  'diff-ids': '1',
  'api-key': 'key',
  ...extra
})

function inputProblem(extra: Partial<RawInputs>): string {
  try {
    parseInputs(raw(extra))
  } catch (error) {
    if (error instanceof InputError) return error.problems.join('\n')
    throw error
  }
  return ''
}

describe('the spec drives the inputs', () => {
  it('declares each metric’s input, in the spec’s order, between the connection and column inputs', () => {
    const start = INPUT_NAMES.indexOf('github-token') + 1
    expect(INPUT_NAMES.slice(start, start + METRIC_SPEC.length)).toEqual(
      METRIC_SPEC.map((spec) => spec.input)
    )
    expect(INPUT_NAMES[start + METRIC_SPEC.length]).toBe('min-column-match')
  })

  it.each(METRIC_SPEC.map((spec) => ({ input: spec.input, spec })))(
    '$input sets the limit of its metric',
    ({ input, spec }) => {
      const inputs = parseInputs(raw({ [input]: '7' }))
      expect(inputs.thresholds.max).toEqual({ [spec.name]: { kind: 'count', value: 7 } })
    }
  )

  it.each(METRIC_SPEC.map((spec) => ({ input: spec.input, spec })))(
    '$input takes a percentage exactly when the metric has a base',
    ({ input, spec }) => {
      if (spec.base === null) {
        expect(inputProblem({ [input]: '1%' })).toBe(
          `${input}: expected a count (0, 3), or nothing; ${spec.words} have no percentage (got "1%")`
        )
      } else {
        expect(parseInputs(raw({ [input]: '1%' })).thresholds.max[spec.name]).toEqual({
          kind: 'percent',
          value: 1
        })
      }
    }
  )
})

describe('the spec drives the outputs', () => {
  it('gives a total output for exactly the totalled metrics', () => {
    const metricOutputs = OUTPUT_NAMES.filter((name) => (METRICS as string[]).includes(name))
    expect(metricOutputs).toEqual(
      METRIC_SPEC.filter((spec) => spec.totalled).map((spec) => spec.name)
    )
    expect(metricOutputs).toEqual(TOTALLED_METRICS)
  })

  it.each(TOTALLED_METRICS.map((metric) => [metric]))(
    '%s is the sum over the finished diffs',
    (metric) => {
      const evaluation = evaluateThresholds(
        [
          finishedDiff(1, { [metric]: { value: 4, percent: null } }),
          finishedDiff(2, { [metric]: { value: 5, percent: null } }),
          finishedDiff(3, { [metric]: null }),
          erroredDiff(4)
        ],
        { max: {}, minColumnMatch: null, ignoreColumns: [] }
      )
      expect(
        buildOutputs(evaluation, {
          reportPath: '/tmp/report.md',
          comment: null,
          commentRefused: null
        })[metric]
      ).toBe('9')
    }
  )
})

describe('the spec drives the report table', () => {
  /** The main table's header cells and its one row's cells. */
  function table(markdown: string): { headers: string[]; cells: string[] } {
    const lines = markdown.split('\n')
    const start = lines.findIndex((line) => line.startsWith('| Table'))
    // Metric cells never wrap: their spaces are no-break spaces, read here as spaces.
    const split = (line: string) =>
      line
        .replace(/&nbsp;/g, ' ')
        .slice(2, -2)
        .split(' | ')
    // A header is two short lines; the first says under it what every row compared.
    const headers = split(lines[start] ?? '').map((h) =>
      h.replace(/<br><sub>.*<\/sub>$/, '').replace('<br>', ' ')
    )
    return { headers, cells: split(lines[start + 2] ?? '') }
  }

  /** The table for one diff measuring `measure` for `metric`, whose limit is `max 3`. */
  function tableWithLimit3(metric: MetricName, measure: Measure | null) {
    const thresholds: Thresholds = {
      ...noThresholds,
      max: { [metric]: { kind: 'count', value: 3 } }
    }
    const evaluation = evaluateThresholds([finishedDiff(1, { [metric]: measure })], thresholds)
    return table(renderReport(evaluation, options(thresholds)))
  }

  it('has a column for each report column of the spec, and each column holds a metric', () => {
    const { headers } = table(
      renderReport(evaluateThresholds([finishedDiff(1)], noThresholds), options(noThresholds))
    )
    // Values and columns changed have a column when some table has a limit on them.
    const always = REPORT_COLUMNS.filter((column) =>
      METRIC_SPEC.some((spec) => spec.report.column === column && !spec.report.onlyWhenLimited)
    )
    expect(headers).toEqual(['Table', ...always])
    expect(always).toEqual([
      'Rows added',
      'Rows removed',
      'Rows changed',
      'Schema changes',
      'Key problems'
    ])
    for (const column of REPORT_COLUMNS) {
      expect(METRIC_SPEC.some((spec) => spec.report.column === column)).toBe(true)
    }
  })

  it.each(METRIC_SPEC.map((spec) => ({ name: spec.name, spec })))(
    'shows a breach of $name in the column the spec names',
    ({ spec }) => {
      const { headers, cells } = tableWithLimit3(spec.name, { value: 8, percent: null })
      // The first cell carries the diff's mark; the metric cells follow.
      const breached = cells.slice(1).filter((text) => text.includes('❌'))
      expect(breached).toHaveLength(1)
      const cell = breached[0] ?? ''
      expect(headers[cells.indexOf(cell)]).toBe(spec.report.column)
      // The count judged, and the limit it broke.
      expect(cell).toMatch(/\b8\b/)
      expect(cell).toMatch(/(max|>) 3\b/)
      if (spec.report.label !== undefined) expect(cell).toContain(spec.report.label)
    }
  )

  it.each(METRIC_SPEC.map((spec) => ({ name: spec.name, spec })))(
    'shows $name as not checked in its column when its threshold could not be checked',
    ({ spec }) => {
      const { headers, cells } = tableWithLimit3(spec.name, null)
      const index = headers.indexOf(spec.report.column)
      expect(cells[index]).toContain('n/a ⚠️')
    }
  )
})

describe('the reference follows the spec', () => {
  it('lists each metric in the thresholds table as the spec describes it', () => {
    const reference = readFileSync('docs/reference.md', 'utf8')
    const lines = reference.split('\n')
    const header = lines.findIndex((line) => line.startsWith('| metric | input |'))
    expect(header).toBeGreaterThan(-1)
    const rows = lines.slice(header + 2, header + 2 + METRIC_SPEC.length).map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.replace(/`/g, ''))
    )
    expect(rows).toEqual(
      METRIC_SPEC.map((spec) => [spec.words, spec.input, spec.value, spec.base ?? '(a count only)'])
    )
  })
})

const noThresholds: Thresholds = { max: {}, minColumnMatch: null, ignoreColumns: [] }

function options(thresholds: Thresholds) {
  return { title: 'Datafold data diff', thresholds, runUrl: null }
}
