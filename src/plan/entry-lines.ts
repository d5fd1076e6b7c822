// Where each entry of a plan file starts: the line a check run's annotation points at when the
// entry's diff breaches. Read from the YAML document's node ranges, so comments, blank lines, flow
// style (`- {name: a}`) and anchors all count as written. Pure.
import { isSeq, type Document, type LineCounter } from 'yaml'

/** The line (from 1) of each item of the top-level `diffs` list, in order; [] when there is none. */
export function entryLines(document: Document, lineCounter: LineCounter): number[] {
  const diffs = document.get('diffs', true)
  if (!isSeq(diffs)) return []
  return diffs.items.map((item) => {
    const start = (item as { range?: [number, number, number] | null }).range?.[0]
    return start === undefined ? 1 : lineCounter.linePos(start).line
  })
}
