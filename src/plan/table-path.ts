// A table as the plan names it, `analytics.prod.orders`, read into the path segments Datafold
// takes. A double-quoted segment keeps its dots (`analytics."ops.v2".events`), and `""` inside
// one is a quote. Names are sent as written: no case folding. Pure.

export type TablePath = { ok: true; segments: string[] } | { ok: false; problem: string }

export function parseTablePath(text: string): TablePath {
  const segments: string[] = []
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
      segments.push(current)
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
  segments.push(current)
  return { ok: true, segments }
}

function problem(text: string): TablePath {
  return { ok: false, problem: `not a table path: ${text}` }
}
