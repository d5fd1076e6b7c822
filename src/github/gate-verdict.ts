// What the commit status and the check run tell, and what a refused write means for them. Both
// stand where GitHub gates a pull request, so they say what the step says; losing either (a token
// without the permission, GitHub down) costs a warning, never the verdict, the comment or the
// outputs.
import type { Redact } from '../redact.js'
import type { Verdict } from '../thresholds.js'
import { githubMessage, isRateLimit, statusOf } from './errors.js'

/** The run's outcome, as the caller knows it once the step's verdict is decided. */
export interface GateVerdict {
  /** The evaluation's result: `pass`, `fail` (a breach) or `error` (a diff not checked). */
  result: Verdict
  /** How many thresholds were exceeded. */
  breaches: number
  /** Changed dbt models not compared for a reason that needs action (no key, not materialized…). */
  unchecked: number
  /** Whether the step fails: verdict.ts's failure message is not null. */
  failed: boolean
}

/** What the commit status and the check run write to: the log, and the run's redactor, applied
 * to everything they send and say before it is cut. */
export interface GateIO {
  info(message: string): void
  warning(message: string): void
  redact: Redact
}

/** A write GitHub refused for want of a permission: a 403 that is not a rate limit, or a 404 (a
 * token that cannot see the repository, as GitHub answers for a fine-grained one). */
export function isMissingPermission(error: unknown): boolean {
  const status = statusOf(error)
  return status === 404 || (status === 403 && !isRateLimit(error))
}

/** `statuses: write`, `checks: write`. */
export type WritePermission = 'statuses' | 'checks'

/**
 * The one warning for a refused write: what failed, GitHub's words, and the line to add. Anything
 * else (a rate limit, a time-out, a 5xx) is named as it is.
 */
export function refusedWriteWarning(
  what: string,
  permission: WritePermission,
  error: unknown
): string {
  const status = statusOf(error)
  if (!isMissingPermission(error)) {
    return `Could not ${what}: ${status === undefined ? '' : `GitHub answered ${status}: `}${githubMessage(error)}`
  }
  const message = githubMessage(error)
  // A personal access token cannot create check runs, whatever its scopes.
  const appOnly =
    permission === 'checks' && /GitHub App|personal access token/i.test(message)
      ? ' Check runs can only be created with a GitHub App token, such as the GITHUB_TOKEN: ' +
        'give the step `github-token: ${{ github.token }}`.'
      : ''
  return (
    `Could not ${what}: GitHub answered ${status ?? ''} (${message}). The token needs the ` +
    `\`${permission}: write\` permission: add \`${permission}: write\` to the workflow's or ` +
    "the job's `permissions:` block. Pull requests from forks get a read-only GITHUB_TOKEN " +
    `whatever the workflow asks for.${appOnly} The rest of the run is unaffected.`
  )
}
