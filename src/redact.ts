// Taking secrets out of text. The runner masks registered secrets in the log only. Comments, the
// job summary, outputs and report files are not masked, and Datafold may echo the key in an error
// text: everything the action writes passes through here first, and so does every answer from
// Datafold, before any of it is cut short, escaped or rendered. The run's one redactor learns the
// secrets it meets on the way (a data source's password) and takes them out from then on.
export type Redact = (text: string) => string

/** The run's redactor: it can be told of more secrets as the run finds them. */
export interface Redactor {
  (text: string): string
  /** From now on, these are taken out too. */
  learn(secrets: readonly string[]): void
}

// Shorter forms would mask ordinary words rather than a secret.
export const SHORTEST_SECRET = 4
const SHORTEST_BASE64 = 8
/** A piece this long of a secret, cut off at its start, still gives it away. */
export const RECOGNISABLE_PIECE = 6
/** Up to this many, each secret's forms are searched for: cheaper than decoding the text first. */
const FEW_SECRETS = 8

/**
 * Replaces each secret with `***`: as written, as escaped for markdown, HTML, JSON or a URL
 * (`&#95;`, `\_`, `%5F`, `\u005f`), in base64, and a cut-off start of one (at least
 * RECOGNISABLE_PIECE characters, then `…`, `...` or the end of the text).
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const known = new Set<string>()
  // Built again when first used after learning: secrets often come one by one.
  let redact: Redact | null = null
  const learn = (more: readonly string[]): void => {
    for (const secret of more) {
      if (secret.length < SHORTEST_SECRET || known.has(secret)) continue
      known.add(secret)
      redact = null
    }
  }
  learn(secrets)
  return Object.assign(
    (text: string) => {
      if (known.size === 0) return text
      redact ??= compile([...known])
      return redact(text)
    },
    { learn }
  )
}

/**
 * One search for every plain form at once (V8 scans for many literals in one pass); then, only
 * where an escape or a cut could hide one, the escaped and cut forms of each secret, or of more
 * than a few only those whose start a reader would see there: hundreds of secrets (every data
 * source's options) stay affordable.
 */
function compile(secrets: string[]): Redact {
  const byLength = (a: string, b: string): number => b.length - a.length
  const usable = [...secrets].sort(byLength)
  const alternatives = (texts: string[]): string =>
    [...new Set(texts)].sort(byLength).map(escapeRegExp).join('|')
  const plain = new RegExp(
    alternatives([
      ...usable,
      ...usable.flatMap(base64Forms).filter((form) => form.length >= SHORTEST_BASE64)
    ]),
    'g'
  )
  const head = (secret: string): string => secret.slice(0, RECOGNISABLE_PIECE)
  // At each place, the longest start found; a shorter one there is a start of it.
  const starts = new RegExp(`(?=(${alternatives(usable.map(head))}))`, 'g')
  /** The secrets whose start a reader sees in `text`. */
  const seenIn = (text: string): string[] => {
    const found = new Set<string>()
    for (const [, start = ''] of unescaped(text).matchAll(starts)) found.add(start)
    return usable.filter((secret) => [...found].some((start) => start.startsWith(head(secret))))
  }
  const forms = new Map<string, { escapedOrCut: RegExp; cut: RegExp | null }>()
  /** A secret's escaped or cut forms, and its cut forms alone; built when first needed. */
  const formsOf = (secret: string): { escapedOrCut: RegExp; cut: RegExp | null } => {
    const known = forms.get(secret)
    if (known) return known
    const cut = secret.length > RECOGNISABLE_PIECE ? cutPiece(secret) : null
    const whole = Array.from(secret).map(written).join(JOINER)
    const built = {
      escapedOrCut: new RegExp(cut === null ? whole : `${whole}|${cut}`, 'g'),
      cut: cut === null ? null : new RegExp(cut, 'g')
    }
    forms.set(secret, built)
    return built
  }
  const longest = usable.reduce((most, secret) => Math.max(most, secret.length), 0)
  return (text) => {
    const out = text.replace(plain, '***')
    // Most text (a large JSON answer, say) holds no escape and no cut: then only its last
    // characters can hold a piece of a secret, and the whole of it need not be searched.
    const escaped = ESCAPE_OR_CUT.test(out)
    const region = escaped ? out : out.slice(-longest)
    if (region === '') return out
    const candidates = usable.length <= FEW_SECRETS ? usable : seenIn(region)
    // One search per secret: a single alternation of many escaped forms is far slower.
    return candidates.reduce((done, secret) => {
      const { escapedOrCut, cut } = formsOf(secret)
      if (escaped) return done.replace(escapedOrCut, '***')
      if (cut === null) return done
      const tail = done.slice(-longest)
      return `${done.slice(0, done.length - tail.length)}${tail.replace(cut, '***')}`
    }, out)
  }
}

/**
 * Text as a reader sees it: entities, backslash, `\u` and percent escapes decoded, joiners gone.
 * Where a secret's start is seen here, its escaped and cut forms are searched for.
 */
export function unescaped(text: string): string {
  const char = (code: number): string => (code <= 0x10ffff ? String.fromCodePoint(code) : '')
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  if (!/[&\\%\u200d]/.test(text)) return text
  return text
    .replace(/\u200d|&#0*8205;|&#x0*200d;/gi, '')
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, hex: string) => char(parseInt(hex, 16)))
    .replace(/&#([0-9]{1,7});/g, (_, decimal: string) => char(Number(decimal)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => named[name] ?? '')
    .replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => char(parseInt(hex, 16)))
    .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => char(parseInt(hex, 16)))
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
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
