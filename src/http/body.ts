// Reading an answer's body with a limit (Datafold's, dbt Cloud's): an endless or enormous body must
// cost one request, not the runner's memory. The bytes are read as they arrive and reading stops
// at the limit; what came past it is never kept.

/** Far above any real summary (100,000 columns is about 20 MB), far below a runner's memory. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024

export type Body =
  | { text: string }
  /** `declared`: the Content-Length that refused it unread; else `read`: the bytes that came. */
  | { tooLarge: { declared: number | null; read: number } }

/**
 * The body as text (UTF-8, as `Response.text()` reads it), or how it was too large. `declared` is
 * the Content-Length header; leaving `body` early closes the connection.
 */
export async function readBody(
  declared: string | null,
  body: AsyncIterable<Uint8Array> | null,
  maxBytes: number
): Promise<Body> {
  if (body === null) return { text: '' }
  const size = Number(declared ?? '')
  if (size > maxBytes) {
    await body[Symbol.asyncIterator]().return?.()
    return { tooLarge: { declared: size, read: 0 } }
  }
  const chunks: Uint8Array[] = []
  let read = 0
  for await (const chunk of body) {
    read += chunk.byteLength
    // Leaving the loop closes the connection: the rest is neither read nor buffered.
    if (read > maxBytes) return { tooLarge: { declared: null, read } }
    chunks.push(chunk)
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)) }
}
