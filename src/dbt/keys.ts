// A dbt model's key, the first found in this order: Datafold's documented `primary-key` markers,
// dbt's own `primary_key`, a primary_key constraint, columns with unique tests, and an incremental
// model's or snapshot's `unique_key`. Read from the PR build's manifest. Pure.
//
// Datafold's forms (docs.datafold.com/deployment-testing/configuration/primary-key, and the
// Classic page …/classic/deployment-testing/configuration/primary-key, which gives the order
// model meta, column meta, column tags):
//   model meta    `meta: {primary-key: [order_no, order_line]}` (a list; one name also taken)
//   column meta   `columns: [{name: user_id, meta: {primary-key: true}}]`
//   column tags   `columns: [{name: user_id, tags: [primary-key]}]`
import type { DbtNode, DbtTest } from './manifest.js'

/** Datafold's default primary key tag. */
export const PRIMARY_KEY_TAG = 'primary-key'

/** The generic tests a key is read from; the manifest's reader keeps no other. */
export const KEY_TESTS: ReadonlySet<string> = new Set([
  'unique',
  'not_null',
  'unique_combination_of_columns'
])

export interface ModelKey {
  columns: string[]
  /** In words: `dbt primary_key`, `unique test on id`. */
  from: string
}

/** How to declare a key, for a model that has none. */
export const NO_KEY_HINT = `tag its key column ${PRIMARY_KEY_TAG} in the model's YAML, or give it a unique test`

/**
 * The model's key; null when it has none. `tests` are the manifest's generic tests. A meta
 * `primary-key` that is not a name or a list of names is reported and skipped.
 */
export function modelKey(
  node: DbtNode,
  tests: DbtTest[],
  report: (field: string, problem: string) => void
): ModelKey | null {
  const declared = node.meta[PRIMARY_KEY_TAG]
  if (declared !== undefined) {
    const columns = typeof declared === 'string' ? [declared] : declared
    if (isNameList(columns)) return { columns, from: `${PRIMARY_KEY_TAG} in the model's meta` }
    report(`meta.${PRIMARY_KEY_TAG}`, 'expected a column name or a list of them')
  }
  const marked = (from: string, test: (c: DbtNode['columns'][number]) => boolean) => {
    const columns = node.columns.filter(test).map((c) => c.name)
    return columns.length > 0 ? { columns, from } : null
  }
  return (
    marked(`${PRIMARY_KEY_TAG}: true in column meta`, (c) => c.meta[PRIMARY_KEY_TAG] === true) ??
    marked(`${PRIMARY_KEY_TAG} column tag`, (c) => c.tags.includes(PRIMARY_KEY_TAG)) ??
    (node.primaryKey !== null && node.primaryKey.length > 0
      ? { columns: node.primaryKey, from: 'dbt primary_key' }
      : null) ??
    constraintKey(node) ??
    testKey(node, tests) ??
    (node.uniqueKey !== null && isNameList(node.uniqueKey) && node.uniqueKey.every(isColumn)
      ? { columns: node.uniqueKey, from: 'unique_key config' }
      : null)
  )
}

/** A model-level primary_key constraint, then a column-level one. */
function constraintKey(node: DbtNode): ModelKey | null {
  const model = node.constraints.find((c) => c.type === 'primary_key' && c.columns.length > 0)
  if (model) return { columns: model.columns, from: 'primary_key constraint' }
  const columns = node.columns
    .filter((c) => c.constraints.some((constraint) => constraint.type === 'primary_key'))
    .map((c) => c.name)
  return columns.length > 0 ? { columns, from: 'primary_key constraint' } : null
}

/**
 * A column with a unique test, one that is also not_null first; then a
 * unique_combination_of_columns test. Tests with a `where` check only some rows: not a key.
 */
function testKey(node: DbtNode, tests: DbtTest[]): ModelKey | null {
  const own = tests.filter((t) => t.enabled && !t.hasWhere && t.attachedNode === node.uniqueId)
  const tested = (name: string) =>
    own.filter((t) => t.name === name && t.columns.length > 0 && t.columns.every(isColumn))
  const notNull = new Set(tested('not_null').flatMap((t) => t.columns))
  const unique = byColumnOrder(
    node,
    tested('unique').flatMap((t) => (t.columns.length === 1 ? t.columns : []))
  )
  const strict = unique.find((column) => notNull.has(column))
  if (strict !== undefined) return { columns: [strict], from: 'unique and not_null tests' }
  if (unique[0] !== undefined) return { columns: [unique[0]], from: 'unique test' }
  const combination = tested('unique_combination_of_columns')[0]
  return combination
    ? { columns: combination.columns, from: 'unique_combination_of_columns test' }
    : null
}

/** The model's documented columns first, in its order; then the others by name. */
function byColumnOrder(node: DbtNode, columns: string[]): string[] {
  const order = new Map(node.columns.map((c, i) => [c.name, i]))
  const rank = (column: string) => order.get(column) ?? order.size
  return [...new Set(columns)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
}

function isNameList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && item !== '')
  )
}

/**
 * A column name, not an expression: a unique test may check `col1 || col2` and a unique_key may
 * be `id || '-' || day`, which Datafold cannot take as key columns.
 */
function isColumn(name: string): boolean {
  return /^(?:"[^"]+"|`[^`]+`|[\p{L}_][\p{L}\p{N}_$]*)$/u.test(name)
}
