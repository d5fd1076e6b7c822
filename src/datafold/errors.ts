// How a Datafold request that went wrong is told: DatafoldRequestError, and every message about a
// failed request, each one line a user can act on. Answers' bodies arrive here already scrubbed of
// the secrets (the transport does it as it reads them); any other outside text, such as a network
// error's, is scrubbed here before an excerpt is cut, so no piece of a secret survives a cut.
import { formatBytes, formatDuration } from '../format.js'
import type { Redact } from '../redact.js'
import { excerpt, reasonOf } from '../text.js'
import type { ReplyHeaders } from './exchange.js'
import {
  BODY_EXCERPT,
  bodySuffix,
  describeNetworkError,
  REASON_EXCERPT,
  redirectReason,
  validationDetail
} from './describe.js'

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

/** What a failure means for one diff: the message naming it, the reason alone, and the status
 * (undefined when the failure was no answer from Datafold at all, but something else). */
export interface DiffFailure {
  message: string
  reason: string
  status: number | null | undefined
}

export function failureOf(diffId: number, error: unknown): DiffFailure {
  if (error instanceof DatafoldRequestError) {
    return { message: error.message, reason: error.reason, status: error.status }
  }
  const reason = excerpt(reasonOf(error), REASON_EXCERPT)
  return { message: `diff ${diffId}: ${reason}`, reason, status: undefined }
}

export function notADiffId(id: number): DatafoldRequestError {
  const reason = `${String(id)} is not a diff id (a positive whole number)`
  return new DatafoldRequestError(`diff ${id}: ${reason}`, { status: null, diffId: id, reason })
}

/** Where the request went and what about, for its messages. */
export interface RequestSubject {
  host: string
  /** Named in every message: `diff 12`. */
  subject: string
  diffId: number | null
  /** For outside text that is not a body: a network error's, a header's. */
  redact: Redact
}

/** Every way one request can fail, worded. */
export function requestFailures({ host, subject, diffId, redact }: RequestSubject) {
  const fail = (
    status: number | null,
    reason: string,
    message = `${subject}: ${reason}`
  ): DatafoldRequestError =>
    // Headers are outside text too (a content type, a redirect's target).
    new DatafoldRequestError(redact(message), { status, diffId, reason: redact(reason) })
  const tries = (count: number): string => `${count} ${count === 1 ? 'try' : 'tries'}`

  return {
    /** The last try failed this way: `HTTP 503: Service Unavailable`. */
    problem: (status: number, body: string): string => `HTTP ${status}${bodySuffix(body)}`,
    networkProblem: (error: unknown, timeoutMs: number): string =>
      describeNetworkError(error, timeoutMs, redact),

    gaveUp: (
      attempts: number,
      last: { status: number | null; problem: string },
      atDeadline: boolean
    ): DatafoldRequestError =>
      fail(
        last.status,
        `gave up after ${tries(attempts)} at ${host}${
          atDeadline ? ', as the next would start after wait-timeout' : ''
        }; the last one ended in ${last.problem}`
      ),
    doesNotResolve: (): DatafoldRequestError =>
      fail(null, `${new URL(host).hostname} does not resolve (ENOTFOUND): check datafold-host`),
    redirected: (status: number, url: string, headers: ReplyHeaders): DatafoldRequestError =>
      fail(status, redirectReason(url, headers)),
    keyRejected: (status: number): DatafoldRequestError =>
      fail(
        status,
        `Datafold rejected the API key (HTTP ${status}) at ${host}: check api-key and that datafold-host is the host you log in at`
      ),
    notFound: (status: number): DatafoldRequestError =>
      fail(status, `not found at ${host}`, `${subject} was not found at ${host}`),
    refused: (status: number, body: string): DatafoldRequestError =>
      fail(status, `Datafold refused the request (HTTP ${status}): ${validationDetail(body)}`),
    answered: (status: number, problem: string): DatafoldRequestError =>
      fail(status, `Datafold answered ${problem}`),
    notRetried: (status: number | null, problem: string): DatafoldRequestError =>
      fail(
        status,
        `${status === null ? 'the request ended in' : 'Datafold answered'} ${problem}; not tried again, as Datafold may have acted on it already`
      ),
    waitTooLong: (status: number, askedMs: number, maxMs: number): DatafoldRequestError =>
      fail(
        status,
        `Datafold answered HTTP ${status} and asked to wait ${formatDuration(askedMs)} before trying again (Retry-After), longer than the ${formatDuration(maxMs)} this action waits; try again later`
      ),
    notJson: (status: number, headers: ReplyHeaders, body: string): DatafoldRequestError => {
      const type = headers.get('content-type')?.split(';')[0]?.trim() || 'no content type'
      const shown = body.trim() === '' ? 'an empty body' : excerpt(body, BODY_EXCERPT)
      return fail(
        status,
        `Datafold answered ${status} with a body that is not JSON (${type}): ${shown}`
      )
    },
    /** Not read past the limit: a body this large is no summary, and would only fill memory. */
    tooLarge: (
      maxBytes: number,
      size: { declared: number | null; read: number }
    ): DatafoldRequestError =>
      fail(
        null,
        size.declared === null
          ? `Datafold's answer is larger than the ${formatBytes(maxBytes)} this action reads: reading stopped at ${formatBytes(maxBytes)} and the rest was not read`
          : `Datafold's answer is ${formatBytes(size.declared)} (Content-Length), larger than the ${formatBytes(maxBytes)} this action reads: it was not read`
      ),
    /** Queued behind other requests until the deadline and its grace had passed. */
    noTimeLeft: (): DatafoldRequestError =>
      fail(
        null,
        `not sent to ${host}: wait-timeout ran out while other requests to Datafold were under way`
      )
  }
}
