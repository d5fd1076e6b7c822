// Taking secrets out of text. The runner masks registered secrets in the log only. Comments, the
// job summary, outputs and report files are not masked, and Datafold may echo the key in an error
// text: everything the action writes passes through here first, and so does every answer from
// Datafold, before any of it is cut short, escaped or rendered.
export type Redact = (text: string) => string

// Shorter forms would mask ordinary words rather than a secret.
export const SHORTEST_SECRET = 4
const SHORTEST_BASE64 = 8
/** A piece this long of a secret, cut off at its start, still gives it away. */
export const RECOGNISABLE_PIECE = 6

/**
 * Replaces each secret with `***`: as written, as escaped for markdown, HTML, JSON or a URL
 * (`&#95;`, `\_`, `%5F`, `\u005f`), in base64, and a cut-off start of one (at least
 * RECOGNISABLE_PIECE characters, then `…`, `...` or the end of the text).
 */
export function createRedactor(secrets: string[]): Redact {
  const usable = [...new Set(secrets)].filter((secret) => secret.length >= SHORTEST_SECRET)
  if (usable.length === 0) return (text) => text
  const byLength = (a: string, b: string): number => b.length - a.length
  const plain = [
    ...usable,
    ...usable.flatMap(base64Forms).filter((form) => form.length >= SHORTEST_BASE64)
  ].sort(byLength)
  const cut = usable.filter((secret) => secret.length > RECOGNISABLE_PIECE).map(cutPiece)
  const escapedOrCut = new RegExp(
    [...usable.map((secret) => Array.from(secret).map(written).join(JOINER)), ...cut].join('|'),
    'g'
  )
  const cutAtTheEnd = cut.length === 0 ? null : new RegExp(cut.join('|'), 'g')
  const longest = usable.reduce((most, secret) => Math.max(most, secret.length), 0)
  return (text) => {
    const out = plain.reduce(
      (done, form) => (done.includes(form) ? done.replaceAll(form, '***') : done),
      text
    )
    // Most text (a large JSON answer, say) holds no escape and no cut: then only its last
    // characters can hold a piece of a secret, and the whole of it need not be searched.
    if (ESCAPE_OR_CUT.test(out)) return out.replace(escapedOrCut, '***')
    if (cutAtTheEnd === null || out.length === 0) return out
    const tail = out.slice(-longest)
    return `${out.slice(0, out.length - tail.length)}${tail.replace(cutAtTheEnd, '***')}`
  }
}

/** What an escaped or cut secret needs at least one of. */
const ESCAPE_OR_CUT = /[&\\%…]|\u200d|\.\.\./

/** Markdown escaping may put an invisible joiner after a character (`@`, `#1`, `gh-1`). */
const JOINER = '(?:\\u200d|&#0*8205;|&#[xX]0*200[dD];)?'

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos'
}

/** One character of a secret, as written or escaped in any of the ways text is escaped. */
function written(char: string): string {
  const code = char.codePointAt(0) ?? 0
  const hex = code.toString(16)
  const anyCaseHex = Array.from(hex.padStart(2, '0'))
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join('')
  const forms = [
    escapeRegExp(char),
    `&#0*${String(code)};`,
    `&#[xX]0*${anyCaseHex.replace(/^0+(?=.)/, '')};`,
    `\\\\u0*${anyCaseHex}`
  ]
  const named = NAMED_ENTITIES[char]
  if (named !== undefined) forms.push(`&${named};`)
  if (code < 0x80) forms.push(`%${anyCaseHex}`)
  if (/[!-/:-@[-`{-~]/.test(char)) forms.push(`\\\\${escapeRegExp(char)}`)
  return `(?:${forms.join('|')})`
}

/**
 * The start of a secret, RECOGNISABLE_PIECE characters or more, where text was cut: before `…`,
 * `...` or the end of the text, perhaps through an escape sequence.
 */
function cutPiece(secret: string): string {
  const chars = Array.from(secret).map(written)
  const head = chars.slice(0, RECOGNISABLE_PIECE).join(JOINER)
  const rest = chars
    .slice(RECOGNISABLE_PIECE, -1)
    .reduceRight((inner, char) => `(?:${JOINER}${char}${inner})?`, '')
  const halfEscape = '(?:&#?[xX]?[0-9a-fA-F]*|\\\\u?[0-9a-fA-F]*|%[0-9a-fA-F]?)?'
  return `${head}${rest}${halfEscape}(?=…|\\.\\.\\.|$)`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
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

/**
 * A value that may carry a credential, fit to echo in a message: the user information of a URL or
 * host (`KEY@host`, `user:KEY@host`, `https://user:KEY@host`), each query value (`?api_key=KEY`)
 * and the fragment are replaced with `***`. Known or not, they are secrets too.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/(^|\/\/)[^\s/?#@]*@/g, '$1***@')
    .replace(
      /\?[^\s#]*/g,
      (query) =>
        `?${query
          .slice(1)
          .split('&')
          .map((pair) => (pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=***` : '***'))
          .join('&')}`
    )
    .replace(/#\S*/g, '#***')
}
