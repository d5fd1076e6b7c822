// Where a model lives in one build, as Datafold takes a table path, and its columns named as the
// warehouse stores them (letter-case.ts: the adapter's rule for names dbt does not quote). Pure.
import { storedName } from '../letter-case.js'
import type { DbtNode, DbtNodeState } from './manifest.js'

/** [database, schema, alias] of the node's build; no database where the adapter has none. */
export function tablePath(node: DbtNodeState, adapter: string | null): string[] {
  const parts = [
    { name: node.database, quoting: node.quoting.database },
    { name: node.schema, quoting: node.quoting.schema },
    { name: node.alias, quoting: node.quoting.identifier }
  ].flatMap((part) => (part.name === null ? [] : [{ ...part, name: part.name }]))
  // relation_name shows how the build quoted each part: `ANALYTICS."Prod".orders`.
  const shown = node.relationName === null ? [] : quotedParts(node.relationName)
  return parts.map(({ name, quoting }, i) =>
    storedName(name, shown.length === parts.length ? shown[i] === true : quoting === true, adapter)
  )
}

/** The columns as the warehouse stores them: a column with `quote: true` keeps its case. */
export function columnNames(node: DbtNode, columns: string[], adapter: string | null): string[] {
  const quoted = new Set(node.columns.filter((c) => c.quote).map((c) => c.name))
  return columns.map((column) => storedName(column, quoted.has(column), adapter))
}

/** For each dot-separated part of a relation name, whether it is in double quotes. */
function quotedParts(relationName: string): boolean[] {
  return [...relationName.matchAll(/"(?:[^"]|"")*"|[^."]+/g)].map(([part]) => part.startsWith('"'))
}
