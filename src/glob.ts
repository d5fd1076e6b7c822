// The one glob matcher: dbt rules' `name` and `path` globs and `ignore-columns` patterns. Both come
// from the PR's own files, so a pattern must never cost more than the text times the pattern: the
// glob is compiled to a small automaton (one state per piece) and every state is followed at once
// over the text, with no backtracking, however many stars it has. Small enough that no glob
// library joins the bundle. Pure.

export interface GlobSyntax {
  /**
   * Paths: `*` and `?` stay within a folder, `**` crosses folders (`**\/` also matches no folder
   * at all). Otherwise `*` matches any run of characters and `?` is itself.
   */
  folders: boolean
  /** Matching ignores case (column names). */
  ignoreCase: boolean
}

/**
 * One piece of a glob: a character, one character (`?`), any run (`*`, `**`: a loop that may also
 * be skipped), or the start of an optional group (`**\/`) that may be skipped to `to`.
 */
type State =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'loop'; crossesFolders: boolean }
  | { kind: 'optional'; to: number }

/** Whether `text` matches the whole of `glob`, in time proportional to text × glob. */
export function globMatcher(glob: string, syntax: GlobSyntax): (text: string) => boolean {
  const fold = (text: string): string => (syntax.ignoreCase ? text.toLowerCase() : text)
  const states = compile(Array.from(fold(glob)), syntax.folders)
  return (text) => run(states, Array.from(fold(text)))
}

function compile(chars: string[], folders: boolean): State[] {
  const states: State[] = []
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? ''
    if (char === '*' && folders && chars[i + 1] === '*') {
      if (chars[i + 2] === '/') {
        // `**/`: no folder at all, or any run ending in a slash: `(?:.*\/)?`.
        states.push({ kind: 'optional', to: states.length + 3 })
        states.push({ kind: 'loop', crossesFolders: true }, { kind: 'char', char: '/' })
        i += 2
      } else {
        states.push({ kind: 'loop', crossesFolders: true })
        i += 1
      }
    } else if (char === '*') {
      // A run of stars is one loop: `***` means what `*` means.
      const last = states.at(-1)
      if (last?.kind !== 'loop') states.push({ kind: 'loop', crossesFolders: !folders })
    } else if (char === '?' && folders) states.push({ kind: 'one' })
    else states.push({ kind: 'char', char })
  }
  return states
}

/** Follows every state at once; the text matches when the end is reached at its end. */
function run(states: State[], text: string[]): boolean {
  const end = states.length
  let active = closure(states, [0])
  for (const char of text) {
    const next: number[] = []
    for (const at of active) {
      const state = states[at]
      if (state === undefined) continue
      if (consumes(state, char)) next.push(state.kind === 'loop' ? at : at + 1)
    }
    if (next.length === 0) return false
    active = closure(states, next)
  }
  return active.includes(end)
}

function consumes(state: State, char: string): boolean {
  switch (state.kind) {
    case 'char':
      return state.char === char
    case 'one':
      return char !== '/'
    case 'loop':
      return state.crossesFolders || char !== '/'
    case 'optional':
      return false
  }
}

/** The states reached from `from` without reading a character, each once, in order. */
function closure(states: State[], from: number[]): number[] {
  const reached = new Uint8Array(states.length + 1)
  for (const at of from) reached[at] = 1
  // Every such step goes forward, so one pass in order reaches them all.
  for (let at = 0; at < states.length; at++) {
    if (reached[at] === 0) continue
    const state = states[at]
    if (state?.kind === 'loop' || state?.kind === 'optional') reached[at + 1] = 1
    if (state?.kind === 'optional') reached[state.to] = 1
  }
  const active: number[] = []
  reached.forEach((on, at) => {
    if (on === 1) active.push(at)
  })
  return active
}
