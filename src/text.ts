// Plain-text helpers shared by every step: one line, a bounded length, an error's reason, a failure
// told in the user's words.
// Pure: no I/O, no @actions imports.

/** LF, CR, VT, FF, NEL, and the Unicode line and paragraph separators. */
function isLineBreak(code: number): boolean {
  return (
    code === 0x0a ||
    code === 0x0d ||
    code === 0x0b ||
    code === 0x0c ||
    code === 0x85 ||
    code === 0x2028 ||
    code === 0x2029
  )
}

/** The other C0 and C1 controls (tab aside), and bidi overrides and isolates. */
function isUnsafeControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) ||
    (code >= 0x7f && code < 0xa0) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  )
}

/** One line: every line break becomes a space, tabs too; other controls become U+FFFD. */
export function oneLine(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (isLineBreak(code) || code === 0x09) out += ' '
    else if (isUnsafeControl(code)) out += '\uFFFD'
    else out += char
  }
  return out
}

/** At most `max` characters (code points, never half a surrogate pair), ending in `…` if cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const chars = Array.from(text)
  if (chars.length <= max) return text
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

/** A failure told whole in the user's words (what went wrong, what to do): the step fails with
 * its message alone, without a stack. Bad inputs, and dbt Cloud mode's errors, are these. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StepFailure'
  }
}

/** What an error says, for a log line or a warning. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** One line with each run of white space squeezed to one space, at most `max` characters: a
 * quote from an answer's body or an error, short enough for a message. */
export function excerpt(text: string, max: number): string {
  return truncate(oneLine(text).replace(/\s+/g, ' ').trim(), max)
}
