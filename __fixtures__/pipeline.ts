// Datafold answers (from the builders in diffs.ts) put through the action's own reading of them:
// parse, normalise, evaluate. For tests of the later steps on realistic diffs, without a server.
import { diffRecordSchema, parseSummaryResults } from '../src/datafold/schemas.js'
import type { FinishedSummary } from '../src/datafold/fetched.js'
import type { DiffResult } from '../src/diff.js'
import { normaliseDiff } from '../src/normalise.js'
import type { Thresholds } from '../src/limits.js'
import { evaluateThresholds, type Evaluation } from '../src/thresholds.js'
import type { DiffRecord } from './diffs.js'

export const HOST = 'https://app.datafold.com'

/** One diff as the action reads it: a summary body, or the error that stands for it. */
export function readDiff(
  id: number,
  answer: { body: unknown } | { error: string },
  record: DiffRecord | Record<string, unknown> | null
): DiffResult {
  const parsedRecord = record === null ? null : diffRecordSchema.parse(record)
  if ('error' in answer) {
    return normaliseDiff(
      { id, summary: null, error: answer.error, record: parsedRecord, warnings: [] },
      HOST
    )
  }
  const parsed = parseSummaryResults(answer.body)
  if (!parsed.ok) throw new Error(`diff ${id}: ${parsed.reason}`)
  return normaliseDiff(
    {
      id,
      summary: parsed.summary as FinishedSummary,
      error: null,
      record: parsedRecord,
      warnings: []
    },
    HOST
  )
}

export function evaluate(diffs: DiffResult[], thresholds: Partial<Thresholds> = {}): Evaluation {
  return evaluateThresholds(diffs, {
    max: {},
    minColumnMatch: null,
    ignoreColumns: [],
    ...thresholds
  })
}
