// What a diff compared, written compactly for the main table: the part of the two names they
// share once, the part that differs as `A → B`, and long identifiers given places to wrap.
import type { DiffTarget } from '../diff.js'
import { cell } from './markdown.js'

/**
 * Two names split at their common trailing part: `db.analytics.orders` / `db.pr_42.orders` share
 * `orders` (`common`) and differ in `analytics` / `pr_42` (`differs`, A's then B's, without the
 * leading parts both share; null when the names are the same). `common` is null when even the
 * last parts differ.
 */
export type SplitNames =
  | { common: string; differs: readonly [string, string] | null }
  | { common: null; differs: readonly [string, string] }

/** Null when Datafold did not tell either name. */
export function splitNames(target: DiffTarget): SplitNames | null {
  const { datasetA, datasetB } = target
  if (datasetA === null && datasetB === null) return null
  const a = (datasetA ?? '?').split('.')
  const b = (datasetB ?? '?').split('.')
  let shared = 0
  while (shared < Math.min(a.length, b.length) && a.at(-1 - shared) === b.at(-1 - shared)) {
    shared += 1
  }
  if (shared === 0) return { common: null, differs: [a.join('.'), b.join('.')] }
  // The leading parts both share (the database, most often) go too, as long as each side keeps one.
  let leading = 0
  while (leading < Math.min(a.length, b.length) - shared - 1 && a[leading] === b[leading]) {
    leading += 1
  }
  const differs = [
    a.slice(leading, a.length - shared).join('.'),
    b.slice(leading, b.length - shared).join('.')
  ] as const
  const common = a.slice(a.length - shared).join('.')
  return shared === a.length && shared === b.length
    ? { common, differs: null }
    : { common, differs }
}

/**
 * The differing part every row shares, to be said once above the table; null when the rows
 * differ in different ways, or when a row has no common part to show alone.
 */
export function sharedDifference(
  splits: readonly (SplitNames | null)[]
): readonly [string, string] | null {
  let shared: readonly [string, string] | null = null
  for (const split of splits) {
    if (!split || split.differs === null) continue
    const [a, b] = split.differs
    if (split.common === null || a === '' || b === '') return null
    if (shared === null) shared = split.differs
    else if (shared[0] !== a || shared[1] !== b) return null
  }
  return shared
}

/** How many characters of a name a table cell shows. */
const NAME_MAX = 100
const PART_MAX = 60

/**
 * The name as the table shows it, escaped: the common part, and what differs (`a → b`) unless it
 * is said above the table; both names in full when they share no trailing part.
 */
export function shownName(
  split: SplitNames | null,
  differenceShown: boolean
): { name: string; difference: string | null } {
  if (split === null) return { name: 'unknown', difference: null }
  const part = (text: string, max = PART_MAX) => wrappable(cell(text, max))
  if (split.common === null) {
    const [a, b] = split.differs
    return { name: `${part(a, NAME_MAX)} → ${part(b, NAME_MAX)}`, difference: null }
  }
  const name = wrappable(cell(split.common, NAME_MAX))
  if (split.differs === null || differenceShown) return { name, difference: null }
  return { name, difference: `${part(split.differs[0])} → ${part(split.differs[1])}` }
}

/** `<code>analytics</code> → <code>pr_42</code>`, said once in the table's header. */
export function sharedDifferenceLine([a, b]: readonly [string, string]): string {
  const code = (part: string) => `<code>${wrappable(cell(part, PART_MAX))}</code>`
  return `${code(a)} → ${code(b)}`
}

/** A run of letters and digits longer than this gets a place to wrap. */
const LONGEST_RUN = 20

/**
 * Escaped text with `<wbr>` after each `_` and `.` and inside long runs of letters and digits,
 * so that a long identifier can wrap in a narrow column. Tags go only between whole characters
 * or entities of the escaped text, never inside an entity; a sanitiser that drops `<wbr>`
 * leaves the text as it was.
 */
export function wrappable(escaped: string): string {
  const tokens = escaped.match(/&#?[A-Za-z0-9]+;|[\s\S]/gu) ?? []
  let out = ''
  let run = 0
  tokens.forEach((token, i) => {
    out += token
    const last = i === tokens.length - 1
    if (/^[A-Za-z0-9]$/.test(token)) run += 1
    else run = 0
    if (last) return
    if (['_', '.', '&#95;', '&#46;'].includes(token) || run >= LONGEST_RUN) {
      out += '<wbr>'
      run = 0
    }
  })
  return out
}
