// Builds dbt mode's compact manifest model (src/dbt/manifest.ts) for the planning tests, so each
// test states only what it is about: `node({ name: 'orders', bodyDigest: 'b2' })`.
import type { DbtMacro, DbtManifest, DbtNode, DbtTest } from '../src/dbt/manifest.js'
import type { DbtPlanOptions } from '../src/dbt/plan-dbt.js'

export const PROJECT = 'jaffle_shop'

/** dbt mode's options with nothing extra asked for: the root project's models, no seeds. */
export const DBT_OPTIONS: DbtPlanOptions = {
  dataSource: { name: 'warehouse' },
  thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] },
  defaults: {},
  rules: [],
  downstream: false,
  packages: [],
  seeds: false
}

/** A table model of the root project, its relation in the `prod` schema, keyed by a primary-key tag on `id`. */
export function node(overrides: Partial<DbtNode> & { name?: string } = {}): DbtNode {
  const name = overrides.name ?? 'orders'
  const packageName = overrides.packageName ?? PROJECT
  const resourceType = overrides.resourceType ?? 'model'
  const schema = overrides.schema ?? 'prod'
  const alias = overrides.alias ?? name
  const database = overrides.database === undefined ? 'analytics' : overrides.database
  return {
    uniqueId: `${resourceType}.${packageName}.${name}`,
    resourceType,
    packageName,
    name,
    path: `models/${name}.sql`,
    database,
    schema,
    alias,
    relationName: [database, schema, alias].filter((p) => p !== null).join('.'),
    materialized: 'table',
    tags: [],
    fqn: `${packageName}.${name}`,
    bodyDigest: `body of ${name}`,
    configDigest: '{"materialized":"table"}',
    persistedDocsDigest: '',
    refDigest: '{}',
    dependsOnNodes: [],
    dependsOnMacros: [],
    meta: {},
    columns: [{ name: 'id', meta: {}, tags: ['primary-key'], constraints: [], quote: false }],
    constraints: [],
    primaryKey: null,
    uniqueKey: null,
    quoting: {},
    ...overrides
  }
}

/** The same node as a PR build renders it: another schema, the rest equal. */
export function inPr(built: DbtNode, overrides: Partial<DbtNode> = {}): DbtNode {
  const schema = overrides.schema ?? 'pr_482'
  const { database, alias } = { ...built, ...overrides }
  return {
    ...built,
    schema,
    relationName: [database, schema, alias].filter((p) => p !== null).join('.'),
    ...overrides
  }
}

export function manifest(
  overrides: Partial<Omit<DbtManifest, 'nodes' | 'macros'>> & {
    nodes?: DbtNode[]
    macros?: DbtMacro[]
  } = {}
): DbtManifest {
  const { nodes = [], macros = [], ...rest } = overrides
  return {
    file: 'target/manifest.json',
    schemaVersion: 12,
    dbtVersion: '1.9.2',
    adapterType: 'postgres',
    projectName: PROJECT,
    projectId: null,
    tests: [],
    ...rest,
    nodes: new Map(nodes.map((n) => [n.uniqueId, n])),
    macros: new Map(macros.map((m) => [m.uniqueId, m]))
  }
}

/** A generic test on a model: `test('unique', 'model.jaffle_shop.orders', ['id'])`. */
export function test(
  name: string,
  attachedNode: string,
  columns: string[],
  overrides: Partial<DbtTest> = {}
): DbtTest {
  return {
    uniqueId: `test.${PROJECT}.${name}_${columns.join('_')}.${attachedNode.length}`,
    name,
    namespace: name === 'unique_combination_of_columns' ? 'dbt_utils' : null,
    attachedNode,
    columns,
    hasWhere: false,
    enabled: true,
    ...overrides
  }
}

export function macro(uniqueId: string, digest: string, dependsOnMacros: string[] = []): DbtMacro {
  return { uniqueId, digest, dependsOnMacros }
}
