// The one way a request reaches dbt Cloud: GET under `{origin}/api/v2/accounts/{account}/`, the
// token in `Authorization: Token …` and nowhere else. The origin is fixed when the transport is
// made, and redirects are not followed, so the token never leaves that host. A 429, a 5xx or a
// network error is tried again (every request here is a read) with backoff, or after the wait a
// 429 asks for, but no retry starts past the deadline. Answers are scrubbed of the secrets
// before anything quotes them.
import { now as clockNow, sleep as clockSleep } from '../clock.js'
import { formatDuration } from '../format.js'
import { MAX_BODY_BYTES, readBody } from '../http/body.js'
import { backoff, RETRY_STATUSES, retryAfterMs } from '../http/retry.js'
import { createRedactor, type Redact } from '../redact.js'
import { excerpt, reasonOf } from '../text.js'
import { DbtCloudError, dbtCloudErrors } from './errors.js'
import { createTimer, type Timer } from './timer.js'

export interface TransportOptions {
  /** `https://ab123.us1.dbt.com`: the only origin the token is sent to. */
  origin: string
  accountId: number
  token: string
  userAgent: string
  fetch?: typeof globalThis.fetch
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  /** Jitter source, default Math.random. */
  random?: () => number
  /** `now()` time after which no retry starts; none by default. */
  deadline?: number
  /** Until an answer's headers (a JSON answer: its whole body), and between a download's chunks. */
  timeoutMs?: number
  /** Retries after the first try, default 4. */
  retries?: number
  /** A Retry-After longer than this is not waited for (default 60 000). */
  maxRetryDelayMs?: number
  /** Takes the secrets out of answers and messages; default: the token's redactor. */
  redact?: Redact
  log?: (message: string) => void
}

export interface DbtCloudRequest {
  /** Under the account, e.g. `runs/12/`. */
  path: string
  query?: Record<string, string | number>
  /** What the request is for, in messages: `run 12`, `manifest.json of run 12`. */
  what: string
  /** The error for a 404. */
  notFound: () => DbtCloudError
}

/** GETs a request: its JSON body (after `parse`), or the open body of an artifact. */
export interface Transport {
  json<T>(request: DbtCloudRequest, parse: (body: unknown) => T): Promise<T>
  stream(request: DbtCloudRequest): AsyncIterable<Uint8Array>
}

export function createTransport(options: TransportOptions): Transport {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const sleep = options.sleep ?? clockSleep
  const now = options.now ?? clockNow
  const random = options.random ?? Math.random
  const timeoutMs = options.timeoutMs ?? 30_000
  const tries = Math.max(0, Math.floor(options.retries ?? 4)) + 1
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000
  const redact = options.redact ?? createRedactor([options.token])
  const host = new URL(options.origin).host
  const base = `${options.origin}/api/v2/accounts/${options.accountId}/`
  const log = (message: string): void => options.log?.(redact(message))
  const fail = (message: string): DbtCloudError => new DbtCloudError(redact(message))

  /** Sends until a 2xx answer; `timer` is left running for the caller to clear. */
  async function send(request: DbtCloudRequest, timer: Timer): Promise<Response> {
    const url = new URL(request.path, base)
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, String(value))
    }
    let last = ''
    for (let attempt = 1; ; attempt++) {
      let response: Response | null = null
      let retryAfter: number | null = null
      try {
        timer.restart()
        response = await fetchImpl(url.href, {
          headers: {
            Authorization: `Token ${options.token}`,
            Accept: 'application/json',
            'User-Agent': options.userAgent
          },
          redirect: 'manual',
          signal: timer.signal
        })
      } catch (error) {
        if (errorCode(error) === 'ENOTFOUND') {
          throw fail(`${url.hostname} does not resolve (ENOTFOUND): check dbt-cloud-host`)
        }
        last = timer.timedOut
          ? `no answer within ${formatDuration(timeoutMs)}`
          : `a network error: ${excerpt(redact(reasonOf(causeOf(error))), 200)}`
      }
      if (response !== null) {
        // A fetch that hides manual redirects (the browser kind) gives status 0: still a redirect.
        const status = response.type === 'opaqueredirect' ? 302 : response.status
        if (status >= 200 && status < 300) return response
        const body = await readBody(...bodyOf(response), 64 * 1024).catch(() => ({ text: '' }))
        const said = 'text' in body ? describeBody(redact(body.text)) : ''
        if (status === 401 || status === 403) throw dbtCloudErrors.tokenRejected(status, host)
        if (status === 404) throw request.notFound()
        if (status >= 300 && status < 400) {
          throw fail(
            `dbt Cloud answered ${request.what} with a redirect to ${locationHost(response, url)}, not followed (the token goes to ${host} only): set dbt-cloud-host to the account's access URL`
          )
        }
        last = `HTTP ${status}${said}`
        if (!RETRY_STATUSES.has(status)) {
          throw fail(`dbt Cloud answered ${request.what} at ${host} with ${last}`)
        }
        retryAfter = retryAfterMs(response.headers.get('retry-after'), now())
      }
      const gaveUp = `gave up on ${request.what} at ${host} after ${attempt} ${attempt === 1 ? 'try' : 'tries'}`
      if (attempt >= tries) throw fail(`${gaveUp}; the last ended in ${last}`)
      if (retryAfter !== null && retryAfter > maxRetryDelayMs) {
        throw fail(
          `${gaveUp}: dbt Cloud asked to wait ${formatDuration(retryAfter)} (${last}); try again later`
        )
      }
      const delay = retryAfter ?? backoff(attempt, random)
      if (options.deadline !== undefined && now() + delay > options.deadline) {
        throw fail(
          `${gaveUp}, as the next would start after wait-timeout; the last ended in ${last}`
        )
      }
      log(`dbt Cloud: ${request.what}: ${last}; trying again in ${formatDuration(delay)}`)
      await sleep(delay)
    }
  }

  return {
    async json(request, parse) {
      const timer = createTimer(timeoutMs)
      try {
        const response = await send(request, timer)
        const body = await readBody(...bodyOf(response), MAX_BODY_BYTES)
        if ('tooLarge' in body) throw fail(`dbt Cloud's answer to ${request.what} is too large`)
        let value: unknown
        try {
          value = JSON.parse(redact(body.text)) as unknown
        } catch {
          throw fail(
            `dbt Cloud's answer to ${request.what} is not JSON: ${excerpt(redact(body.text), 200)}`
          )
        }
        return parse(value)
      } finally {
        timer.clear()
      }
    },

    async *stream(request) {
      const timer = createTimer(timeoutMs)
      let reader: ReadableStreamDefaultReader<Uint8Array> | null = null
      try {
        const response = await send(request, timer)
        if (response.body === null) return
        reader = (response.body as ReadableStream<Uint8Array>).getReader()
        for (;;) {
          // A stalled download fails after timeoutMs without a byte, however long it is.
          timer.restart()
          const { done, value } = await reader.read().catch((error: unknown) => {
            throw fail(
              `the download of ${request.what} from ${host} broke off: ${timer.timedOut ? `no data for ${formatDuration(timeoutMs)}` : excerpt(reasonOf(causeOf(error)), 200)}`
            )
          })
          if (done) {
            reader = null
            return
          }
          yield value
        }
      } finally {
        timer.clear()
        // A reader that stopped early (a refused file) closes the connection, not reads on.
        await reader?.cancel().catch(() => undefined)
      }
    }
  }
}

/** An answer's declared length and its body, as readBody reads them. */
function bodyOf(response: Response): [string | null, AsyncIterable<Uint8Array> | null] {
  return [response.headers.get('content-length'), response.body]
}

/** dbt Cloud's error envelope says what went wrong in `status.user_message`. */
function describeBody(text: string): string {
  if (text.trim() === '') return ''
  try {
    const status = (JSON.parse(text) as { status?: { user_message?: unknown } } | null)?.status
    if (typeof status?.user_message === 'string') return `: ${excerpt(status.user_message, 200)}`
  } catch {
    // Not JSON: quote its start.
  }
  return `: ${excerpt(text, 200)}`
}

function locationHost(response: Response, url: URL): string {
  const location = response.headers.get('location')
  if (location === null) return 'another address'
  return URL.canParse(location, url.href)
    ? new URL(location, url).host
    : 'an address that is not a URL'
}

function causeOf(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause
  return cause instanceof Error ? cause : error
}

function errorCode(error: unknown): string | undefined {
  for (const candidate of [causeOf(error), error]) {
    const code = (candidate as { code?: unknown } | null)?.code
    if (typeof code === 'string') return code
  }
  return undefined
}
