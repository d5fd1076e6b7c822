// The key a misspelt plan key was probably meant to be: an unknown key is most often a typo of a
// threshold (`max-row-changed`), and naming the right one saves a round trip. Pure.

/** The closest of `keys` within a few edits, or null. */
export function suggestKey(key: string, keys: readonly string[]): string | null {
  let best: { key: string; distance: number } | null = null
  for (const candidate of keys) {
    const distance = editDistance(key.toLowerCase().replace(/_/g, '-'), candidate)
    if (best === null || distance < best.distance) best = { key: candidate, distance }
  }
  return best !== null && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : null
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
