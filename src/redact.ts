// Taking secrets out of text. The runner masks registered secrets in the log only. Comments, the
// job summary, outputs and report files are not masked, and Datafold may echo the key in an error
// text: everything the action writes passes through here first.
export type Redact = (text: string) => string

// Shorter forms would mask ordinary words rather than a secret.
const SHORTEST_SECRET = 4
const SHORTEST_BASE64 = 8

export function createRedactor(secrets: string[]): Redact {
  const forms = secrets
    .filter((secret) => secret.length >= SHORTEST_SECRET)
    .flatMap((secret) => [
      secret,
      ...base64Forms(secret).filter((form) => form.length >= SHORTEST_BASE64)
    ])
    .sort((a, b) => b.length - a.length)
  if (forms.length === 0) return (text) => text
  return (text) => forms.reduce((out, form) => out.replaceAll(form, '***'), text)
}

/**
 * What a secret looks like in base64: its own padded encoding, and, for each of the three byte
 * offsets it may start at inside a longer value (a Basic `user:token` header, say), the
 * characters that encode its bytes alone.
 */
export function base64Forms(secret: string): string[] {
  const alone = Buffer.from(secret).toString('base64')
  const embedded = [0, 1, 2].map((offset) => {
    const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(secret)])
    const whole = Math.floor(bytes.length / 3) * 4
    return bytes.toString('base64').slice(offset === 0 ? 0 : 4, whole)
  })
  return [...new Set([alone, ...embedded])]
}

/** Credentials written into a URL (`https://user:pass@host`) are secrets too, known or not. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/, '$1***@')
}
