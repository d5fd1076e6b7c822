// One request for one diff, read into what the waiting loop needs: its summary_results or its
// record, checked against the schemas, or why there is none. Never throws: a diff that cannot be
// read becomes an error for that diff alone.
import { z } from 'zod'
import { excerpt } from '../text.js'
import type { DatafoldClient } from './endpoints.js'
import { REASON_EXCERPT } from './describe.js'
import { failureOf, type DiffFailure } from './errors.js'
import {
  diffRecordSchema,
  parseSummaryResults,
  type DiffRecord,
  type SummaryResults
} from './schemas.js'

export type SummaryAnswer =
  | { ok: true; summary: SummaryResults }
  | { ok: false; error: string; requestStatus?: number | null }

export interface RecordAnswer {
  record: DiffRecord | null
  /** Why there is no record. */
  problem: string | null
  requestStatus?: number | null
}

export async function readSummary(client: DatafoldClient, id: number): Promise<SummaryAnswer> {
  const reply = await request(id, () => client.getSummaryResults(id))
  if (!reply.ok) {
    return { ok: false, error: reply.failure.message, requestStatus: reply.failure.status }
  }
  const parsed = parseSummaryResults(reply.body)
  if (!parsed.ok) {
    return {
      ok: false,
      error: `diff ${id}: Datafold's answer fits no known shape: ${parsed.reason}`
    }
  }
  return parsed
}

export async function readRecord(client: DatafoldClient, id: number): Promise<RecordAnswer> {
  const reply = await request(id, () => client.getDiff(id))
  if (!reply.ok) {
    return { record: null, problem: reply.failure.reason, requestStatus: reply.failure.status }
  }
  const parsed = diffRecordSchema.safeParse(reply.body)
  if (!parsed.success) {
    return {
      record: null,
      problem: `Datafold's answer fits no known shape: ${excerpt(z.prettifyError(parsed.error), REASON_EXCERPT)}`
    }
  }
  return { record: parsed.data, problem: null }
}

async function request(
  id: number,
  call: () => Promise<unknown>
): Promise<{ ok: true; body: unknown } | { ok: false; failure: DiffFailure }> {
  try {
    return { ok: true, body: await call() }
  } catch (error) {
    return { ok: false, failure: failureOf(id, error) }
  }
}
