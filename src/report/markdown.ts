// Escaping and small markdown helpers for the report. Pure: no I/O, no @actions imports.
//
// Every string that comes from Datafold or the user goes through `escapeMarkdown` (or `cell`),
// which turns it into text that GitHub's markdown and the browser show as written and that cannot
// open anything: HTML, links, images, code, emphasis, a table cell, a heading or list, a math span,
// an HTML comment's end, an @-mention or an issue reference. Characters with a meaning are written
// as numeric HTML entities, not backslash escapes: entities work the same in a paragraph, in a
// table cell (where `\|` does not reliably), and inside raw HTML such as `<summary>`, where a
// backslash would show.
import { formatNumber, plural } from '../format.js'
import { oneLine, truncate } from '../text.js'

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '!': '&#33;',
  '#': '&#35;',
  $: '&#36;'
}

/** U+200D: breaks `@user` and `#123` for GitHub's mention and reference filters, invisibly. */
const ZERO_WIDTH_JOINER = '&#8205;'

const WORD = /[\p{L}\p{N}]/u
const DIGIT = /[0-9]/

/**
 * Text that `escapeMarkdown` and `cell` leave exactly as it is: ASCII letters, digits, spaces
 * (neither leading nor trailing) and a few inert signs, and `_` only between letters or digits
 * (`model_12`). Most column and table names are like this, and a report can hold hundreds of
 * thousands of them: this lets them skip the character-by-character pass.
 */
const PLAIN = /^(?! )(?:[A-Za-z0-9 ,;%'/?^{}]|(?<=[A-Za-z0-9])_(?=[A-Za-z0-9]))*(?<! )$/

/**
 * Text from outside (a table path, a column name, an error, the title) as inline markdown that
 * renders as the same text and cannot start any markdown or HTML construct. Line breaks become
 * spaces, so the result never ends a table row or a list item.
 */
export function escapeMarkdown(text: string): string {
  if (PLAIN.test(text)) return text
  const chars = Array.from(oneLine(text))
  let out = ''
  let leading = true
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? ''
    const prev = chars[i - 1] ?? ''
    const next = chars[i + 1] ?? ''
    if (leading && char === ' ') {
      // Leading spaces would indent a list item's first line into a code block.
      out += '&#32;'
      continue
    }
    const atStart = leading
    leading = false
    if (char === '_' && WORD.test(prev) && WORD.test(next)) {
      // Inside a word `_` can neither open nor close emphasis: keep `model_12` readable.
      out += char
    } else if (char === '@') {
      out += `@${ZERO_WIDTH_JOINER}`
    } else if (char === '#') {
      out += DIGIT.test(next) ? `&#35;${ZERO_WIDTH_JOINER}` : '&#35;'
    } else if (
      char === '-' &&
      DIGIT.test(next) &&
      /gh$/i.test(chars.slice(Math.max(0, i - 2), i).join(''))
    ) {
      out += `-${ZERO_WIDTH_JOINER}` // GH-123 is an issue reference too
    } else if (atStart && (char === '-' || char === '+' || char === '=')) {
      out += `&#${char.charCodeAt(0)};` // a list item, or a setext underline
    } else if (char === ':' && next === '/' && chars[i + 2] === '/') {
      out += '&#58;' // no bare-URL autolink
    } else if (
      char === '.' &&
      /(^|[^\p{L}\p{N}])www$/iu.test(chars.slice(Math.max(0, i - 4), i).join(''))
    ) {
      out += '&#46;' // no www. autolink
    } else if (
      char === '.' &&
      (next === '' || next === ' ') &&
      /^[0-9]{1,9}$/.test(chars.slice(0, i).join(''))
    ) {
      out += '&#46;' // `1.` at the very start would open an ordered list (`)` is always escaped)
    } else {
      out += ENTITIES[char] ?? char
    }
  }
  return out
}

/** Outside text for a table cell: one line, shortened to `max` characters, escaped. */
export function cell(text: string, max = 120): string {
  // Plain text is ASCII, so its length counts code points as `truncate` does.
  if (text.length <= max && PLAIN.test(text)) return text
  return escapeMarkdown(truncate(oneLine(text).trim(), max))
}

/**
 * A URL for a link destination, or null when it is not http(s). Characters that could end the
 * destination, the link or the table cell are percent-encoded.
 */
export function safeUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  return parsed.href.replace(
    /[()<>|\\`"'{}^\s]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
}

/** `[label](url)`, the label escaped; just the label when the URL is not http(s). */
export function link(label: string, url: string | null): string {
  return linkMarkdown(escapeMarkdown(label), url)
}

/** `[markdown](url)` for a label that is markdown already (escaped); the label alone when the URL
 * is not http(s). */
export function linkMarkdown(markdown: string, url: string | null): string {
  const href = url === null ? null : safeUrl(url)
  return href === null ? markdown : `[${markdown}](${href})`
}

/** A table row from cells that are already markdown (escaped). */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`
}

/** A table's header and delimiter row; `right` marks the columns aligned right. */
export function tableHeader(headers: readonly string[], right: readonly number[] = []): string {
  const delimiter = headers.map((_, i) => (right.includes(i) ? '--:' : '---'))
  return `${tableRow(headers)}\n${tableRow(delimiter)}`
}

/** A collapsed section. `summary` is escaped text (inline HTML is not markdown there). */
export function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`
}

/** `a, b, c`, escaped; past `limit` names, `and N more`; with a limit of 0, just the count. */
export function nameList(names: readonly string[], limit: number): string {
  if (limit <= 0) return plural(names.length, 'column')
  const shown = names.slice(0, limit)
  const rest = names.length - shown.length
  const list = shown.map((n) => cell(n)).join(', ')
  return rest > 0 ? `${list} and ${formatNumber(rest)} more` : list
}
