// Builds a manifest.json object from a ProjectSpec for one schema version and one target, with the
// fields each version's dbt writes (checked against the official v10–v12 schemas).
import { createHash } from 'node:crypto'
import {
  dbtAtLeast,
  DBT_VERSIONS,
  nodeId,
  relationName,
  sha256,
  type BuildOptions,
  type ColumnSpec,
  type Json,
  type MacroSpec,
  type ModelSpec,
  type ProjectSpec
} from './dbt-manifest-spec.js'
import { inferPrimaryKey, testsOf } from './dbt-manifest-tests.js'

/** dbt's own macros the built nodes depend on. */
const DBT_MACROS: MacroSpec[] = [
  { name: 'is_incremental', sql: '{% macro is_incremental() %}…{% endmacro %}' },
  { name: 'get_where_subquery', sql: '{% macro get_where_subquery(relation) %}…{% endmacro %}' },
  { name: 'test_unique', sql: '{% test unique(model, column_name) %}…{% endtest %}' },
  { name: 'test_not_null', sql: '{% test not_null(model, column_name) %}…{% endtest %}' },
  { name: 'test_accepted_values', sql: '{% test accepted_values(model) %}…{% endtest %}' }
]

export function buildManifest(project: ProjectSpec, options: BuildOptions): Json {
  const v = options.version
  const nodes: Json = {}
  const disabled: Record<string, Json[]> = {}
  const parents: Record<string, string[]> = {}
  for (const spec of project.models) {
    const node = buildNode(project, spec, options)
    const tests = testsOf(project, spec, options)
    if (v === 12 && dbtAtLeast(options, 1, 9) && (spec.type ?? 'model') === 'model')
      node.primary_key = inferPrimaryKey(spec, tests)
    nodes[String(node.unique_id)] = node
    parents[String(node.unique_id)] = (node.depends_on as { nodes?: string[] }).nodes ?? []
    for (const { test, enabled } of tests) {
      if (enabled) {
        nodes[String(test.unique_id)] = test
        parents[String(test.unique_id)] = [String(node.unique_id)]
      } else disabled[String(test.unique_id)] = [test]
    }
  }
  const children = Object.fromEntries(Object.keys(parents).map((id) => [id, [] as string[]]))
  for (const [id, ps] of Object.entries(parents)) for (const p of ps) children[p]?.push(id)
  const macros = [
    ...DBT_MACROS.map((m) => buildMacro('dbt', m)),
    buildMacro('dbt_utils', { name: 'test_unique_combination_of_columns', sql: '{% test … %}' }),
    ...(project.macros ?? []).map((m) => buildMacro(project.name, m))
  ]
  return {
    metadata: {
      dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${v}.json`,
      dbt_version: options.dbtVersion ?? DBT_VERSIONS[v],
      generated_at: '2026-11-30T12:00:00.000000Z',
      invocation_id: '6f1c2a4e-9d7b-4c1e-8a3f-2b5d7e9f0a1c',
      env: {},
      ...(v >= 10 ? { project_name: project.name } : {}),
      project_id: createHash('md5').update(project.name).digest('hex'),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: options.target.adapter ?? 'postgres'
    },
    nodes,
    sources: {},
    macros: Object.fromEntries(macros.map((m) => [m.unique_id, m])),
    docs: {},
    exposures: {},
    metrics: {},
    ...(v >= 10 ? { groups: {}, semantic_models: {} } : {}),
    ...(v >= 11 ? { saved_queries: {}, unit_tests: {} } : {}),
    selectors: {},
    disabled,
    parent_map: parents,
    child_map: children,
    ...(v >= 10 ? { group_map: {} } : {})
  }
}

function buildNode(project: ProjectSpec, spec: ModelSpec, options: BuildOptions): Json {
  const { version: v, target } = options
  const type = spec.type ?? 'model'
  const pkg = spec.packageName ?? project.name
  const folder = spec.folder ?? (type === 'model' ? 'marts' : '')
  const dir = type === 'model' ? 'models' : type === 'seed' ? 'seeds' : 'snapshots'
  const file = [folder, `${spec.name}.${type === 'seed' ? 'csv' : 'sql'}`].filter(Boolean).join('/')
  const materialized = type === 'model' ? (spec.materialized ?? 'table') : type
  const schema =
    typeof spec.config?.schema === 'string'
      ? `${target.schema}_${spec.config.schema}`
      : target.schema
  const alias = spec.alias ?? spec.name
  const refs = spec.refs ?? []
  const rawCode =
    type === 'seed'
      ? ''
      : (spec.sql ??
        (refs.length
          ? `select * from ${refs.map((r) => `{{ ref('${r}') }}`).join(' join ')}`
          : 'select 1 as id'))
  const meta = spec.meta ?? {}
  const tags = spec.tags ?? []
  const newColumnConfig = v === 20 || (v === 12 && dbtAtLeast(options, 1, 10))
  const config: Json = {
    enabled: true,
    alias: spec.alias ?? null,
    schema: null,
    database: null,
    tags,
    meta,
    materialized,
    persist_docs: {},
    quoting: {},
    column_types: {},
    full_refresh: null,
    unique_key: null,
    on_schema_change: 'ignore',
    grants: {},
    packages: [],
    docs: { show: true, node_color: null },
    'post-hook': [],
    'pre-hook': [],
    ...(v >= 9 ? { contract: { enforced: false, ...(v >= 11 ? { alias_types: true } : {}) } } : {}),
    ...spec.config
  }
  const unrendered: Json = {
    ...(type === 'model' && spec.materialized ? { materialized } : {}),
    ...(type === 'snapshot' ? { database: target.database, schema: target.schema } : {}),
    ...spec.config,
    ...(newColumnConfig && spec.meta ? { meta } : {})
  }
  const dependsOn = {
    macros: [
      ...(materialized === 'incremental' ? ['macro.dbt.is_incremental'] : []),
      ...(spec.macros ?? []).map((m) => `macro.${project.name}.${m}`)
    ],
    nodes: refs.map((r) => nodeId(project.name, findSpec(project, r)))
  }
  const path = `${dir}/${file}`
  const node: Json = {
    database: target.database,
    schema,
    name: spec.name,
    resource_type: type,
    package_name: pkg,
    path: file,
    original_file_path: options.windows ? path.replaceAll('/', '\\') : path,
    unique_id: nodeId(project.name, spec),
    fqn: [pkg, ...(folder ? folder.split('/') : []), spec.name],
    alias,
    checksum: { name: 'sha256', checksum: sha256(type === 'seed' ? `${spec.name}.csv` : rawCode) },
    config,
    ...(v === 20 ? {} : { tags, description: spec.description ?? '', meta }),
    columns: Object.fromEntries(
      (spec.columns ?? []).map((c) => [c.name, buildColumn(c, v, newColumnConfig)])
    ),
    ...(v >= 10 ? { group: null } : {}),
    docs: { show: true, node_color: null },
    patch_path: spec.columns || spec.description ? `${pkg}://${dir}/schema.yml` : null,
    build_path: null,
    ...(v < 12 ? { deferred: false } : {}),
    unrendered_config: unrendered,
    created_at: 1764504000.5,
    config_call_dict: {},
    relation_name:
      materialized === 'ephemeral' ? null : relationName(target, schema, alias.toLowerCase()),
    raw_code: rawCode
  }
  if (type === 'seed') return { ...node, root_path: '/app/project', depends_on: { macros: [] } }
  Object.assign(node, {
    language: 'sql',
    refs: refs.map((name) => (v >= 9 ? { name, package: null, version: null } : [name])),
    sources: [],
    metrics: [],
    depends_on: dependsOn,
    compiled_path: `target/compiled/${pkg}/${path}`,
    compiled: true,
    compiled_code: rawCode.replace(/\{\{ ref\('(\w+)'\) \}\}/g, (_, r: string) =>
      relationName(target, schema, r)
    ),
    extra_ctes_injected: true,
    extra_ctes: [],
    ...(v >= 9 ? { contract: { enforced: false, checksum: null } } : {})
  })
  if (type === 'model' && v >= 9) {
    Object.assign(node, {
      access: 'protected',
      constraints: (spec.constraints ?? []).map((c) => ({ ...c, name: null, expression: null })),
      version: null,
      latest_version: null,
      ...(v >= 10 ? { deprecation_date: null } : {})
    })
  }
  return node
}

function buildColumn(c: ColumnSpec, v: number, newConfig: boolean): Json {
  const meta = c.meta ?? {}
  const tags = c.tags ?? []
  return {
    name: c.name,
    description: c.description ?? '',
    ...(v === 20 ? {} : { meta, tags }),
    data_type: c.dataType ?? null,
    ...(v >= 9 ? { constraints: (c.constraints ?? []).map((type) => ({ type })) } : {}),
    quote: c.quote ?? null,
    ...(newConfig ? { config: { meta, tags } } : {})
  }
}

function findSpec(project: ProjectSpec, name: string): ModelSpec {
  const spec = project.models.find((m) => m.name === name)
  if (!spec) throw new Error(`fixture: ref('${name}') names no model of ${project.name}`)
  return spec
}

function buildMacro(pkg: string, m: MacroSpec): Json {
  return {
    name: m.name,
    resource_type: 'macro',
    package_name: pkg,
    path: `macros/${m.name}.sql`,
    original_file_path: `macros/${m.name}.sql`,
    unique_id: `macro.${pkg}.${m.name}`,
    macro_sql: m.sql,
    depends_on: { macros: (m.macros ?? []).map((name) => `macro.${pkg}.${name}`) },
    description: '',
    meta: {},
    docs: { show: true, node_color: null },
    patch_path: null,
    arguments: [],
    created_at: 1764504000.5,
    supported_languages: null
  }
}
