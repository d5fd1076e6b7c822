// One HTTP exchange with Datafold: over Node's own http and https, or over a fetch when one is
// given (the runner's proxy, tests). Node's fetch costs a run about 40 MB more at peak under Node 20
// and 15 MB under Node 24 (its undici, and on Node 20 llhttp's WebAssembly, load on the first
// request; the Response class alone is about 12 MB), and allocates more per request.
// The modules themselves, not their functions: nock (in tests) replaces `request` on them.
import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'

/** The request as sent: the transport has built the headers and the body. */
export interface Ask {
  method: string
  headers: Record<string, string>
  body?: string
  signal: AbortSignal
}

/** An answer's head, and its body still to read. */
export interface Reply {
  status: number
  headers: ReplyHeaders
  /** The body as it arrives; leaving the iteration early closes the connection. */
  body: AsyncIterable<Uint8Array> | null
}

/** What is read of an answer's headers: one by name, case-insensitive, repeats joined by `, `. */
export interface ReplyHeaders {
  get(name: string): string | null
}

/** Redirects are not followed: the transport words them. */
export async function exchangeViaFetch(
  fetchImpl: typeof fetch,
  url: string,
  ask: Ask
): Promise<Reply> {
  const response = await fetchImpl(url, { ...ask, redirect: 'manual' })
  return {
    // A fetch that hides manual redirects (the browser kind) gives status 0: still a redirect.
    status: response.type === 'opaqueredirect' ? 302 : response.status,
    headers: response.headers,
    body: response.body
  }
}

/** Node's http(s) follows no redirect, and reads HTTPS_PROXY not at all (see proxy.ts). */
export function exchangeViaHttp(url: string, ask: Ask): Promise<Reply> {
  const { request: send } = url.startsWith('https:') ? https : http
  const headers =
    ask.body === undefined
      ? ask.headers
      : { ...ask.headers, 'Content-Length': String(Buffer.byteLength(ask.body)) }
  return new Promise((resolve, reject) => {
    const request = send(url, { method: ask.method, headers, signal: ask.signal }, (answer) => {
      resolve({
        status: answer.statusCode ?? 0,
        headers: { get: (name) => headerValue(answer.headers, name) },
        body: answer
      })
    })
    request.on('error', reject)
    request.end(ask.body)
  })
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()]
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
}
