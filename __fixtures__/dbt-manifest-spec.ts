// The short project description dbt-manifest-build.ts turns into a manifest, and the targets a
// project is built for: production (`analytics.core`) or a PR build (`analytics.dbt_pr_482`).
import { createHash } from 'node:crypto'

/** A manifest, or one of its entries, as JSON. */
export type Json = Record<string, unknown>

export type ManifestVersion = 7 | 8 | 9 | 10 | 11 | 12 | 20
export const MANIFEST_VERSIONS: ManifestVersion[] = [7, 8, 9, 10, 11, 12, 20]

/** A generic test on a column (or, for ucoc, on the model). */
export interface TestSpec {
  name: 'unique' | 'not_null' | 'accepted_values' | 'unique_combination_of_columns'
  /** For unique_combination_of_columns. */
  columns?: string[]
  where?: string
  enabled?: boolean
}

export interface ColumnSpec {
  name: string
  description?: string
  dataType?: string
  tests?: (TestSpec | TestSpec['name'])[]
  tags?: string[]
  meta?: Record<string, unknown>
  /** Column-level constraint types (v9 and later): `primary_key`, `not_null`, … */
  constraints?: string[]
  quote?: boolean
}

export interface ModelSpec {
  name: string
  /** model (default), seed or snapshot. */
  type?: 'model' | 'seed' | 'snapshot'
  sql?: string
  /** table (default for models), view, incremental, ephemeral, … */
  materialized?: string
  /** More configs as written in the project (unique_key, persist_docs, on_schema_change, …). */
  config?: Record<string, unknown>
  meta?: Record<string, unknown>
  tags?: string[]
  description?: string
  columns?: ColumnSpec[]
  /** Model-level tests: unique_combination_of_columns. */
  tests?: TestSpec[]
  /** Model-level constraints (v9 and later). */
  constraints?: { type: string; columns: string[] }[]
  /** Names of the models, seeds and snapshots it refs. */
  refs?: string[]
  /** Macro names it calls (of the project). */
  macros?: string[]
  /** Folder under models/ (default `marts`). */
  folder?: string
  /** Another package's model (installed package). */
  packageName?: string
  /** A configured alias, the relation's name instead of the model's. */
  alias?: string
}

export interface MacroSpec {
  name: string
  sql: string
  macros?: string[]
}

export interface ProjectSpec {
  name: string
  models: ModelSpec[]
  macros?: MacroSpec[]
}

export interface Target {
  database: string
  schema: string
  adapter?: 'postgres' | 'snowflake' | 'bigquery'
}

export const PROD: Target = { database: 'analytics', schema: 'core' }
export const PR: Target = { database: 'analytics', schema: 'dbt_pr_482' }

export interface BuildOptions {
  version: ManifestVersion
  target: Target
  /** `metadata.dbt_version`; a release of the version's dbt by default. */
  dbtVersion?: string
  /** Windows build: backslashes in original_file_path. */
  windows?: boolean
}

/** A release of dbt writing each schema version; v12 at 1.10 (column config, primary_key). */
export const DBT_VERSIONS: Record<ManifestVersion, string> = {
  7: '1.3.4',
  8: '1.4.5',
  9: '1.5.11',
  10: '1.6.18',
  11: '1.7.19',
  12: '1.10.5',
  20: '2.0.0-preview.45'
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** dbt's `[major, minor]` of a version string such as `1.10.5` (v20 previews count as 2.0). */
function dbtMinor(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10))
  return [major, minor]
}

/** True when the dbt writing the manifest is at least `major.minor`. */
export function dbtAtLeast(options: BuildOptions, major: number, minor: number): boolean {
  const [a, b] = dbtMinor(options.dbtVersion ?? DBT_VERSIONS[options.version])
  return a > major || (a === major && b >= minor)
}

export function relationName(target: Target, schema: string, alias: string): string {
  if (target.adapter === 'snowflake') return `${target.database}.${schema}.${alias}`
  if (target.adapter === 'bigquery') return `\`${target.database}\`.\`${schema}\`.\`${alias}\``
  return `"${target.database}"."${schema}"."${alias}"`
}

/** The unique_id of a project's model, seed or snapshot. */
export function nodeId(project: string, spec: Pick<ModelSpec, 'name' | 'type' | 'packageName'>) {
  return `${spec.type ?? 'model'}.${spec.packageName ?? project}.${spec.name}`
}

export { sha256 }
