// What GitHub's refusals mean: the status of a failed request, a rate limit told apart from a
// missing permission, and the permission error the caller reports as a warning.
import { reasonOf } from '../text.js'

/** GitHub refuses this token's comment writes: a read-only GITHUB_TOKEN (fork PRs, Dependabot), a
 * `permissions:` block without `pull-requests: write`, or a locked conversation. The caller
 * reports it as a warning. */
export class CommentPermissionError extends Error {
  readonly status: number

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CommentPermissionError'
    this.status = status
  }
}

/** Runs one comment write, turning GitHub's "you may not" answers into a CommentPermissionError. */
export async function commentWrite<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  } catch (error) {
    const status = statusOf(error)
    if (status === 403 && isLockedConversation(error)) {
      throw new CommentPermissionError(
        `Could not write the PR comment: the conversation is locked (GitHub answered 403 to ${what}: ` +
          `${githubMessage(error)}). Unlock the conversation to get the report as a comment again.`,
        status,
        { cause: error }
      )
    }
    if ((status === 403 || status === 404) && !isRateLimit(error)) {
      throw new CommentPermissionError(
        `Could not write the PR comment: GitHub answered ${status} to ${what} ` +
          `(${githubMessage(error)}). The token needs the \`pull-requests: write\` permission: ` +
          'add it to the workflow or job `permissions:` block. Pull requests from forks and ' +
          "Dependabot's get a read-only GITHUB_TOKEN whatever the workflow asks for; see the " +
          'README section "Fork pull requests and permissions".',
        status,
        { cause: error }
      )
    }
    throw error
  }
}

/** The HTTP status a failed request carries, if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined
  return typeof error.status === 'number' ? error.status : undefined
}

/** A 403 that means "slow down", left over after the throttling plugin gave up on retrying. */
export function isRateLimit(error: unknown): boolean {
  const headers = responseOf(error)?.headers ?? {}
  return (
    headers['retry-after'] !== undefined ||
    headers['x-ratelimit-remaining'] === '0' ||
    /rate limit/i.test(githubMessage(error))
  )
}

/** A 403 that GitHub explains as a locked conversation ("Unable to create comment because issue is
 * locked.", with a link to the docs on locking conversations), not as a missing permission. */
function isLockedConversation(error: unknown): boolean {
  const data = responseOf(error)?.data
  const link =
    typeof data === 'object' && data !== null && 'documentation_url' in data
      ? String(data.documentation_url)
      : ''
  return /\bis locked\b/i.test(githubMessage(error)) || /locking-conversations/i.test(link)
}

/** GitHub's own `message` field, else the error's message. */
export function githubMessage(error: unknown): string {
  const data = responseOf(error)?.data
  if (typeof data === 'object' && data !== null && 'message' in data) {
    if (typeof data.message === 'string') return data.message
  }
  return reasonOf(error)
}

function responseOf(
  error: unknown
): { headers?: Record<string, string | number | undefined>; data?: unknown } | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined
  const response = error.response
  return typeof response === 'object' && response !== null ? response : undefined
}
