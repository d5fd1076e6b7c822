// What a fake Datafold answers for each diff, step by step: the vocabulary the fake
// (fake-datafold.ts) serves and the demo diffs (diffs.ts) are written in. Types only, so the
// bodies' builders and the server both depend on it and not on each other.

export interface StepBase {
  /** Wait this long before answering (on top of the server's `latencyMs`). */
  delayMs?: number
  /** Extra response headers. */
  headers?: Record<string, string>
  /** Sets a `Retry-After` header (seconds or an HTTP date), on any status. */
  retryAfter?: string
  /**
   * Send the headers (with the full Content-Length) and half the body, then reset the
   * connection (TCP RST): a connection reset mid-body.
   */
  reset?: 'mid-body'
  /** Send the headers (with the full Content-Length) and half the body, then close the socket. */
  truncate?: boolean
}

/** Answer JSON (`status` default 200). */
export interface JsonStep extends StepBase {
  body: unknown
  status?: number
}

/** Answer an RFC 7807 problem+json for this status: `{ status: 429, retryAfter: '2' }`, 503... */
export interface StatusStep extends StepBase {
  status: number
  detail?: string
}

/** Accept the request and never answer (until the server closes). */
export interface HangStep {
  hang: true
  delayMs?: number
}

/** A body that is not JSON, e.g. a proxy's error page: `{ raw, contentType: 'text/html', status: 502 }`. */
export interface RawStep extends StepBase {
  raw: string
  contentType?: string
  status?: number
}

/** A redirect (default 302) to `redirect`, e.g. another host or a login page. */
export interface RedirectStep extends StepBase {
  redirect: string
  status?: 301 | 302 | 303 | 307 | 308
}

/**
 * A 200 JSON answer whose body never ends: `{"status":"done","pad":"xxx…` streamed as fast as the
 * client reads it, up to ENDLESS_LIMIT, and then held open without another byte (so that a client
 * that buffers it all cannot take the machine down with it). With `contentLength`, that length is
 * declared and no body is sent at all.
 */
export interface EndlessStep {
  endless: true
  contentLength?: number
  delayMs?: number
}

export type Step = JsonStep | StatusStep | HangStep | RawStep | RedirectStep | EndlessStep

export interface DiffScenario {
  /** The diff record: a plain object answers 200 every time; Steps script it. Absent: 404. */
  record?: object | Step[]
  /** The summary_results script (at least one Step). */
  summary: Step[]
}

/** Scenarios by diff id. The server reads this object on every request: tests may change it. */
export type Scenarios = Record<number | string, DiffScenario>
