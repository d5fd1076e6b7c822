// What fetching one diff from Datafold comes to, before normalisation.
import type { DiffRecord, SummaryResults } from './schemas.js'

export type FinishedSummary = Extract<SummaryResults, { status: 'done' | 'success' }> & {
  shape: 'same-db' | 'cross-db' | 'dependencies-only'
}

/** What fetching one diff came to: its finished summary, or why there is none. */
export interface FetchedDiff {
  id: number
  summary: FinishedSummary | null
  /** Set when `summary` is null. */
  error: string | null
  /** The diff failed in Datafold with an error Datafold calls retryable: creating it again may
   * succeed, so it is not reused. */
  retryable?: true
  record: DiffRecord | null
  warnings: string[]
}
