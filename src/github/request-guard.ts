// Every request the GitHub client sends passes through here, on each try: it goes to the origin of
// the API it was made for or nowhere (the token travels with it), it has a time to answer, and
// none is sent, nor lasts, past the bound of the whole GitHub part.
import type { Octokit } from '@octokit/core'
import { formatDuration } from '../format.js'

/** How long one request may take, body included. */
export const REQUEST_TIMEOUT_MS = 30_000
/** How long the whole GitHub part (find, write, tidy the comment) may take. */
export const GITHUB_BOUND_MS = 120_000
/** The longest wait @octokit/plugin-retry takes before trying again (1, 4, then 9 s). */
const LONGEST_RETRY_WAIT_MS = 9_000

export interface GuardLimits {
  /** The REST API root the client was made for; only its origin gets the token. */
  apiUrl: string
  requestTimeoutMs: number
  /** When the GitHub part must end, on the `now` clock. */
  deadline: number
  /** How long the GitHub part may take in all, as the messages say it. */
  boundMs: number
  now: () => number
}

/** GitHub did not answer in time, or the GitHub part reached its bound. Never retried. */
export class GitHubTimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GitHubTimeoutError'
  }
}

/** A request to a host other than the API's, from a link in GitHub's answer. Not sent. */
export class TokenDestinationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenDestinationError'
  }
}

/**
 * An octokit plugin. Given before the retry and throttling plugins, its hook runs inside theirs,
 * once per try. Its errors carry no `request`, so @octokit/plugin-retry does not retry them.
 */
export function requestGuard(limits: GuardLimits): (octokit: Octokit) => void {
  const api = new URL(limits.apiUrl)
  const bound = formatDuration(limits.boundMs)
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const { method, url } = octokit.request.endpoint.parse(options)
      const target = new URL(url)
      if (target.origin !== api.origin) {
        throw new TokenDestinationError(
          `GitHub's answer links to another host, ${target.host}, for ${method} ${target.pathname}; ` +
            `the GitHub API is at ${api.host}. Not following the link, so the token stays with GitHub`
        )
      }
      const what = `${method} ${target.pathname}`
      const remaining = limits.deadline - limits.now()
      if (remaining <= 0) {
        throw new GitHubTimeoutError(
          `Stopped before ${what}: the GitHub part took ${bound} already`
        )
      }
      const timeoutMs = Math.min(limits.requestTimeoutMs, remaining)
      const controller = new AbortController()
      const timer = setTimeout(() => {
        controller.abort()
      }, timeoutMs)
      // The options object is shared by every hook of this request: the fetch underneath reads
      // the signal from it, and @octokit/plugin-retry reads `retries` from it after a failure.
      const attempt: typeof options.request & { retries?: number } = {
        ...options.request,
        signal: controller.signal
      }
      options.request = attempt
      const timedOut = (cause?: unknown): GitHubTimeoutError =>
        new GitHubTimeoutError(
          timeoutMs < limits.requestTimeoutMs
            ? `Cut ${what} at the end of the ${bound} the GitHub part may take`
            : `GitHub did not answer ${what} within ${formatDuration(timeoutMs)}`,
          { cause }
        )
      try {
        const response = await request(options)
        // A body cut off by the timeout reads as an empty one in octokit: never take it for data.
        if (controller.signal.aborted) throw timedOut()
        return response
      } catch (error) {
        if (error instanceof GitHubTimeoutError) throw error
        if (controller.signal.aborted) throw timedOut(error)
        // No retry whose wait would end past the bound.
        if (limits.deadline - limits.now() < LONGEST_RETRY_WAIT_MS) attempt.retries = 0
        throw error
      } finally {
        clearTimeout(timer)
      }
    })
  }
}
