// The generic test nodes of a model spec (unique, not_null, unique_combination_of_columns, …), as
// each schema version writes them, and the primary_key dbt 1.9+ infers from them.
import {
  nodeId,
  sha256,
  type BuildOptions,
  type Json,
  type ModelSpec,
  type ProjectSpec,
  type TestSpec
} from './dbt-manifest-spec.js'

const UCOC_MACRO = 'macro.dbt_utils.test_unique_combination_of_columns'

export interface BuiltTest {
  test: Json
  enabled: boolean
  spec: TestSpec
  columns: string[]
}

export function testsOf(
  project: ProjectSpec,
  model: ModelSpec,
  options: BuildOptions
): BuiltTest[] {
  const onColumns = (model.columns ?? []).flatMap((c) =>
    (c.tests ?? []).map((t) => ({ spec: typeof t === 'string' ? { name: t } : t, column: c.name }))
  )
  const onModel = (model.tests ?? []).map((spec) => ({ spec, column: null }))
  return [...onColumns, ...onModel].map(({ spec, column }) => {
    const columns = column ? [column] : (spec.columns ?? [])
    return {
      test: buildTest(project, model, spec, column, options),
      enabled: spec.enabled !== false,
      spec,
      columns
    }
  })
}

function buildTest(
  project: ProjectSpec,
  model: ModelSpec,
  spec: TestSpec,
  column: string | null,
  options: BuildOptions
): Json {
  const { version: v, target } = options
  const ucoc = spec.name === 'unique_combination_of_columns'
  const modelId = nodeId(project.name, model)
  const name = ucoc
    ? `dbt_utils_unique_combination_of_columns_${model.name}_${(spec.columns ?? []).join('__')}`
    : `${spec.name}_${model.name}_${column ?? ''}`
  const id = `test.${project.name}.${name}.${sha256(`${name}${spec.where ?? ''}`).slice(0, 10)}`
  const kwargs: Json = {
    ...(column ? { column_name: column } : {}),
    ...(ucoc ? { combination_of_columns: spec.columns ?? [] } : {}),
    model: `{{ get_where_subquery(ref('${model.name}')) }}`
  }
  const schema = `${target.schema}_dbt_test__audit`
  return {
    test_metadata: { name: spec.name, kwargs, namespace: ucoc ? 'dbt_utils' : null },
    database: target.database,
    schema,
    name,
    resource_type: 'test',
    package_name: project.name,
    path: `${name}.sql`,
    original_file_path: 'models/marts/schema.yml',
    unique_id: id,
    fqn: [project.name, 'marts', name],
    alias: name,
    checksum: { name: 'none', checksum: '' },
    config: {
      enabled: spec.enabled !== false,
      alias: null,
      schema: 'dbt_test__audit',
      database: null,
      tags: [],
      meta: {},
      materialized: 'test',
      severity: 'ERROR',
      store_failures: null,
      where: spec.where ?? null,
      limit: null,
      fail_calc: 'count(*)',
      warn_if: '!= 0',
      error_if: '!= 0'
    },
    ...(v === 20 ? {} : { tags: [], description: '', meta: {} }),
    columns: {},
    docs: { show: true, node_color: null },
    patch_path: null,
    build_path: null,
    ...(v < 12 ? { deferred: false } : {}),
    unrendered_config: spec.where ? { where: spec.where } : {},
    created_at: 1764504000.5,
    config_call_dict: {},
    relation_name: null,
    raw_code: `{{ test_${spec.name}(**_dbt_generic_test_kwargs) }}`,
    language: 'sql',
    refs: [v >= 9 ? { name: model.name, package: null, version: null } : [model.name]],
    sources: [],
    metrics: [],
    depends_on: {
      macros: [ucoc ? UCOC_MACRO : `macro.dbt.test_${spec.name}`, 'macro.dbt.get_where_subquery'],
      nodes: [modelId]
    },
    compiled_path: null,
    compiled: false,
    extra_ctes_injected: false,
    extra_ctes: [],
    column_name: column,
    file_key_name: `models.${model.name}`,
    ...(v >= 9 ? { attached_node: modelId } : {})
  }
}

/** dbt 1.9's `ModelNode.infer_primary_key`: constraints, then unique & not_null, then unique. */
export function inferPrimaryKey(model: ModelSpec, tests: BuiltTest[]): string[] {
  const constraint = model.constraints?.find((c) => c.type === 'primary_key')
  if (constraint) return [...constraint.columns].sort()
  const columnConstraint = (model.columns ?? []).filter((c) =>
    c.constraints?.includes('primary_key')
  )
  if (columnConstraint.length) return columnConstraint.map((c) => c.name).sort()
  const unique = (enabled: boolean) =>
    tests
      .filter((t) => t.enabled === enabled && /^unique/.test(t.spec.name))
      .flatMap((t) => t.columns)
  const notNull = new Set(tests.filter((t) => t.spec.name === 'not_null').flatMap((t) => t.columns))
  const both = unique(true).filter((c) => notNull.has(c))
  const found = both.length ? both : unique(true).length ? unique(true) : unique(false)
  return [...new Set(found)].sort()
}
