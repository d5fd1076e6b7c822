// One manifest entry (a node, a disabled node, a macro) as the compact model of manifest.ts keeps
// it. The same code reads v7 to v12 and the v20 layout: where versions differ, it reads the newer
// place first and falls back to the older (config.meta then meta, attached_node then depends_on).
// Entries are JSON as dbt wrote it, so every field is checked before use; unknown ones are ignored.
// What is kept is what the planning reads, no more: a large project's manifests hold many thousand
// nodes and columns, so the empty lists and maps they mostly have are one shared, frozen value.
import { createHash } from 'node:crypto'
import { canonicalJson } from '../plan/canonical-json.js'
import { KEY_TESTS, PRIMARY_KEY_TAG } from './keys.js'
import type {
  DbtColumn,
  DbtConstraint,
  DbtMacro,
  DbtNode,
  DbtNodeState,
  DbtResourceType,
  DbtTest
} from './manifest.js'

type Raw = Record<string, unknown>

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const object = (value: unknown): Raw => (isObject(value) ? value : {})
const string = (value: unknown): string | null => (typeof value === 'string' ? value : null)
/** The one empty list and the one empty map every entry without any shares. */
const NONE = Object.freeze([]) as unknown as never[]
const NO_META: Record<string, unknown> = Object.freeze({})
const listOf = <T>(items: T[]): T[] => (items.length > 0 ? items : NONE)
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? listOf(value.filter((v): v is string => typeof v === 'string')) : NONE
/** dbt accepts a tag list or one tag as a string. */
const tagList = (value: unknown): string[] => (typeof value === 'string' ? [value] : strings(value))
const union = (...lists: string[][]): string[] => listOf([...new Set(lists.flat())])
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/**
 * Configs dbt's `state:modified` does not compare (`CompareBehavior.Exclude` on alias, schema,
 * database, tags and group), and meta, whose changes dbt's docs say never count. The first three
 * also differ per target in real projects (a snapshot's unrendered database/schema), which alone
 * must not make a model changed.
 */
const UNCOMPARED_CONFIGS = new Set(['alias', 'schema', 'database', 'tags', 'group', 'meta'])

const KEPT_TYPES = new Set(['model', 'seed', 'snapshot'])
const KEYED_MATERIALIZATIONS = new Set(['incremental', 'snapshot'])

/** What `state:modified` compares of a model, seed or snapshot, and its table; null for every other node. */
export function readNodeState(raw: unknown): DbtNodeState | null {
  if (!isObject(raw)) return null
  const resourceType = raw.resource_type
  if (typeof resourceType !== 'string' || !KEPT_TYPES.has(resourceType)) return null
  const config = object(raw.config)
  const name = string(raw.name) ?? ''
  return {
    uniqueId: string(raw.unique_id) ?? '',
    resourceType: resourceType as DbtResourceType,
    packageName: string(raw.package_name) ?? '',
    name,
    path: (string(raw.original_file_path) ?? '').replaceAll('\\', '/'),
    database: string(raw.database),
    schema: string(raw.schema) ?? '',
    alias: string(raw.alias) ?? name,
    relationName: string(raw.relation_name),
    quoting: quotingOf(object(config.quoting)),
    materialized: string(config.materialized) ?? resourceType,
    fqn: strings(raw.fqn).join('.'),
    bodyDigest:
      resourceType === 'seed'
        ? (string(object(raw.checksum).checksum) ?? '')
        : sha256(string(raw.raw_code) ?? ''),
    configDigest: canonicalJson(
      Object.fromEntries(
        Object.entries(object(raw.unrendered_config)).filter(([k]) => !UNCOMPARED_CONFIGS.has(k))
      )
    ),
    persistedDocsDigest: persistedDocsDigest(raw, object(config.persist_docs)),
    refDigest: canonicalJson({
      version: raw.version ?? null,
      latest_version: raw.latest_version ?? null,
      access: raw.access ?? null,
      deprecation_date: raw.deprecation_date ?? null
    })
  }
}

/** A model, seed or snapshot of the PR build, whole; null for every other node. */
export function readNode(raw: unknown): DbtNode | null {
  const state = readNodeState(raw)
  if (state === null || !isObject(raw)) return null
  const config = object(raw.config)
  const dependsOn = object(raw.depends_on)
  return Object.assign(state, {
    tags: union(tagList(config.tags), tagList(raw.tags)),
    dependsOnNodes: strings(dependsOn.nodes),
    dependsOnMacros: strings(dependsOn.macros),
    meta: metaOf(config, raw),
    columns: listOf(
      Object.entries(object(raw.columns)).map(([key, column]) => readColumn(key, column))
    ),
    constraints: Array.isArray(raw.constraints)
      ? listOf(raw.constraints.map(readConstraint))
      : NONE,
    primaryKey: Array.isArray(raw.primary_key) ? strings(raw.primary_key) : null,
    uniqueKey: KEYED_MATERIALIZATIONS.has(state.materialized) ? keyList(config.unique_key) : null
  })
}

/** A generic test that can make a key (see keys.ts); null for other tests and every other node. */
export function readTest(raw: unknown, enabled: boolean): DbtTest | null {
  if (!isObject(raw) || raw.resource_type !== 'test' || !isObject(raw.test_metadata)) return null
  const metadata = raw.test_metadata
  if (!KEY_TESTS.has(string(metadata.name) ?? '')) return null
  const kwargs = object(metadata.kwargs)
  const column = string(kwargs.column_name) ?? string(raw.column_name)
  const where = object(raw.config).where
  return {
    uniqueId: string(raw.unique_id) ?? '',
    name: string(metadata.name) ?? '',
    namespace: string(metadata.namespace),
    attachedNode:
      string(raw.attached_node) ??
      strings(object(raw.depends_on).nodes).find((id) => KEPT_TYPES.has(id.split('.')[0] ?? '')) ??
      null,
    columns: column !== null ? [column] : strings(kwargs.combination_of_columns),
    hasWhere: typeof where === 'string' && where.trim() !== '',
    enabled
  }
}

export function readMacro(raw: unknown): DbtMacro | null {
  if (!isObject(raw)) return null
  return {
    uniqueId: string(raw.unique_id) ?? '',
    digest: sha256(string(raw.macro_sql) ?? ''),
    dependsOnMacros: strings(object(raw.depends_on).macros)
  }
}

/** `config.meta` (the only place in the v20 layout), else the node's or column's own `meta`. */
function metaOf(config: Raw, raw: Raw): Record<string, unknown> {
  const fromConfig = object(config.meta)
  const meta = Object.keys(fromConfig).length ? fromConfig : object(raw.meta)
  return Object.keys(meta).length ? meta : NO_META
}

function readColumn(key: string, raw: unknown): DbtColumn {
  const column = object(raw)
  const config = object(column.config)
  const marked = metaOf(config, column)[PRIMARY_KEY_TAG]
  return {
    name: string(column.name) ?? key,
    meta: marked === undefined ? NO_META : { [PRIMARY_KEY_TAG]: marked },
    tags: union(tagList(config.tags), tagList(column.tags)),
    constraints: Array.isArray(column.constraints)
      ? listOf(column.constraints.map(readConstraint))
      : NONE,
    quote: column.quote === true
  }
}

function readConstraint(raw: unknown): DbtConstraint {
  const constraint = object(raw)
  return { type: string(constraint.type) ?? '', columns: strings(constraint.columns) }
}

/** `unique_key` is one column (or expression) or a list of them. */
function keyList(value: unknown): string[] | null {
  const list = typeof value === 'string' ? [value] : strings(value)
  const key = list.map((k) => k.trim()).filter(Boolean)
  return key.length ? key : null
}

function quotingOf(quoting: Raw): DbtNodeState['quoting'] {
  const parts = ['database', 'schema', 'identifier'] as const
  const set = parts.filter((p) => typeof quoting[p] === 'boolean')
  return set.length ? Object.fromEntries(set.map((p) => [p, quoting[p]])) : NO_META
}

/**
 * What `persist_docs` writes to the warehouse: the description (`relation`) and the columns'
 * descriptions (`columns`). dbt's state:modified compares them only when persisted; '' otherwise.
 */
function persistedDocsDigest(raw: Raw, persistDocs: Raw): string {
  const relation = persistDocs.relation === true
  const columns = persistDocs.columns === true
  if (!relation && !columns) return ''
  const described = Object.entries(object(raw.columns)).map(([key, column]): [string, string] => [
    key,
    string(object(column).description) ?? ''
  ])
  return sha256(
    canonicalJson({
      relation: relation ? (string(raw.description) ?? '') : null,
      columns: columns ? Object.fromEntries(described) : null
    })
  )
}
