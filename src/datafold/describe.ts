// What came back from Datafold, in words: an answer's body (RFC 7807, FastAPI validation detail,
// JSON or text), a redirect's target, a failed fetch's cause. Each one line, cut to an excerpt.
import { formatDuration } from '../format.js'
import type { ReplyHeaders } from './exchange.js'
import type { Redact } from '../redact.js'
import { excerpt } from '../text.js'

export const BODY_EXCERPT = 200
/** A reason quoted in a message: an error's text, a list of validation problems. */
export const REASON_EXCERPT = 500

/** Whether a fetch failed because the host name does not resolve: trying again cannot help. */
export function isUnresolvedHost(error: unknown): boolean {
  return errorCode(error) === 'ENOTFOUND'
}

/** Whether a fetch failed because nothing listened: the request was never sent. */
export function isConnectionRefused(error: unknown): boolean {
  return errorCode(error) === 'ECONNREFUSED'
}

export function redirectReason(url: string, headers: ReplyHeaders): string {
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

export function validationDetail(body: string): string {
  const json = tryJson(body)
  if (isObject(json) && Array.isArray(json.detail)) {
    const items = json.detail.map((item: unknown) => {
      if (!isObject(item)) return compact(item)
      const loc = Array.isArray(item.loc) ? item.loc.map(String).join('.') : ''
      const msg = typeof item.msg === 'string' ? item.msg : compact(item)
      return loc ? `${loc}: ${msg}` : msg
    })
    if (items.length > 0) return excerpt(items.join('; '), REASON_EXCERPT)
  }
  return describeBody(body)
}

export function bodySuffix(body: string): string {
  return body.trim() === '' ? '' : `: ${describeBody(body)}`
}

/** An RFC 7807 title/detail, a FastAPI detail, compact JSON, or the start of a text body. */
function describeBody(body: string): string {
  if (body.trim() === '') return 'an empty body'
  const json = tryJson(body)
  if (json === undefined) return excerpt(body, BODY_EXCERPT)
  if (isObject(json)) {
    const title = typeof json.title === 'string' ? json.title : null
    const detail = typeof json.detail === 'string' ? json.detail : null
    if (title !== null || detail !== null) {
      return excerpt([title, detail].filter((part) => part !== null).join(': '), BODY_EXCERPT)
    }
  }
  return excerpt(compact(json), BODY_EXCERPT)
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

export function describeNetworkError(error: unknown, timeoutMs: number, redact: Redact): string {
  if (isNamed(error, 'TimeoutError')) return `a timeout after ${formatDuration(timeoutMs)}`
  if (isNamed(error, 'AbortError')) return 'an aborted request'
  const cause = isObject(error) ? error.cause : undefined
  const text = messageOf(cause) ?? messageOf(error) ?? 'an unknown error'
  return `a network error: ${excerpt(redact(text), BODY_EXCERPT)}`
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
