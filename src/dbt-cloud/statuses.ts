// dbt Cloud's commit statuses among a commit's: their context starts with `dbt Cloud` (the exact
// text is not documented, so a prefix), and the newest of each context is the one that counts, as
// GitHub shows it. Each must link to a run page on a host the token may go to. Pure.
import { DbtCloudError, dbtCloudErrors } from './errors.js'
import { apiOrigin, parseRunPage, type RunPage } from './host.js'

/** A commit status as GitHub gives it (`GET /repos/{o}/{r}/commits/{ref}/statuses`, a `status`
 * event's payload). */
export interface CommitStatus {
  context: string
  /** pending, success, failure or error. */
  state: string
  target_url?: string | null
}

/** A dbt Cloud status, with the run it links to and where to ask about it. */
export interface DbtCloudStatus {
  context: string
  state: string
  /** pending: the run has not finished yet. */
  pending: boolean
  page: RunPage
  /** The origin the token goes to for this run. */
  origin: string
}

export const DBT_CLOUD_CONTEXT = 'dbt Cloud'

export function isDbtCloudContext(context: string): boolean {
  return context.startsWith(DBT_CLOUD_CONTEXT)
}

/**
 * The newest dbt Cloud status of each context, from a list newest first (as GitHub lists them).
 * Throws for a dbt Cloud status that links to no run page, to a host the token may not go to, or
 * to a run of another account than `dbt-cloud-account-id`.
 */
export function dbtCloudStatuses(
  statuses: readonly CommitStatus[],
  input: { host: string | null; accountId: number | null }
): DbtCloudStatus[] {
  const seen = new Set<string>()
  const newest = statuses.filter((status) => {
    if (!isDbtCloudContext(status.context) || seen.has(status.context)) return false
    seen.add(status.context)
    return true
  })
  return newest.map((status) => readStatus(status, input))
}

export function readStatus(
  status: CommitStatus,
  input: { host: string | null; accountId: number | null }
): DbtCloudStatus {
  const page = parseRunPage(status.target_url ?? '')
  if (page === null) throw dbtCloudErrors.notARunPage(status.context)
  const origin = apiOrigin(input.host, page)
  if (input.accountId !== null && input.accountId !== page.accountId) {
    throw dbtCloudErrors.otherAccount(page.accountId, input.accountId)
  }
  return {
    context: status.context,
    state: status.state,
    pending: status.state === 'pending',
    page,
    origin
  }
}

/** Whether a status event's state is final: success, failure or error. */
export function isFinal(state: string): boolean {
  if (state === 'pending') return false
  if (['success', 'failure', 'error'].includes(state)) return true
  throw new DbtCloudError(`a commit status in state "${state}", which GitHub does not send`)
}
