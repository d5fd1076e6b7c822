// The result of each diff to judge: Datafold's answer in the action's words (normalise.ts), named
// after the entry or model that asked for it; a diff that was never created is an error saying why.
import type { ReadDiff } from './datafold/wait-and-read.js'
import type { DiffResult, ErroredDiff } from './diff.js'
import { normaliseDiff } from './normalise.js'
import type { Dataset } from './plan/merge.js'
import type { RequestedDiff } from './sources/source.js'

/** Where a judged diff came from: given by id, created by this run, reused from an earlier run
 * for the same commit, or asked for and not created. */
export type Origin = 'given' | 'created' | 'reused' | 'not created'

/** A diff to judge: its result, where it came from, and what asked for it (its own limits). A bare
 * result is a diff given by id, judged against the step's thresholds. */
export interface Judged {
  diff: DiffResult
  origin: Origin
  /** The plan entry or dbt model that asked for it; absent for a diff given by id. */
  requested?: RequestedDiff
}

/** A diff to judge: its result, where it came from, and what asked for it. */
export function judgedOf(read: ReadDiff, host: string): Judged {
  const { diff } = read.obtained
  return {
    diff: resultOf(read, host),
    origin: read.obtained.origin,
    ...(diff.kind === 'requested' ? { requested: diff } : {})
  }
}

function resultOf({ obtained, fetched }: ReadDiff, host: string): DiffResult {
  if (fetched === null) return notCreated(obtained.diff, obtained.error)
  const result = normaliseDiff(fetched, host)
  if (obtained.diff.kind === 'given') {
    return result.status === 'error' && fetched.retryable
      ? { ...result, reason: `${result.reason}: run the diff again in Datafold, then this check` }
      : result
  }
  const named = { ...result, name: obtained.diff.name }
  // A re-run of the job creates a diff that failed this way again, rather than reuse it.
  return named.status === 'error' && fetched.retryable
    ? { ...named, reason: `${named.reason}: re-running this job creates the diff again` }
    : named
}

/** A requested diff that Datafold did not create, as an error naming what it asked to compare. */
function notCreated(diff: RequestedDiff, error: string): ErroredDiff {
  const { request } = diff
  const named = (dataset: Dataset): string =>
    'table' in dataset ? dataset.table.join('.') : dataset.query
  const crossDb = JSON.stringify(request.dataSourceA) !== JSON.stringify(request.dataSourceB)
  return {
    id: null,
    url: null,
    target: {
      datasetA: named(request.datasetA),
      datasetB: named(request.datasetB),
      kind: crossDb ? 'cross_db' : 'in_db'
    },
    warnings: [],
    status: 'error',
    reason: `${diff.name}: ${error}`,
    name: diff.name
  }
}
