// Each diff to judge as the report and the verdict see it: Datafold's answer named after what
// asked for it, a diff never created as an error saying why, and advice on a failed diff that is
// true of how it came to be.
import { describe, expect, it } from '@jest/globals'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import { HOST } from '../../__fixtures__/pipeline.js'
import { askedFor } from '../../__fixtures__/results.js'
import type { FinishedSummary } from '../../src/datafold/fetched.js'
import type { ReadDiff } from '../../src/datafold/wait-and-read.js'
import { judgedOf } from '../../src/results.js'
import { parseSummaryResults } from '../../src/datafold/schemas.js'

const STEP = { max: {}, minColumnMatch: null, ignoreColumns: [] }
const orders = askedFor('orders', {
  dataSourceA: { name: 'warehouse' },
  dataSourceB: { name: 'snowflake-eu' },
  datasetA: { table: ['analytics', 'prod', 'orders'] },
  datasetB: { query: 'select * from pr.orders' }
})

const failed = {
  id: 12,
  summary: null,
  error: 'diff 12 failed in Datafold: QueryError; Datafold says the error is retryable',
  record: null,
  warnings: [],
  retryable: true as const
}

describe('judgedOf', () => {
  it('names a created diff after its entry and keeps what asked for it', () => {
    const parsed = parseSummaryResults(sameDbDone({ id: 12 }))
    if (!parsed.ok) throw new Error(parsed.reason)
    const read: ReadDiff = {
      obtained: { diff: orders, origin: 'created', id: 12, key: 'abcd1234' },
      fetched: {
        id: 12,
        summary: parsed.summary as FinishedSummary,
        error: null,
        record: null,
        warnings: []
      }
    }
    const judged = judgedOf(read, HOST)
    expect(judged).toMatchObject({ origin: 'created', requested: orders })
    expect(judged.diff).toMatchObject({
      status: 'done',
      id: 12,
      name: 'orders',
      url: `${HOST}/datadiffs/12/overview`
    })
  })

  it('makes a diff Datafold did not create an error with no id, saying what it asked for and why', () => {
    const judged = judgedOf(
      {
        obtained: { diff: orders, origin: 'not created', error: 'could not create the diff: 422' },
        fetched: null
      },
      HOST
    )
    expect(judged.diff).toEqual({
      status: 'error',
      id: null,
      url: null,
      name: 'orders',
      reason: 'orders: could not create the diff: 422',
      target: {
        datasetA: 'analytics.prod.orders',
        datasetB: 'select * from pr.orders',
        kind: 'cross_db'
      },
      warnings: []
    })
  })

  it('tells a retryable failure of a created diff that re-running the job creates it again', () => {
    const judged = judgedOf(
      { obtained: { diff: orders, origin: 'reused', id: 12, key: 'abcd1234' }, fetched: failed },
      HOST
    )
    expect(judged.diff.status === 'error' && judged.diff.reason).toBe(
      'diff 12 failed in Datafold: QueryError; Datafold says the error is retryable: re-running this job creates the diff again'
    )
  })

  it('tells a retryable failure of a given diff to run it again in Datafold, which this check cannot', () => {
    const judged = judgedOf(
      {
        obtained: { diff: { kind: 'given', id: 12, thresholds: STEP }, origin: 'given', id: 12 },
        fetched: failed
      },
      HOST
    )
    expect(judged.diff.status === 'error' && judged.diff.reason).toBe(
      'diff 12 failed in Datafold: QueryError; Datafold says the error is retryable: run the diff again in Datafold, then this check'
    )
    expect(judged.requested).toBeUndefined()
  })
})
