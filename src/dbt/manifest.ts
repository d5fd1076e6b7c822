// A dbt manifest as dbt mode reads it: only what decides which models changed, where each lives,
// what its key is and how it is to be compared. read-manifest.ts builds it from manifest.json
// (schema v7 to v12, and the v20 layout), keeping digests instead of code so a 100 MB manifest
// costs little memory; the planning modules read nothing else. Production's manifest is only
// compared against, so of it dbt mode keeps less: each node's state. Types only.

/** Production's manifest, as read: what the PR build is compared with. */
export interface DbtManifestState {
  /** The path given, for messages. */
  file: string
  /** N of `…/manifest/vN.json`: 7 to 12, or 20. */
  schemaVersion: number
  /** `metadata.dbt_version` as written (`1.9.2`, `2025.4.15+7a72e82`). */
  dbtVersion: string
  /** `metadata.adapter_type` (`snowflake`, `bigquery`, …); null when absent. */
  adapterType: string | null
  /** The root project's name (`metadata.project_name`, v10 and later); null when absent. */
  projectName: string | null
  /** `metadata.project_id`, the md5 of the root project's name; null when absent. */
  projectId: string | null
  /** Models, seeds and snapshots, enabled ones only, by unique_id. Other nodes are not kept. */
  nodes: Map<string, DbtNodeState>
  /** Macros by unique_id. */
  macros: Map<string, DbtMacro>
}

/** The PR build's manifest, as read: its nodes whole, and the tests that can make a key. */
export interface DbtManifest extends DbtManifestState {
  nodes: Map<string, DbtNode>
  /**
   * Generic tests that can make a model's key (`unique`, `not_null`,
   * `unique_combination_of_columns`), enabled and disabled. Other tests are not kept.
   */
  tests: DbtTest[]
}

export type DbtResourceType = 'model' | 'seed' | 'snapshot'

/** What dbt mode keeps of a node of production's manifest: what `state:modified` compares, and its table. */
export interface DbtNodeState {
  uniqueId: string
  resourceType: DbtResourceType
  packageName: string
  name: string
  /** `original_file_path`, with forward slashes. */
  path: string
  /** The relation as rendered for this build's target; database null where the adapter has none. */
  database: string | null
  schema: string
  /** `alias`, else `name`. */
  alias: string
  /** `relation_name` as written (quoted as the adapter quotes); null for ephemeral models. */
  relationName: string | null
  /** `config.quoting` (`{database, schema, identifier}`), where set. */
  quoting: { database?: boolean; schema?: boolean; identifier?: boolean }
  /** `config.materialized`: table, view, incremental, ephemeral, snapshot, seed, or an adapter's. */
  materialized: string
  /** `fqn`, joined with dots. */
  fqn: string
  /** sha256 of `raw_code` (v7, dbt 1.3, already writes raw_code); for seeds, `checksum.checksum`. */
  bodyDigest: string
  /**
   * `unrendered_config` without the fields dbt's `state:modified` does not compare (alias, schema,
   * database, tags, group, meta), as canonical JSON (keys sorted). Kept as text, not hashed: it is
   * small, and shows what changed.
   */
  configDigest: string
  /**
   * sha256 of the description (`persist_docs.relation`) and the columns' descriptions
   * (`persist_docs.columns`), those persisted only; '' when neither is on.
   */
  persistedDocsDigest: string
  /** `version`, `latest_version`, `access`, `deprecation_date`, as canonical JSON. */
  refDigest: string
}

/** A node of the PR build's manifest: its state, and what links it, keys it and sets how it is compared. */
export interface DbtNode extends DbtNodeState {
  /** `config.tags` and node `tags`, both. */
  tags: string[]
  /** `depends_on.nodes`. */
  dependsOnNodes: string[]
  /** `depends_on.macros`. */
  dependsOnMacros: string[]
  /** `config.meta` when not empty, else node `meta` (the v20 layout keeps it only in config); {} when none. */
  meta: Record<string, unknown>
  columns: DbtColumn[]
  /** Model-level `constraints` (v9 and later). */
  constraints: DbtConstraint[]
  /** dbt's own `primary_key` (dbt 1.9 and later); null when the manifest has no such field. */
  primaryKey: string[] | null
  /** `config.unique_key` of an incremental model or a snapshot, as a list; null when none or another materialization. */
  uniqueKey: string[] | null
}

export interface DbtColumn {
  name: string
  /** Of `columns[*].config.meta` (else `columns[*].meta`), the one key a key is read from: `primary-key`. */
  meta: Record<string, unknown>
  /** `columns[*].config.tags` and `columns[*].tags`. */
  tags: string[]
  constraints: DbtConstraint[]
  /** `quote: true` on the column. */
  quote: boolean
}

export interface DbtConstraint {
  /** check, not_null, unique, primary_key, foreign_key, custom. */
  type: string
  /** The constraint's columns; [] for a column-level one (it is the column's). */
  columns: string[]
}

/** A generic test (`unique`, `not_null`, `unique_combination_of_columns`, …). */
export interface DbtTest {
  uniqueId: string
  /** `test_metadata.name`. */
  name: string
  /** `test_metadata.namespace` (`dbt_utils`); null for dbt's own. */
  namespace: string | null
  /** The tested node: `attached_node`, else the first model, seed or snapshot in depends_on.nodes. */
  attachedNode: string | null
  /** `kwargs.column_name` (one), or `kwargs.combination_of_columns` (several); [] when neither. */
  columns: string[]
  /** True when the test has a `where` config: it checks only some rows, so it is not a key. */
  hasWhere: boolean
  /** False for a test found under `disabled`. */
  enabled: boolean
}

export interface DbtMacro {
  uniqueId: string
  /** sha256 of `macro_sql`. */
  digest: string
  /** `depends_on.macros`. */
  dependsOnMacros: string[]
}

/** A manifest (or run_results.json) that cannot be used: names the file and what was found there. */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    /** No file is there: the step that writes it has not run (production's: no deploy yet). */
    readonly missing = false
  ) {
    super(`${file}: ${problem}`)
    this.name = 'ManifestError'
  }

  /** The problem as the input that names the file says it: what to do, when the file is missing. */
  problemOf(input: string): string {
    const todo = this.missing && Object.hasOwn(WHEN_MISSING, input) ? WHEN_MISSING[input] : null
    return `${input}: ${this.message}${todo ? `: ${todo}` : ''}`
  }
}

/** What to do about a manifest that is not there, by the input that names it. */
const WHEN_MISSING: Readonly<Record<string, string>> = {
  'dbt-prod-manifest':
    "production's manifest is what your deploy workflow keeps, so there is none to download until the deploy has run once on the base branch. Run the deploy once, or build production's manifest from the base branch in this job (README, dbt mode: the first pull request)",
  'dbt-manifest':
    'build the pull request with dbt (dbt build or dbt parse writes target/manifest.json) in a step before this one',
  'dbt-run-results':
    'dbt build writes target/run_results.json: run it in a step before this one, or leave dbt-run-results empty'
}
