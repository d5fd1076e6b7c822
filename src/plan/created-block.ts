// What the action created, kept in a hidden, versioned block of its own report comment so a re-run
// for the same commit reuses those diffs and a new commit's run can cancel the old ones:
// `<!-- datafold-diff-gate:created v1 {"diffs":[{"entry":…,"fingerprint":…,"sha":…,"id":12}]} -->`.
// Only the action writes it (the comment is found by its marker and its author). Pure.

export interface CreatedDiff {
  /** The plan entry's name. */
  entry: string
  /** The exact request's fingerprint (request.ts). */
  fingerprint: string
  /** The commit the diff was created for. */
  sha: string
  id: number
}

const BLOCK = /<!-- datafold-diff-gate:created v1 (\{[^\n]*?\}) -->/

export function createdBlock(diffs: CreatedDiff[]): string {
  // `<` and `>` escaped: nothing inside can end the HTML comment early.
  const json = JSON.stringify({ diffs }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')
  return `<!-- datafold-diff-gate:created v1 ${json} -->`
}

/** The block's diffs in a comment body; [] when there is none or it does not read. */
export function readCreatedBlock(body: string | null | undefined): CreatedDiff[] {
  const match = BLOCK.exec(body ?? '')
  if (!match?.[1]) return []
  let value: unknown
  try {
    value = JSON.parse(match[1])
  } catch {
    return []
  }
  const diffs = (value as { diffs?: unknown } | null)?.diffs
  return Array.isArray(diffs) ? diffs.filter(isCreatedDiff) : []
}

function isCreatedDiff(value: unknown): value is CreatedDiff {
  if (typeof value !== 'object' || value === null) return false
  const { entry, fingerprint, sha, id } = value as Record<string, unknown>
  return (
    typeof entry === 'string' &&
    typeof fingerprint === 'string' &&
    typeof sha === 'string' &&
    typeof id === 'number' &&
    Number.isSafeInteger(id) &&
    id > 0
  )
}
