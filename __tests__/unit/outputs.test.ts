import { describe, expect, it } from '@jest/globals'
import { buildOutputs, OUTPUT_NAMES } from '../../src/outputs.js'
import type { Thresholds } from '../../src/limits.js'
import { evaluateThresholds } from '../../src/thresholds.js'
import { erroredDiff, finishedDiff } from '../../__fixtures__/results.js'

const thresholds: Thresholds = {
  max: { 'rows-removed': { kind: 'count', value: 0 } },
  minColumnMatch: 99,
  ignoreColumns: []
}

const evaluation = evaluateThresholds(
  [
    finishedDiff(1, {
      'rows-added': { value: 5, percent: 0.05 },
      'rows-removed': { value: 2, percent: 0.02 },
      'schema-changes': { value: 1, percent: null }
    }),
    finishedDiff(
      2,
      { 'rows-added': { value: 7, percent: 0.07 }, 'schema-changes': null },
      { columns: [{ name: 'amount', match: 98, valuesDifferent: 200, estimate: null }] }
    ),
    erroredDiff(3)
  ],
  thresholds
)

describe('buildOutputs', () => {
  const outputs = buildOutputs(evaluation, {
    reportPath: '/tmp/report.md',
    comment: { id: 77, url: 'https://x/77' },
    commentRefused: null
  })

  it('sets every declared output', () => {
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
  })

  it('gives the result, breach count and breaches as JSON', () => {
    expect(outputs.result).toBe('error')
    expect(outputs['breach-count']).toBe('2')
    expect(JSON.parse(outputs.breaches)).toEqual([
      { diffId: 1, metric: 'rows-removed', value: 2, percentage: 0.02, limit: '0' },
      {
        diffId: 2,
        metric: 'column-match',
        value: 200,
        percentage: 98,
        limit: 'min 99%',
        column: 'amount'
      }
    ])
  })

  it('sums each metric over the diffs that measured it', () => {
    expect(outputs['rows-added']).toBe('12')
    expect(outputs['rows-removed']).toBe('2')
    expect(outputs['schema-changes']).toBe('1')
    expect(outputs['rows-changed']).toBe('0')
  })

  it('lists each diff with its URL and result', () => {
    const diffs = JSON.parse(outputs.diffs) as { id: number; url: string; result: string }[]
    expect(diffs.map(({ id, url, result }) => ({ id, url, result }))).toEqual([
      { id: 1, url: 'https://app.datafold.com/datadiffs/1/overview', result: 'fail' },
      { id: 2, url: 'https://app.datafold.com/datadiffs/2/overview', result: 'fail' },
      { id: 3, url: 'https://app.datafold.com/datadiffs/3/overview', result: 'error' }
    ])
    expect(diffs[2]).toMatchObject({ error: 'diff 3 failed: QueryError' })
  })

  it('gives the report path and the comment, or empty strings without a comment', () => {
    expect(outputs['report-path']).toBe('/tmp/report.md')
    expect(outputs['comment-id']).toBe('77')
    expect(outputs['comment-url']).toBe('https://x/77')
    const none = buildOutputs(evaluation, {
      reportPath: '/tmp/report.md',
      comment: null,
      commentRefused: null
    })
    expect(none['comment-id']).toBe('')
    expect(none['comment-url']).toBe('')
  })
})

describe('the dbt Cloud outputs', () => {
  it('name the CI run and the production run compared, and are empty in other modes', () => {
    const published = { reportPath: '', comment: null, commentRefused: null }
    const outputs = buildOutputs(evaluation, published, {
      dbtCloud: { runId: 4242, prodRunId: 4100 }
    })
    expect([outputs['dbt-cloud-run-id'], outputs['dbt-cloud-prod-run-id']]).toEqual([
      '4242',
      '4100'
    ])
    const none = buildOutputs(evaluation, published)
    expect([none['dbt-cloud-run-id'], none['dbt-cloud-prod-run-id']]).toEqual(['', ''])
  })
})

describe('the diffs output', () => {
  it('gives an entry Datafold refused to create no id and no URL, and its error', () => {
    const refused = erroredDiff(0, 'orders: Datafold refused it (422): table2: unknown table', {
      id: null,
      url: null,
      name: 'orders'
    })
    const outputs = buildOutputs(evaluateThresholds([refused], thresholds), {
      reportPath: '',
      comment: null,
      commentRefused: null
    })
    expect(JSON.parse(outputs.diffs)).toEqual([
      {
        id: null,
        name: 'orders',
        url: null,
        result: 'error',
        datasetA: null,
        datasetB: null,
        kind: null,
        error: 'orders: Datafold refused it (422): table2: unknown table'
      }
    ])
  })
})
