// The one way a request reaches Datafold: any method and path, an optional JSON body, the API key
// in one header and nowhere else. Redirects are not followed; a request is retried when Datafold
// or the network is briefly unwell, and none outlives the run's deadline (plus one short grace for
// a last check). At most `concurrency` requests are under way at once, whichever endpoint they
// are for. Every body is read within a size limit and scrubbed of the secrets as it arrives,
// before anything parses, quotes or cuts it.
import { now as clockNow, sleep as clockSleep } from '../clock.js'
import { createLimiter } from '../concurrency.js'
import { formatDuration } from '../format.js'
import { createRedactor, type Redact } from '../redact.js'
import { MAX_BODY_BYTES, readBody } from '../http/body.js'
import { exchangeViaFetch, exchangeViaHttp, type ReplyHeaders } from './exchange.js'
import { isConnectionRefused, isUnresolvedHost } from './describe.js'
import { DatafoldRequestError, requestFailures } from './errors.js'
import { backoff, RETRY_STATUSES, retryAfterMs } from '../http/retry.js'

export interface TransportOptions {
  /** Already normalised, e.g. https://app.datafold.com (no trailing slash, no /api). */
  host: string
  apiKey: string
  /** e.g. datafold-diff-gate/1.1.0 */
  userAgent: string
  /** A fetch to send with (the runner's proxy's; a test's); none: Node's own http and https. */
  fetch?: typeof globalThis.fetch
  /** Per request, default 30 000. */
  timeoutMs?: number
  /**
   * When the run stops waiting (`now()` time, from wait-timeout); none by default. No retry is
   * started that would begin after it. A request started before it may run on for a last check,
   * but no request, however many are queued, lasts past the deadline plus DEADLINE_GRACE_MS.
   */
  deadline?: number
  /** The abort signal that ends a request after `ms`; default AbortSignal.timeout. */
  timeoutSignal?: (ms: number) => AbortSignal
  /** Takes the secrets out of every answer's body; default: the API key's redactor. */
  redact?: Redact
  /** A larger answer is refused for its diff; default MAX_BODY_BYTES (64 MB). */
  maxBodyBytes?: number
  /** Retries after the first try, default 4. */
  retries?: number
  /** A Retry-After longer than this is not waited for (default 60 000). */
  maxRetryDelayMs?: number
  /**
   * Requests in flight at once, default 8; a request holds its slot through its retries. A diff
   * waiting between checks holds none, so a slow diff does not hold up the others.
   */
  concurrency?: number
  sleep?: (ms: number) => Promise<void>
  /** Jitter source, default Math.random. */
  random?: () => number
  /** Clock for Retry-After dates, timings and the deadline. */
  now?: () => number
  /** Debug lines; never include the key. */
  log?: (message: string) => void
}

export interface DatafoldRequest {
  method: 'GET' | 'POST'
  /** Under {host}/api/v1, e.g. `/datadiffs/12/summary_results`. */
  path: string
  /** Sent as JSON. */
  body?: unknown
  /** The diff the request is about, which its messages name. */
  diffId?: number
  /**
   * false for a request that must not run twice (a create): it is tried again only when Datafold
   * cannot have acted on it, a 429 or a refused connection, never after a 5xx or a timeout.
   */
  idempotent?: false
  /**
   * Once aborted, the request is not sent, nor tried again (a try under way is not cut short):
   * a stopped job sends no more creates. It rejects with the signal's reason.
   */
  signal?: AbortSignal
}

/** Resolves to the parsed JSON body of a 2xx answer; rejects with a DatafoldRequestError. */
export type Send = (request: DatafoldRequest) => Promise<unknown>

export const DEFAULT_CONCURRENCY = 8

/**
 * The least time a request started before the deadline is given, for the last check that falls
 * on it; and the one grace after the deadline that no request outlives.
 */
export const DEADLINE_GRACE_MS = 5_000

interface Answer {
  status: number
  headers: ReplyHeaders
  body: string
}

export function createTransport(options: TransportOptions): Send {
  const fetchImpl = options.fetch
  const timeoutMs = options.timeoutMs ?? 30_000
  const retries = Math.max(0, Math.floor(options.retries ?? 4))
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000
  const sleep = options.sleep ?? clockSleep
  const random = options.random ?? Math.random
  const now = options.now ?? clockNow
  const timeoutSignal = options.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms))
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  const { host, apiKey, deadline } = options
  const redact = options.redact ?? createRedactor([apiKey])
  const log = (message: string): void => {
    options.log?.(redact(message))
  }
  const tries = retries + 1
  /**
   * This request's time: the timeout, cut to what is left before the deadline but at least the
   * grace, and never past the end of the grace, so that requests queued behind hanging ones do
   * not each add a grace of their own. Zero or less: no time is left to send it.
   */
  const requestTimeout = (): number => {
    if (deadline === undefined) return timeoutMs
    const left = deadline - now()
    return Math.min(timeoutMs, Math.max(left, DEADLINE_GRACE_MS), left + DEADLINE_GRACE_MS)
  }
  /** Whether a retry after `delay` would start past the deadline. */
  const pastDeadline = (delay: number): boolean =>
    deadline !== undefined && now() + delay > deadline
  const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY)

  return (request) => limit(() => send(request), request.signal)

  async function send(request: DatafoldRequest): Promise<unknown> {
    const { method } = request
    const url = `${host}/api/v1${request.path}`
    const subject =
      request.diffId === undefined ? `${method} ${request.path}` : `diff ${request.diffId}`
    const failures = requestFailures({ host, subject, diffId: request.diffId ?? null, redact })
    const last: { status: number | null; problem: string } = { status: null, problem: '' }
    for (let attempt = 1; attempt <= tries; attempt++) {
      request.signal?.throwIfAborted()
      const started = now()
      const timeout = requestTimeout()
      // Only a first try can find no time left: a retry never starts after the deadline.
      if (timeout <= 0) throw failures.noTimeLeft()
      let answer: Answer
      try {
        answer = await fetchOnce(request, url, timeout, failures)
      } catch (error) {
        if (error instanceof DatafoldRequestError) throw error
        const problem = failures.networkProblem(error, timeout)
        log(
          `${method} ${url} failed after ${now() - started} ms (try ${attempt} of ${tries}): ${problem}`
        )
        // A name that does not exist stays so: trying again would only delay this message.
        if (isUnresolvedHost(error)) throw failures.doesNotResolve()
        if (request.idempotent === false && !isConnectionRefused(error)) {
          throw failures.notRetried(null, problem)
        }
        last.problem = problem
        last.status = null
        if (attempt < tries) {
          const delay = backoff(attempt, random)
          if (pastDeadline(delay)) throw failures.gaveUp(attempt, last, true)
          log(`${subject}: retrying in ${formatDuration(delay)}`)
          await sleep(delay)
          continue
        }
        break
      }
      const { status, headers, body } = answer
      // Successful answers stay quiet: with hundreds of diffs they would drown the log.
      if (status < 200 || status >= 300) {
        log(
          `${method} ${url}: HTTP ${status} in ${now() - started} ms (try ${attempt} of ${tries})`
        )
      }

      if (status >= 200 && status < 300) {
        try {
          return JSON.parse(body) as unknown
        } catch {
          throw failures.notJson(status, headers, body)
        }
      }
      if (status >= 300 && status < 400) throw failures.redirected(status, url, headers)
      if (status === 401 || status === 403) throw failures.keyRejected(status)
      if (status === 404) throw failures.notFound(status)
      if (status === 422) throw failures.refused(status, body)
      last.problem = failures.problem(status, body)
      last.status = status
      if (!RETRY_STATUSES.has(status)) throw failures.answered(status, last.problem)
      if (request.idempotent === false && status !== 429) {
        throw failures.notRetried(status, last.problem)
      }
      if (attempt >= tries) break
      const asked = retryAfterMs(headers.get('retry-after'), now())
      if (asked !== null && asked > maxRetryDelayMs) {
        throw failures.waitTooLong(status, asked, maxRetryDelayMs)
      }
      const delay = asked ?? backoff(attempt, random)
      if (pastDeadline(delay)) throw failures.gaveUp(attempt, last, true)
      log(`${subject}: HTTP ${status}; retrying in ${formatDuration(delay)}`)
      await sleep(delay)
    }
    throw failures.gaveUp(tries, last, false)
  }

  async function fetchOnce(
    request: DatafoldRequest,
    url: string,
    timeout: number,
    failures: ReturnType<typeof requestFailures>
  ): Promise<Answer> {
    const withBody = request.body !== undefined
    const signal = timeoutSignal(timeout)
    const ask = {
      method: request.method,
      headers: {
        Authorization: `Key ${apiKey}`,
        Accept: 'application/json',
        'User-Agent': options.userAgent,
        ...(withBody ? { 'Content-Type': 'application/json' } : {})
      },
      ...(withBody ? { body: JSON.stringify(request.body) } : {}),
      signal
    }
    try {
      const reply = fetchImpl
        ? await exchangeViaFetch(fetchImpl, url, ask)
        : await exchangeViaHttp(url, ask)
      const body = await readBody(reply.headers.get('content-length'), reply.body, maxBodyBytes)
      if ('tooLarge' in body) throw failures.tooLarge(maxBodyBytes, body.tooLarge)
      return { status: reply.status, headers: reply.headers, body: redact(body.text) }
    } catch (error) {
      // Past the timeout, whatever broke is the timeout (fetch says so itself, Node's http not).
      throw signal.aborted && !(error instanceof DatafoldRequestError) ? signal.reason : error
    }
  }
}
