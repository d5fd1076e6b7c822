// The GitHub REST client the report is written with: @actions/github's, with octokit's retry and
// throttling plugins and our guard. They are loaded on first use, from a chunk of dist/ of their
// own, so a run that writes nothing to GitHub never pays for loading them. @actions/github loads
// undici (its proxy-aware fetch) with it, proxy or not: about 415 KB, a few hundred milliseconds
// on the comment path (the README's performance section has the figure).
import type { getOctokit } from '@actions/github'
import { formatDuration } from '../format.js'
import { GITHUB_BOUND_MS, REQUEST_TIMEOUT_MS, requestGuard } from './request-guard.js'

export type GitHubClient = ReturnType<typeof getOctokit>

export interface GitHubClientOptions {
  /** The REST API root: `https://api.github.com`, or `https://HOST/api/v3` on GitHub Enterprise Server. */
  baseUrl: string
  /** Replaces @actions/github's proxy-aware fetch; tests pass the global fetch so nock sees calls. */
  fetch?: typeof fetch
  log?: (message: string) => void
  /** How long one request may take (default 30 s). */
  requestTimeoutMs?: number
  /** How long the whole GitHub part may take, from the client's creation (default 2 min). */
  boundMs?: number
  now?: () => number
  /**
   * `github` (the default) keeps the pauses GitHub asks of a client: a second between writes,
   * three between comments, and the retry plugins' waits (1, 4, 9 s after a server error; what a
   * rate limit's answer says). `none` takes no pause, for tests: every retry and every rate-limit
   * decision is made and logged as with `github`, at once.
   */
  pacing?: 'github' | 'none'
}

/** How often a request that hit a rate limit is tried again, and the longest wait worth taking. */
const MAX_RATE_LIMIT_RETRIES = 2
const MAX_RATE_LIMIT_WAIT_SECONDS = 60

/** Numbers each client, so that each one spaces its own writes (see `throttle.id` below). */
let clientCount = 0

export async function createGitHubClient(
  token: string,
  options: GitHubClientOptions
): Promise<GitHubClient> {
  const [{ getOctokit }, { retry }, { throttling }, unpaced] = await Promise.all([
    import(/* webpackChunkName: "github" */ '@actions/github'),
    import(/* webpackChunkName: "github" */ '@octokit/plugin-retry'),
    import(/* webpackChunkName: "github" */ '@octokit/plugin-throttling'),
    options.pacing === 'none' ? unpacedOptions() : null
  ])
  const log = options.log ?? (() => undefined)
  const now = options.now ?? Date.now
  const boundMs = options.boundMs ?? GITHUB_BOUND_MS
  const deadline = now() + boundMs

  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ): boolean => {
      const what = `GitHub ${kind} on ${request.method} ${request.url}`
      if (retryCount >= MAX_RATE_LIMIT_RETRIES) {
        log(`${what}: gave up after ${retryCount} retries`)
        return false
      }
      if (retryAfter >= MAX_RATE_LIMIT_WAIT_SECONDS) {
        log(`${what}: the wait (${retryAfter}s) is a minute or more, not retrying`)
        return false
      }
      if (now() + retryAfter * 1000 >= deadline) {
        log(
          `${what}: the wait (${retryAfter}s) would end past the ${formatDuration(boundMs)} ` +
            'the GitHub part may take, not retrying'
        )
        return false
      }
      log(`${what}: retry ${retryCount + 1} of ${MAX_RATE_LIMIT_RETRIES} in ${retryAfter}s`)
      return true
    }

  return getOctokit(
    token,
    {
      baseUrl: options.baseUrl,
      // Only override `request` when a fetch is given: @actions/github's defaults are merged
      // shallowly, and `request: undefined` would drop its proxy-aware fetch.
      ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
      throttle: {
        // The throttling plugin keeps its write limiters (a second between writes, three between
        // comments) in module-wide groups keyed by this id: one key per client keeps clients
        // that share the process from queueing behind one another.
        id: `datafold-diff-gate-${++clientCount}`,
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        ...unpaced?.throttle
      },
      ...(unpaced ? { retry: unpaced.retry } : {})
    },
    // First, so that its hook runs inside the retries and the throttling: once per try.
    requestGuard({
      apiUrl: options.baseUrl,
      requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      deadline,
      boundMs,
      now
    }),
    retry,
    throttling
  )
}

/**
 * The plugins' options that take every pause out: waits scaled to 0 ms per second, and write
 * limiters of the client's own that space nothing (in place of the plugin's shared ones).
 */
async function unpacedOptions() {
  const { default: Bottleneck } = await import(
    /* webpackChunkName: "github" */ 'bottleneck/light.js'
  )
  return {
    throttle: {
      retryAfterBaseValue: 0,
      write: new Bottleneck.Group(),
      notifications: new Bottleneck.Group()
    },
    retry: { retryAfterBaseValue: 0 }
  }
}
