// When a request (to Datafold, to dbt Cloud) is worth another try, and how long to wait before it:
// the statuses retried, exponential backoff with jitter, and the wait the server asks for
// (Retry-After). Pure.

/**
 * Statuses worth another try. The issue lists 429, 502, 503 and 504; 500 is retried as well,
 * because the contract notes say 5xx should be retried: a lasting 500 costs a few seconds more, a
 * passing one would otherwise fail the check.
 */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 16_000

/** 1 s, 2 s, 4 s, 8 s, capped at 16 s, each stretched by up to half again at random. */
export function backoff(attempt: number, random: () => number): number {
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
