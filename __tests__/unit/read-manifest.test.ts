import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { createReadStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { writeBigManifestPair } from '../../__fixtures__/dbt-big-manifest.js'
import { DBT_OPTIONS } from '../../__fixtures__/dbt-model.js'
import {
  buildManifest,
  changedProject,
  manifestDir,
  MANIFEST_VERSIONS,
  PROD,
  PR,
  sha256,
  writeJson,
  type ManifestVersion,
  type ProjectSpec
} from '../../__fixtures__/dbt-manifests.js'
import { textIo } from '../../__fixtures__/text-io.js'
import { ManifestError, type DbtManifest, type DbtNode } from '../../src/dbt/manifest.js'
import { planDbt } from '../../src/dbt/plan-dbt.js'
import { readManifest, readManifestState, type ManifestIo } from '../../src/dbt/read-manifest.js'

const fileIo: ManifestIo = { open: (file) => createReadStream(file) }
const read = (manifest: unknown, size?: number): Promise<DbtManifest> =>
  readManifest('target/manifest.json', textIo(JSON.stringify(manifest), size))

const SQL = 'select * from {{ ref(\'stg\') }} -- "quoted" \\ é'
const PROJECT: ProjectSpec = {
  name: 'shop',
  macros: [
    { name: 'cents', sql: '{% macro cents(c) %}{{ helper(c) }}{% endmacro %}', macros: ['helper'] },
    { name: 'helper', sql: '{% macro helper(c) %}{{ c }}{% endmacro %}' }
  ],
  models: [
    { name: 'stg', folder: 'staging', materialized: 'ephemeral', sql: 'select 1' },
    {
      name: 'orders',
      materialized: 'incremental',
      alias: 'fct_orders',
      sql: SQL,
      refs: ['stg'],
      macros: ['cents'],
      tags: ['finance'],
      description: 'One row per order line.',
      meta: { owner: 'ana', datafold: { datadiff: { filter: 'amount > 0' } } },
      config: {
        unique_key: ['order_id', 'line'],
        persist_docs: { relation: true, columns: true },
        quoting: { identifier: true }
      },
      constraints: [{ type: 'primary_key', columns: ['order_id', 'line'] }],
      columns: [
        {
          name: 'order_id',
          description: 'The order',
          tags: ['primary-key'],
          meta: { 'primary-key': true },
          constraints: ['not_null'],
          quote: true,
          tests: [
            'unique',
            'not_null',
            { name: 'unique', where: "status = 'open'", enabled: false }
          ]
        },
        { name: 'line' }
      ],
      tests: [{ name: 'unique_combination_of_columns', columns: ['order_id', 'line'] }]
    },
    { name: 'codes', type: 'seed' },
    {
      name: 'snap',
      type: 'snapshot',
      sql: 'select 2',
      config: { unique_key: 'id', strategy: 'check', check_cols: 'all' }
    }
  ]
}

const v9 = (v: ManifestVersion): boolean => v >= 9

describe('readManifest reads every field of the model, for each schema version', () => {
  it.each(MANIFEST_VERSIONS)('v%s', async (version) => {
    const manifest = await read(buildManifest(PROJECT, { version, target: PROD }))
    expect({ ...manifest, nodes: [...manifest.nodes.keys()], tests: [], macros: [] }).toEqual({
      file: 'target/manifest.json',
      schemaVersion: version,
      dbtVersion: expect.any(String),
      adapterType: 'postgres',
      projectName: version >= 10 ? 'shop' : null,
      projectId: createHash('md5').update('shop').digest('hex'),
      nodes: ['model.shop.stg', 'model.shop.orders', 'seed.shop.codes', 'snapshot.shop.snap'],
      tests: [],
      macros: []
    })
    expect(manifest.nodes.get('model.shop.orders')).toEqual({
      uniqueId: 'model.shop.orders',
      resourceType: 'model',
      packageName: 'shop',
      name: 'orders',
      path: 'models/marts/orders.sql',
      database: 'analytics',
      schema: 'core',
      alias: 'fct_orders',
      relationName: '"analytics"."core"."fct_orders"',
      materialized: 'incremental',
      tags: ['finance'],
      fqn: 'shop.marts.orders',
      bodyDigest: sha256(SQL),
      configDigest:
        '{"materialized":"incremental","persist_docs":{"columns":true,"relation":true},"quoting":{"identifier":true},"unique_key":["order_id","line"]}',
      // The v20 layout has no node description.
      persistedDocsDigest: sha256(
        `{"columns":{"line":"","order_id":"The order"},"relation":"${version === 20 ? '' : 'One row per order line.'}"}`
      ),
      refDigest: v9(version)
        ? '{"access":"protected","deprecation_date":null,"latest_version":null,"version":null}'
        : '{"access":null,"deprecation_date":null,"latest_version":null,"version":null}',
      dependsOnNodes: ['model.shop.stg'],
      dependsOnMacros: ['macro.dbt.is_incremental', 'macro.shop.cents'],
      meta: { owner: 'ana', datafold: { datadiff: { filter: 'amount > 0' } } },
      columns: [
        {
          name: 'order_id',
          meta: { 'primary-key': true },
          tags: ['primary-key'],
          constraints: v9(version) ? [{ type: 'not_null', columns: [] }] : [],
          quote: true
        },
        { name: 'line', meta: {}, tags: [], constraints: [], quote: false }
      ],
      constraints: v9(version) ? [{ type: 'primary_key', columns: ['order_id', 'line'] }] : [],
      primaryKey: version === 12 ? ['line', 'order_id'] : null,
      uniqueKey: ['order_id', 'line'],
      quoting: { identifier: true }
    })
    const byName = (name: string) => manifest.tests.filter((t) => t.name === name)
    expect(manifest.tests).toHaveLength(4)
    expect(byName('unique')).toEqual([
      expect.objectContaining({ columns: ['order_id'], hasWhere: false, enabled: true }),
      expect.objectContaining({ columns: ['order_id'], hasWhere: true, enabled: false })
    ])
    expect(byName('not_null')).toEqual([
      {
        uniqueId: expect.stringMatching(/^test\.shop\.not_null_orders_order_id\.[0-9a-f]{10}$/),
        name: 'not_null',
        namespace: null,
        attachedNode: 'model.shop.orders',
        columns: ['order_id'],
        hasWhere: false,
        enabled: true
      }
    ])
    expect(byName('unique_combination_of_columns')).toEqual([
      expect.objectContaining({
        namespace: 'dbt_utils',
        attachedNode: 'model.shop.orders',
        columns: ['order_id', 'line']
      })
    ])
    expect(manifest.macros.get('macro.shop.cents')).toEqual({
      uniqueId: 'macro.shop.cents',
      digest: sha256('{% macro cents(c) %}{{ helper(c) }}{% endmacro %}'),
      dependsOnMacros: ['macro.shop.helper']
    })
  })
})

describe('readManifest, node kinds', () => {
  const nodes = async (version: ManifestVersion = 12) =>
    (await read(buildManifest(PROJECT, { version, target: PROD }))).nodes

  it('an ephemeral model has no relation name', async () => {
    expect((await nodes()).get('model.shop.stg')).toMatchObject({
      materialized: 'ephemeral',
      relationName: null,
      uniqueKey: null,
      persistedDocsDigest: '',
      path: 'models/staging/stg.sql'
    })
  })

  it("a seed's body is its checksum, a snapshot's unique_key is its key", async () => {
    const read = await nodes()
    expect(read.get('seed.shop.codes')).toMatchObject({
      materialized: 'seed',
      bodyDigest: sha256('codes.csv')
    })
    expect(read.get('snapshot.shop.snap')).toMatchObject({
      materialized: 'snapshot',
      uniqueKey: ['id']
    })
  })

  it("a table's unique_key is not a key", async () => {
    const project = { ...PROJECT, models: [{ name: 't', config: { unique_key: 'id' } }] }
    const read = await readOne(project)
    expect(read.nodes.get('model.shop.t')?.uniqueKey).toBeNull()
  })

  it('keeps disabled models out, and singular tests', async () => {
    const manifest = buildManifest(PROJECT, { version: 12, target: PROD })
    const singular = { resource_type: 'test', unique_id: 'test.shop.assert_x', name: 'assert_x' }
    const model = { resource_type: 'model', unique_id: 'model.shop.off', name: 'off' }
    const read = await readOneRaw({
      ...manifest,
      nodes: { ...(manifest.nodes as object), 'test.shop.assert_x': singular },
      disabled: { ...(manifest.disabled as object), 'model.shop.off': [model] }
    })
    expect(read.nodes.has('model.shop.off')).toBe(false)
    expect(read.tests.map((t) => t.uniqueId)).not.toContain('test.shop.assert_x')
  })
})

const readOne = (project: ProjectSpec, version: ManifestVersion = 12) =>
  read(buildManifest(project, { version, target: PROD }))
const readOneRaw = (manifest: unknown) => read(manifest)

describe('what changes a digest', () => {
  const orders = async (project: ProjectSpec, target = PROD) =>
    (await read(buildManifest(project, { version: 12, target }))).nodes.get('model.shop.orders')

  it('the same project built for production and for a PR differs only in where it lives', async () => {
    const [prod, pr] = [await orders(PROJECT, PROD), await orders(PROJECT, PR)]
    expect({ ...pr, schema: 'core', relationName: prod?.relationName }).toEqual(prod)
    expect(pr?.schema).toBe('dbt_pr_482')
  })

  it("a snapshot's target-specific database and schema configs do not change its configs", async () => {
    const snap = async (target: typeof PROD) =>
      (await read(buildManifest(PROJECT, { version: 12, target }))).nodes.get('snapshot.shop.snap')
    const other = { database: 'analytics_dev', schema: 'dbt_pr_482' }
    expect((await snap(other))?.configDigest).toBe((await snap(PROD))?.configDigest)
  })

  it.each([
    ['alias', false, { alias: 'x' }],
    ['tags', false, { tags: ['y'] }],
    ['meta', false, { meta: { owner: 'bo' } }],
    ['group', false, { group: 'finance' }],
    ['on_schema_change', true, { on_schema_change: 'fail' }]
  ])('%s in the unrendered config changes the config digest: %s', async (_, changes, config) => {
    const with_ = (extra: object): ProjectSpec => ({
      ...PROJECT,
      models: PROJECT.models.map((m) =>
        m.name === 'orders' ? { ...m, config: { ...m.config, ...extra } } : m
      )
    })
    const [before, after] = [await orders(PROJECT), await orders(with_(config))]
    expect(after?.configDigest !== before?.configDigest).toBe(changes)
  })

  it('descriptions count only where persist_docs persists them', async () => {
    const described = (persist: object, description: string): ProjectSpec => ({
      ...PROJECT,
      models: PROJECT.models.map((m) =>
        m.name === 'orders' ? { ...m, description, config: { persist_docs: persist } } : m
      )
    })
    const digest = async (persist: object, description: string) =>
      (await orders(described(persist, description)))?.persistedDocsDigest
    expect(await digest({}, 'a')).toBe('')
    expect(await digest({ columns: true }, 'a')).toBe(await digest({ columns: true }, 'b'))
    expect(await digest({ relation: true }, 'a')).not.toBe(await digest({ relation: true }, 'b'))
  })
})

describe('readManifest accepts what real manifests carry', () => {
  it('unknown fields everywhere', async () => {
    const manifest = buildManifest(PROJECT, { version: 12, target: PROD })
    const nodes = manifest.nodes as Record<string, Record<string, unknown>>
    const orders = nodes['model.shop.orders'] ?? {}
    const read = await readOneRaw({
      functions: { 'function.shop.f': { x: [1, { y: '}' }] } },
      ...manifest,
      metadata: { ...(manifest.metadata as object), invocation_started_at: 'now', future: [1] },
      nodes: {
        ...nodes,
        'model.shop.orders': { ...orders, freshness: { build_after: null }, new_field: '{"' }
      },
      semantic_layer_2027: null
    })
    expect(read.nodes.get('model.shop.orders')?.name).toBe('orders')
  })

  it('Windows paths, with forward slashes', async () => {
    const manifest = buildManifest(PROJECT, { version: 8, target: PROD, windows: true })
    expect(JSON.stringify(manifest)).toContain('models\\\\marts\\\\orders.sql')
    expect((await read(manifest)).nodes.get('model.shop.orders')?.path).toBe(
      'models/marts/orders.sql'
    )
  })

  it.each([1, 2, 3, 7, 64, 4096])(
    'the same model whatever the chunk size (%s bytes)',
    async (size) => {
      const manifest = buildManifest(PROJECT, { version: 12, target: PROD })
      const whole = await read(manifest, 1 << 20)
      expect(await read(manifest, size)).toEqual(whole)
    }
  )

  it('a byte-order mark and pretty-printed JSON', async () => {
    const manifest = buildManifest(PROJECT, { version: 11, target: PROD })
    const text = `\ufeff${JSON.stringify(manifest, null, 2)}\n`
    const read = await readManifest('m.json', textIo(text, 100))
    expect(read.nodes.size).toBe(4)
    expect(read.tests).toHaveLength(4)
  })
})

const dir = manifestDir()
const manifestV = (version: number, dbtVersion?: string) => ({
  metadata: {
    dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${version}.json`,
    ...(dbtVersion ? { dbt_version: dbtVersion } : {})
  },
  nodes: {}
})
const fails = (text: string) => readManifest('target/manifest.json', textIo(text, 5))

describe('a file that is not a manifest dbt mode reads fails at once, naming it and what it is', () => {
  it.each([
    [
      'a package.json',
      JSON.stringify({ name: 'x', version: '1.0.0', scripts: {}, dependencies: {} }),
      'target/manifest.json: not a dbt manifest: no metadata.dbt_schema_version (top-level keys: name, version, scripts, dependencies); this looks like a package.json'
    ],
    [
      'a run_results.json',
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
        results: []
      }),
      'target/manifest.json: a dbt run_results.json (schema run-results/v6), not a manifest; dbt mode reads target/manifest.json'
    ],
    [
      'a catalog.json',
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json' },
        nodes: {}
      }),
      'target/manifest.json: a dbt catalog.json (schema catalog/v1), not a manifest; dbt mode reads target/manifest.json'
    ],
    [
      'a sources.json',
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json' }
      }),
      'target/manifest.json: a dbt sources.json (source freshness) (schema sources/v3), not a manifest; dbt mode reads target/manifest.json'
    ],
    [
      'manifest v6',
      JSON.stringify(manifestV(6)),
      'target/manifest.json: schema v6 (dbt 1.2); dbt mode reads v7 to v12 (dbt 1.3 to 1.11) and v20'
    ],
    [
      'manifest v6 of a known dbt',
      JSON.stringify(manifestV(6, '1.2.4')),
      'target/manifest.json: schema v6 (dbt 1.2.4); dbt mode reads v7 to v12 (dbt 1.3 to 1.11) and v20'
    ],
    [
      'manifest v13',
      JSON.stringify(manifestV(13)),
      'target/manifest.json: schema v13 (a newer dbt); dbt mode reads v7 to v12 (dbt 1.3 to 1.11) and v20'
    ],
    [
      'metadata without a schema version',
      JSON.stringify({ metadata: { dbt_version: '1.9.0' }, nodes: {} }),
      'target/manifest.json: not a dbt manifest: its metadata has no dbt_schema_version'
    ],
    [
      'some other schema URL',
      JSON.stringify({ metadata: { dbt_schema_version: 'v12' } }),
      'target/manifest.json: not a dbt manifest: metadata.dbt_schema_version is "v12"'
    ],
    [
      'YAML',
      'name: jaffle_shop\nversion: 1.0\n',
      'target/manifest.json: not JSON: it does not start with "{"'
    ],
    ['a JSON array', '[1, 2]', 'target/manifest.json: a JSON array, not an object'],
    ['an empty file', '', 'target/manifest.json: the file is empty'],
    ['whitespace only', ' \n', 'target/manifest.json: the file is empty'],
    [
      'a truncated manifest',
      JSON.stringify(manifestV(12)).slice(0, -3),
      'target/manifest.json: the JSON ends early (a truncated file?)'
    ],
    [
      'text after the object',
      `${JSON.stringify(manifestV(12))} x`,
      `target/manifest.json: more text after the JSON object, at byte ${JSON.stringify(manifestV(12)).length + 1}`
    ],
    [
      'nodes that are not an object',
      '{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json"},"nodes":[]}',
      'target/manifest.json: "nodes" is not an object'
    ],
    [
      'a broken node',
      '{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json"},"nodes":{"model.a.b":{"name":tru}}}',
      expect.stringMatching(/^target\/manifest\.json: "nodes"\."model\.a\.b" is not valid JSON: /)
    ]
  ])('%s', async (_, text, message) => {
    const error = await fails(text).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ManifestError)
    expect((error as ManifestError).message).toEqual(message)
    expect((error as ManifestError).file).toBe('target/manifest.json')
  })

  it('stops reading at the metadata of a file that is not a manifest', async () => {
    let chunks = 0
    const io: ManifestIo = {
      async *open() {
        yield Buffer.from(
          '{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/run-results/v6.json"},'
        )
        for (;;) {
          chunks++
          await Promise.resolve()
          yield Buffer.from('"results":[],')
        }
      }
    }
    await expect(readManifest('run_results.json', io)).rejects.toThrow(/run_results\.json/)
    expect(chunks).toBe(0)
  })

  it('a missing file, and a directory', async () => {
    await expect(readManifest(join(dir, 'nope.json'), fileIo)).rejects.toThrow(
      new ManifestError(join(dir, 'nope.json'), 'no such file')
    )
    mkdirSync(join(dir, 'target'), { recursive: true })
    await expect(readManifest(join(dir, 'target'), fileIo)).rejects.toThrow(
      new ManifestError(join(dir, 'target'), 'a directory, not a file')
    )
  })

  it('reads a file from disk', async () => {
    const file = writeJson(dir, 'manifest.json', buildManifest(PROJECT, { version: 7, target: PR }))
    const manifest = await readManifest(file, fileIo)
    expect(manifest.nodes.get('model.shop.orders')?.schema).toBe('dbt_pr_482')
  })
})

describe('changedProject, the end-to-end pair, differs where it says', () => {
  it.each([8, 12] as const)('v%s', async (version) => {
    const pair = changedProject(version)
    const [prod, pr] = [await read(pair.prod), await read(pair.pr)]
    const differs = (id: string, field: keyof DbtNode) =>
      prod.nodes.get(id)?.[field] !== pr.nodes.get(id)?.[field]
    const model = (name: string) => `model.jaffle_shop.${name}`
    expect(
      ['orders', 'stg_orders', 'events'].filter((m) => differs(model(m), 'bodyDigest'))
    ).toHaveLength(3)
    expect(differs(model('customers'), 'configDigest')).toBe(true)
    expect(differs(model('customers'), 'bodyDigest')).toBe(false)
    expect(pr.macros.get('macro.jaffle_shop.cents_to_dollars')?.digest).not.toBe(
      prod.macros.get('macro.jaffle_shop.cents_to_dollars')?.digest
    )
    expect(pr.nodes.get(model('payments'))?.dependsOnMacros).toEqual([
      'macro.jaffle_shop.cents_to_dollars'
    ])
    expect(prod.nodes.has(model('order_items'))).toBe(false)
    expect(pr.nodes.get(model('order_items'))).toBeDefined()
    for (const unchanged of ['stg_customers', 'dim_dates'])
      expect(pr.nodes.get(model(unchanged))).toEqual({
        ...prod.nodes.get(model(unchanged)),
        schema: 'dbt_pr_482',
        relationName: `"analytics"."dbt_pr_482"."${unchanged}"`
      })
    expect(pr.nodes.get(model('orders'))).toMatchObject({
      uniqueKey: ['order_id'],
      primaryKey: version === 12 ? ['order_id'] : null,
      meta: { datafold_diff_gate: { 'max-rows-changed': '5%' } }
    })
    expect(pr.nodes.get(model('customers'))?.primaryKey).toEqual(
      version === 12 ? ['customer_id'] : null
    )
    expect(pr.nodes.get(model('payments'))?.meta).toMatchObject({ 'primary-key': ['payment_id'] })
    expect(pr.nodes.get(model('events'))?.primaryKey).toEqual(version === 12 ? [] : null)
    expect(pr.tests.filter((t) => t.attachedNode === model('customers'))).toHaveLength(2)
  })
})

describe('what is kept is what the planning reads', () => {
  it("keeps of a column's meta the primary-key mark, and of the tests those a key is read from", async () => {
    const columns = [
      {
        name: 'id',
        meta: { pii: false, 'primary-key': true },
        tests: ['accepted_values' as const]
      },
      { name: 'email', meta: { pii: true }, tests: ['unique' as const] }
    ]
    const manifest = await readOne({ name: 'shop', models: [{ name: 'users', columns }] })
    expect(manifest.nodes.get('model.shop.users')?.columns.map((c) => [c.name, c.meta])).toEqual([
      ['id', { 'primary-key': true }],
      ['email', {}]
    ])
    expect(manifest.tests.map((t) => [t.name, t.columns])).toEqual([['unique', ['email']]])
  })

  it.each(MANIFEST_VERSIONS)(
    "production's manifest, v%s: each node's state only, and no tests",
    async (version) => {
      const text = JSON.stringify(buildManifest(PROJECT, { version, target: PROD }))
      const [whole, state] = [
        await readManifest('prod.json', textIo(text)),
        await readManifestState('prod.json', textIo(text))
      ]
      expect(state).not.toHaveProperty('tests')
      expect([...state.nodes.keys()]).toEqual([...whole.nodes.keys()])
      expect(state.macros).toEqual(whole.macros)
      const orders = whole.nodes.get('model.shop.orders')
      expect(state.nodes.get('model.shop.orders')).toEqual({
        uniqueId: orders?.uniqueId,
        resourceType: orders?.resourceType,
        packageName: orders?.packageName,
        name: orders?.name,
        path: orders?.path,
        database: orders?.database,
        schema: orders?.schema,
        alias: orders?.alias,
        relationName: orders?.relationName,
        quoting: orders?.quoting,
        materialized: orders?.materialized,
        fqn: orders?.fqn,
        bodyDigest: orders?.bodyDigest,
        configDigest: orders?.configDigest,
        persistedDocsDigest: orders?.persistedDocsDigest,
        refDigest: orders?.refDigest
      })
    }
  )

  it.each([8, 12] as const)(
    "plans the same with production's state as with its whole manifest, v%s",
    async (version) => {
      const pair = changedProject(version)
      const pr = await read(pair.pr)
      const options = { ...DBT_OPTIONS, downstream: true, seeds: true }
      const state = await readManifestState('prod.json', textIo(JSON.stringify(pair.prod)))
      const plan = planDbt(state, pr, options)
      expect(plan).toEqual(planDbt(await read(pair.prod), pr, options))
      expect(plan.picked.length + plan.skipped.length).toBeGreaterThan(3)
    }
  )
})

describe('a large manifest', () => {
  // Hang guard only: 1,000 models (about 20 MB) take under a second on this machine; 10× margin.
  it('is read to the last model', async () => {
    const big = manifestDir()
    const { pr } = writeBigManifestPair(big, { models: 1000, changedEvery: 25 })
    const manifest = await readManifest(pr, fileIo)
    expect(manifest.nodes.size).toBe(1000)
    expect(manifest.tests).toHaveLength(2000)
    expect(manifest.nodes.get('model.warehouse.model_999')?.dependsOnNodes).toEqual([
      'model.warehouse.model_998'
    ])
  }, 60_000)
})
