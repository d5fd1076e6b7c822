// Reading an answer's body with a limit (Datafold's, dbt Cloud's): an endless or enormous body must
// cost one request, not the runner's memory. The bytes are read as they arrive and reading stops
// at the limit; what came past it is never kept.

/** Far above any real summary (100,000 columns is about 20 MB), far below a runner's memory. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024

export type Body =
  | { text: string }
  /** `declared`: the Content-Length that refused it unread; else `read`: the bytes that came. */
  | { tooLarge: { declared: number | null; read: number } }

/** The body as text (UTF-8, as `Response.text()` reads it), or how it was too large. */
export async function readBody(response: Response, maxBytes: number): Promise<Body> {
  const declared = Number(response.headers.get('content-length') ?? '')
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    return { tooLarge: { declared, read: 0 } }
  }
  if (response.body === null) return { text: '' }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let read = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    read += value.byteLength
    if (read > maxBytes) {
      // Cancelling closes the connection: the rest is neither read nor buffered.
      await reader.cancel().catch(() => undefined)
      return { tooLarge: { declared: null, read } }
    }
    chunks.push(value)
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)) }
}
