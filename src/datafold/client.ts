// The Datafold HTTP client: two GETs, retried when Datafold or the network is briefly unwell, and
// every failure turned into one line a user can act on. The API key goes in one header and
// nowhere else: redirects are not followed, and every message and log line is scrubbed of it.
import { sleep as realSleep } from '../clock.js'

export interface DatafoldClientOptions {
  /** Already normalised, e.g. https://app.datafold.com (no trailing slash, no /api). */
  host: string
  apiKey: string
  /** e.g. datafold-diff-gate/1.0.0 */
  userAgent: string
  /** Default globalThis.fetch (which nock sees in tests). */
  fetch?: typeof globalThis.fetch
  /** Per request, default 30 000. */
  timeoutMs?: number
  /**
   * When the run stops waiting (`now()` time, from wait-timeout); none by default. No request
   * lasts past it (but each gets at least 5 s), and no retry is started that would begin after it.
   */
  deadline?: number
  /** Retries after the first try, default 4. */
  retries?: number
  /** A Retry-After longer than this is not waited for (default 60 000). */
  maxRetryDelayMs?: number
  sleep?: (ms: number) => Promise<void>
  /** Jitter source, default Math.random. */
  random?: () => number
  /** Clock for Retry-After dates and timings, default Date.now. */
  now?: () => number
  /** Debug lines; never include the key. */
  log?: (message: string) => void
}

/** A request to Datafold that did not give a usable answer. `message` is the user-facing line. */
export class DatafoldRequestError extends Error {
  /** The HTTP status of the last answer, or null when there was none (network error, timeout). */
  readonly status: number | null
  /** The diff the request was about, when there is one. */
  readonly diffId: number | null
  /** The message without the leading diff id, for sentences that name the diff themselves. */
  readonly reason: string

  constructor(
    message: string,
    options: { status: number | null; diffId: number | null; reason?: string }
  ) {
    super(message)
    this.name = 'DatafoldRequestError'
    this.status = options.status
    this.diffId = options.diffId
    this.reason = options.reason ?? message
  }
}

export interface DatafoldClient {
  /** Parsed JSON body of GET {host}/api/v1/datadiffs/{id}/summary_results. */
  getSummaryResults(id: number): Promise<unknown>
  /** Parsed JSON body of GET {host}/api/v1/datadiffs/{id}. */
  getDiff(id: number): Promise<unknown>
}

/**
 * Statuses worth another try. The issue lists 429, 502, 503 and 504; 500 is retried as well,
 * because both endpoints are idempotent GETs and the contract notes say 5xx should be retried: a
 * lasting 500 costs a few seconds more, a passing one would otherwise fail the check.
 */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 16_000
const BODY_EXCERPT = 200
/** The least time a request is given, even at or past the deadline: the last check needs it. */
const MIN_REQUEST_MS = 5_000

export function createDatafoldClient(options: DatafoldClientOptions): DatafoldClient {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 30_000
  const retries = Math.max(0, Math.floor(options.retries ?? 4))
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const { host, apiKey } = options
  const scrub = scrubber(apiKey)
  const log = (message: string): void => {
    options.log?.(scrub(message))
  }
  const tries = retries + 1
  const { deadline } = options
  /** This request's time: the timeout, cut to what is left before the deadline. */
  const requestTimeout = (): number =>
    deadline === undefined
      ? timeoutMs
      : Math.min(timeoutMs, Math.max(deadline - now(), MIN_REQUEST_MS))
  /** Whether a retry after `delay` would start past the deadline. */
  const pastDeadline = (delay: number): boolean =>
    deadline !== undefined && now() + delay > deadline

  const fail = (
    id: number,
    status: number | null,
    reason: string,
    message = `diff ${id}: ${reason}`
  ): DatafoldRequestError =>
    new DatafoldRequestError(scrub(message), { status, diffId: id, reason: scrub(reason) })

  async function get(id: number, path: string): Promise<unknown> {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw fail(id, null, `${String(id)} is not a diff id (a positive whole number)`)
    }
    const url = `${host}/api/v1/datadiffs/${id}${path}`
    let lastProblem = ''
    let lastStatus: number | null = null
    const stopped = (attempt: number): DatafoldRequestError =>
      fail(
        id,
        lastStatus,
        `gave up after ${attempt} ${attempt === 1 ? 'try' : 'tries'} at ${host}, as the next would start after wait-timeout; the last one ended in ${lastProblem}`
      )
    for (let attempt = 1; attempt <= tries; attempt++) {
      const started = now()
      const timeout = requestTimeout()
      let answer: Answer
      try {
        const response = await fetchImpl(url, {
          method: 'GET',
          headers: {
            Authorization: `Key ${apiKey}`,
            Accept: 'application/json',
            'User-Agent': options.userAgent
          },
          redirect: 'manual',
          signal: AbortSignal.timeout(timeout)
        })
        answer = {
          // A fetch that hides manual redirects (the browser kind) gives status 0: still a redirect.
          status: response.type === 'opaqueredirect' ? 302 : response.status,
          headers: response.headers,
          body: await response.text()
        }
      } catch (error) {
        const problem = describeNetworkError(error, timeout, scrub)
        log(
          `GET ${url} failed after ${now() - started} ms (try ${attempt} of ${tries}): ${problem}`
        )
        // A name that does not exist stays so: trying again would only delay this message.
        if (errorCode(error) === 'ENOTFOUND') {
          throw fail(
            id,
            null,
            `${new URL(host).hostname} does not resolve (ENOTFOUND): check datafold-host`
          )
        }
        lastProblem = problem
        lastStatus = null
        if (attempt < tries) {
          const delay = backoff(attempt, random)
          if (pastDeadline(delay)) throw stopped(attempt)
          log(`diff ${id}: retrying in ${duration(delay)}`)
          await sleep(delay)
          continue
        }
        break
      }
      const { status, headers, body } = answer
      // Successful answers stay quiet: with hundreds of diffs they would drown the log.
      if (status < 200 || status >= 300) {
        log(`GET ${url}: HTTP ${status} in ${now() - started} ms (try ${attempt} of ${tries})`)
      }

      if (status >= 200 && status < 300) return parseJsonBody(id, status, headers, body)
      // Scrubbed before any excerpt is cut, so no piece of the key survives a cut through it.
      const text = scrub(body)
      if (status >= 300 && status < 400) throw fail(id, status, redirectReason(url, headers))
      if (status === 401 || status === 403) {
        throw fail(
          id,
          status,
          `Datafold rejected the API key (HTTP ${status}) at ${host}: check api-key and that datafold-host is the host you log in at`
        )
      }
      if (status === 404) {
        throw fail(id, status, `not found at ${host}`, `diff ${id} was not found at ${host}`)
      }
      if (status === 422) {
        throw fail(id, status, `Datafold refused the request (HTTP 422): ${validationDetail(text)}`)
      }
      lastProblem = `HTTP ${status}${bodySuffix(text)}`
      lastStatus = status
      if (!RETRY_STATUSES.has(status)) {
        throw fail(id, status, `Datafold answered ${lastProblem}`)
      }
      if (attempt >= tries) break
      const asked = retryAfterMs(headers.get('retry-after'), now())
      if (asked !== null && asked > maxRetryDelayMs) {
        throw fail(
          id,
          status,
          `Datafold answered HTTP ${status} and asked to wait ${duration(asked)} before trying again (Retry-After), longer than the ${duration(maxRetryDelayMs)} this action waits; try again later`
        )
      }
      const delay = asked ?? backoff(attempt, random)
      if (pastDeadline(delay)) throw stopped(attempt)
      log(`diff ${id}: HTTP ${status}; retrying in ${duration(delay)}`)
      await sleep(delay)
    }
    throw fail(
      id,
      lastStatus,
      `gave up after ${tries} ${tries === 1 ? 'try' : 'tries'} at ${host}; the last one ended in ${lastProblem}`
    )
  }

  return {
    getSummaryResults: (id) => get(id, '/summary_results'),
    getDiff: (id) => get(id, '')
  }

  function parseJsonBody(id: number, status: number, headers: Headers, body: string): unknown {
    try {
      return JSON.parse(body) as unknown
    } catch {
      const type = headers.get('content-type')?.split(';')[0]?.trim() || 'no content type'
      const shown = body.trim() === '' ? 'an empty body' : excerpt(scrub(body))
      throw fail(
        id,
        status,
        `Datafold answered ${status} with a body that is not JSON (${type}): ${shown}`
      )
    }
  }
}

interface Answer {
  status: number
  headers: Headers
  body: string
}

/** 1 s, 2 s, 4 s, 8 s, capped at 16 s, each stretched by up to half again at random. */
function backoff(attempt: number, random: () => number): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_CAP_MS)
  return Math.round(base * (1 + random() / 2))
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1_000
  // HTTP dates name the day and month; Date.parse alone would also read "-1" as a year.
  if (!/[a-z]/i.test(text)) return null
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - nowMs)
}

function redirectReason(url: string, headers: Headers): string {
  const location = headers.get('location')
  let target = 'another address'
  if (location) {
    try {
      target = new URL(location, url).host
    } catch {
      target = 'an address that is not a URL'
    }
  }
  return `Datafold answered with a redirect to ${target}; set datafold-host to the host you log in at`
}

function validationDetail(body: string): string {
  const json = tryJson(body)
  if (isObject(json) && Array.isArray(json.detail)) {
    const items = json.detail.map((item: unknown) => {
      if (!isObject(item)) return compact(item)
      const loc = Array.isArray(item.loc) ? item.loc.map(String).join('.') : ''
      const msg = typeof item.msg === 'string' ? item.msg : compact(item)
      return loc ? `${loc}: ${msg}` : msg
    })
    if (items.length > 0) return excerpt(items.join('; '), 500)
  }
  return describeBody(body)
}

function bodySuffix(body: string): string {
  return body.trim() === '' ? '' : `: ${describeBody(body)}`
}

/** An RFC 7807 title/detail, a FastAPI detail, compact JSON, or the start of a text body. */
function describeBody(body: string): string {
  if (body.trim() === '') return 'an empty body'
  const json = tryJson(body)
  if (json === undefined) return excerpt(body)
  if (isObject(json)) {
    const title = typeof json.title === 'string' ? json.title : null
    const detail = typeof json.detail === 'string' ? json.detail : null
    if (title !== null || detail !== null) {
      return excerpt([title, detail].filter((part) => part !== null).join(': '))
    }
  }
  return excerpt(compact(json))
}

function tryJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function compact(value: unknown): string {
  // Only ever given parsed JSON, which stringifies back to text.
  return JSON.stringify(value)
}

/** One line, at most `max` characters. */
export function excerpt(text: string, max = BODY_EXCERPT): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max)}…`
}

function describeNetworkError(
  error: unknown,
  timeoutMs: number,
  scrub: (text: string) => string
): string {
  if (isNamed(error, 'TimeoutError')) return `a timeout after ${duration(timeoutMs)}`
  if (isNamed(error, 'AbortError')) return 'an aborted request'
  const cause = isObject(error) ? error.cause : undefined
  const text = messageOf(cause) ?? messageOf(error) ?? 'an unknown error'
  return `a network error: ${excerpt(scrub(text))}`
}

/** The system error code (`ECONNRESET`, `ENOTFOUND`, …) of a failed fetch, or of its cause. */
function errorCode(error: unknown): string | null {
  for (const candidate of [isObject(error) ? error.cause : undefined, error]) {
    if (isObject(candidate) && typeof candidate.code === 'string') return candidate.code
  }
  return null
}

function isNamed(error: unknown, name: string): boolean {
  return isObject(error) && error.name === name
}

function messageOf(error: unknown): string | null {
  if (typeof error === 'string' && error !== '') return error
  if (!isObject(error)) return null
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : null
  const code = typeof error.code === 'string' ? error.code : null
  if (message && code && !message.includes(code)) return `${code}: ${message}`
  return message ?? code
}

/** "20 ms", "2 s", "2.5 s". */
function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  return `${Math.round(ms / 100) / 10} s`
}

function scrubber(secret: string): (text: string) => string {
  if (secret.length < 4) return (text) => text
  return (text) => text.replaceAll(secret, '***')
}
