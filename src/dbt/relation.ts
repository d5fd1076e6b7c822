// Where a model lives in one build, as Datafold takes a table path, and its columns named as the
// warehouse stores them. An adapter that folds identifiers written without quotes is one line of
// UNQUOTED; the others are sent as written. Pure.
import type { DbtNode, DbtNodeState } from './manifest.js'

/**
 * How the warehouse stores a name written without quotes. Snowflake upper-cases it, and
 * Datafold's own dbt integration sends such names upper-case.
 */
const UNQUOTED: ReadonlyMap<string, (name: string) => string> = new Map([
  ['snowflake', (name: string) => name.toUpperCase()]
])

/** [database, schema, alias] of the node's build; no database where the adapter has none. */
export function tablePath(node: DbtNodeState, adapter: string | null): string[] {
  const parts = [
    { name: node.database, quoting: node.quoting.database },
    { name: node.schema, quoting: node.quoting.schema },
    { name: node.alias, quoting: node.quoting.identifier }
  ].flatMap((part) => (part.name === null ? [] : [{ ...part, name: part.name }]))
  // relation_name shows how the build quoted each part: `ANALYTICS."Prod".orders`.
  const shown = node.relationName === null ? [] : quotedParts(node.relationName)
  const fold = adapter === null ? undefined : UNQUOTED.get(adapter)
  return parts.map(({ name, quoting }, i) => {
    const quoted = shown.length === parts.length ? shown[i] : quoting === true
    return fold && !quoted ? fold(name) : name
  })
}

/** The columns as the warehouse stores them: a column with `quote: true` keeps its case. */
export function columnNames(node: DbtNode, columns: string[], adapter: string | null): string[] {
  const fold = adapter === null ? undefined : UNQUOTED.get(adapter)
  if (!fold) return columns
  const quoted = new Set(node.columns.filter((c) => c.quote).map((c) => c.name))
  return columns.map((column) => (quoted.has(column) ? column : fold(column)))
}

/** For each dot-separated part of a relation name, whether it is in double quotes. */
function quotedParts(relationName: string): boolean[] {
  return [...relationName.matchAll(/"(?:[^"]|"")*"|[^."]+/g)].map(([part]) => part.startsWith('"'))
}
