// The names a plan writes, read as SQL writes them: a table as the plan names it,
// `analytics.prod.orders`, into the path segments Datafold takes, and a column. A name in double
// quotes is quoted: it keeps its dots (`analytics."ops.v2".events`) and its letter case on every
// warehouse, and `""` inside it is a quote; a name without quotes is stored in the warehouse's case
// for such names (letter-case.ts). Pure.

/** A name as written: its text, and whether it was in double quotes. */
export interface WrittenName {
  name: string
  quoted: boolean
}

export type TablePath =
  { ok: true; segments: string[]; quoted: boolean[] } | { ok: false; problem: string }

export function parseTablePath(text: string): TablePath {
  const names: WrittenName[] = []
  let current = ''
  let quoted = false
  let wasQuoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i)
    if (quoted) {
      if (char !== '"') current += char
      else if (text.charAt(i + 1) === '"') {
        current += '"'
        i++
      } else quoted = false
    } else if (char === '"') {
      if (current !== '') return problem(`a quote may only start a segment (at "${current}")`)
      quoted = true
      wasQuoted = true
    } else if (char === '.') {
      if (current === '' && !wasQuoted)
        return problem('a segment is empty (two dots, or a dot at an end)')
      names.push({ name: current, quoted: wasQuoted })
      current = ''
      wasQuoted = false
    } else {
      if (wasQuoted) return problem('text follows a closing quote; end the segment with a dot')
      current += char
    }
  }
  if (quoted) return problem('a quote is not closed')
  if (current === '' && !wasQuoted)
    return problem('a segment is empty (two dots, or a dot at an end)')
  names.push({ name: current, quoted: wasQuoted })
  return { ok: true, segments: names.map((n) => n.name), quoted: names.map((n) => n.quoted) }
}

/** One name (a column, or a segment of a table given as a list): quoted when the whole of it is
 * in double quotes, `"Order ID"`; else as written, dots and all. */
export function parseName(text: string): WrittenName {
  const quoted = /^"((?:[^"]|"")*)"$/.exec(text)
  return quoted
    ? { name: (quoted[1] ?? '').replaceAll('""', '"'), quoted: true }
    : { name: text, quoted: false }
}

function problem(text: string): TablePath {
  return { ok: false, problem: `not a table path: ${text}` }
}
