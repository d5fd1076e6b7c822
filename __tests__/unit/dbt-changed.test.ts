// dbt mode, which models a PR changed: dbt's state:modified rules, the root project, packages,
// seeds, ephemeral models, new and removed ones, and what is downstream.
import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { DBT_OPTIONS, inPr, macro, manifest, node, PROJECT } from '../../__fixtures__/dbt-model.js'
import type { DbtNode } from '../../src/dbt/manifest.js'
import { planDbt, type DbtPlanOptions } from '../../src/dbt/plan-dbt.js'

type ManifestParts = Parameters<typeof manifest>[0]

const OPTIONS = DBT_OPTIONS

function plan(
  prod: DbtNode[],
  pr: DbtNode[],
  options: Partial<DbtPlanOptions> = {},
  manifests: { prod?: ManifestParts; pr?: ManifestParts } = {}
) {
  return planDbt(
    manifest({ nodes: prod, ...manifests.prod }),
    manifest({ nodes: pr, ...manifests.pr }),
    { ...OPTIONS, ...options }
  )
}

/** Each picked model's name and why; each skipped one's name and reason. */
function summary(result: ReturnType<typeof plan>) {
  return {
    picked: result.picked.map((p) => [p.diff.name, p.why]),
    skipped: result.skipped.map((s) => [s.name, s.reason]),
    unchanged: result.unchanged
  }
}

const orders = node({ name: 'orders' })

describe('what counts as changed', () => {
  it.each([
    ['the body', { bodyDigest: 'new body' }, ['body changed']],
    ['the unrendered config', { configDigest: '{"materialized":"view"}' }, ['config changed']],
    ['a persisted description', { persistedDocsDigest: 'd2' }, ['persisted description changed']],
    ['the folder', { fqn: `${PROJECT}.marts.orders` }, ['moved to another folder']],
    [
      'the version or access',
      { refDigest: '{"access":"public"}' },
      ['version, access or deprecation date changed']
    ],
    [
      'body and config',
      { bodyDigest: 'b2', configDigest: 'c2' },
      ['body changed', 'config changed']
    ]
  ] as const)('%s', (_what, change, why) => {
    expect(summary(plan([orders], [inPr(orders, change)])).picked).toEqual([['orders', why]])
  })

  it('not where the PR build puts the relation: database, schema, alias, relation name', () => {
    const moved = inPr(orders, {
      database: 'dev',
      schema: 'dbt_ann',
      alias: 'orders_v',
      relationName: 'dev.dbt_ann.orders_v'
    })
    expect(summary(plan([orders], [moved]))).toEqual({ picked: [], skipped: [], unchanged: 1 })
  })

  it('a seed by its file, only when seeds are asked for', () => {
    const seed = node({ name: 'countries', resourceType: 'seed', materialized: 'seed' })
    const changed = inPr(seed, { bodyDigest: 'other file' })
    expect(summary(plan([seed], [changed]))).toEqual({ picked: [], skipped: [], unchanged: 0 })
    expect(summary(plan([seed], [changed], { seeds: true })).picked).toEqual([
      ['countries', ['seed file changed']]
    ])
  })

  it.each(['incremental', 'view', 'snapshot', 'dynamic_table', 'materialized_view'])(
    'a model materialized as %s is compared',
    (materialized) => {
      const model = node({ materialized })
      expect(plan([model], [inPr(model, { bodyDigest: 'b2' })]).picked).toHaveLength(1)
    }
  )
})

describe('macros', () => {
  const star = macro('macro.dbt_utils.star', 's1')
  const mine = macro(`macro.${PROJECT}.cents`, 'c1', ['macro.dbt_utils.star'])
  const user = node({ dependsOnMacros: [`macro.${PROJECT}.cents`] })

  it.each([
    [
      'a macro the model uses changed',
      [star, { ...mine, digest: 'c2' }],
      [`macro ${PROJECT}.cents changed`]
    ],
    [
      'a macro it uses through another one changed',
      [{ ...star, digest: 's2' }, mine],
      ['macro dbt_utils.star changed']
    ],
    [
      'a macro it uses is new',
      [
        star,
        { ...mine, dependsOnMacros: ['macro.dbt_utils.new'] },
        macro('macro.dbt_utils.new', 'n')
      ],
      ['macro dbt_utils.new changed']
    ],
    [
      'several macros changed',
      [
        { ...star, digest: 's2' },
        { ...mine, digest: 'c2' }
      ],
      [`macros dbt_utils.star, ${PROJECT}.cents changed`]
    ]
  ])('%s', (_what, prMacros, why) => {
    const result = plan(
      [user],
      [inPr(user)],
      {},
      { prod: { macros: [star, mine] }, pr: { macros: prMacros } }
    )
    expect(summary(result).picked).toEqual([['orders', why]])
  })

  it('a cycle of macros ends', () => {
    const a = macro('macro.p.a', 'a1', ['macro.p.b'])
    const b = macro('macro.p.b', 'b1', ['macro.p.a'])
    const model = node({ dependsOnMacros: ['macro.p.a'] })
    const result = plan(
      [model],
      [inPr(model)],
      {},
      { prod: { macros: [a, b] }, pr: { macros: [a, { ...b, digest: 'b2' }] } }
    )
    expect(summary(result).picked).toEqual([['orders', ['macro p.b changed']]])
  })

  it('a macro no model uses changes nothing', () => {
    const result = plan(
      [user],
      [inPr(user)],
      {},
      { prod: { macros: [star, mine] }, pr: { macros: [star, mine, macro('macro.p.other', 'o')] } }
    )
    expect(summary(result)).toEqual({ picked: [], skipped: [], unchanged: 1 })
  })

  it('names the first three of many', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => macro(`macro.p.${n}`, n))
    const model = node({ dependsOnMacros: many.map((m) => m.uniqueId) })
    const result = plan(
      [model],
      [inPr(model)],
      {},
      { prod: { macros: many }, pr: { macros: many.map((m) => ({ ...m, digest: 'x' })) } }
    )
    expect(summary(result).picked).toEqual([
      ['orders', ['macros p.a, p.b, p.c and 2 more changed']]
    ])
  })
})

describe('new, removed, ephemeral', () => {
  it('lists a new model and a removed one as skipped, with their reasons', () => {
    const customers = node({ name: 'customers' })
    const result = plan([orders], [inPr(customers)])
    expect(result.skipped).toEqual([
      {
        uniqueId: customers.uniqueId,
        name: 'customers',
        path: 'models/customers.sql',
        reason: 'new',
        detail: 'nothing to compare against'
      },
      {
        uniqueId: orders.uniqueId,
        name: 'orders',
        path: 'models/orders.sql',
        reason: 'removed',
        detail: 'removed by this PR'
      }
    ])
    expect(result.unchanged).toBe(0)
  })

  it('skips a changed ephemeral model, and one that was ephemeral in production', () => {
    const helper = node({ name: 'helper', materialized: 'ephemeral', relationName: null })
    const was = node({ name: 'was_ephemeral', materialized: 'ephemeral', relationName: null })
    const result = plan(
      [helper, was],
      [inPr(helper, { bodyDigest: 'b2' }), inPr(was, { materialized: 'table', configDigest: 'c2' })]
    )
    expect(summary(result).skipped).toEqual([
      ['helper', 'ephemeral'],
      ['was_ephemeral', 'not materialized']
    ])
  })
})

describe('the root project and packages', () => {
  const own = node({ name: 'orders' })
  const theirs = node({ name: 'dates', packageName: 'dbt_date' })
  const both = {
    prod: [own, theirs],
    pr: [inPr(own, { bodyDigest: 'b2' }), inPr(theirs, { bodyDigest: 'b2' })]
  }

  it('compares only the root project, by metadata.project_name', () => {
    expect(summary(plan(both.prod, both.pr)).picked).toEqual([['orders', ['body changed']]])
  })

  it('and the packages asked for', () => {
    const result = summary(plan(both.prod, both.pr, { packages: ['dbt_date'] }))
    expect(result.picked.map(([name]) => name)).toEqual(['dates', 'orders'])
  })

  it('finds the root project of an older manifest by the md5 of its name (project_id)', () => {
    const projectId = createHash('md5').update('dbt_date').digest('hex')
    const older = { projectName: null, projectId }
    const result = plan(both.prod, both.pr, {}, { prod: older, pr: older })
    expect(result.project).toBe('dbt_date')
    expect(summary(result).picked).toEqual([['dates', ['body changed']]])
  })

  it('refuses manifests that do not tell the root project', () => {
    const unknown = { projectName: null, projectId: 'f'.repeat(32) }
    expect(() => plan(both.prod, both.pr, {}, { prod: unknown, pr: unknown })).toThrow(
      /cannot tell the root project/
    )
  })

  const md5 = (name: string) => createHash('md5').update(name).digest('hex')
  const named = (name: string) => ({ projectName: name, projectId: md5(name) })
  const idOnly = (name: string) => ({ projectName: null, projectId: md5(name) })

  it.each([
    ['both named (v10 and later)', named('other_shop'), named(PROJECT), 'other_shop'],
    [
      'both by project_id alone (v7 to v9)',
      idOnly('other_shop'),
      idOnly(PROJECT),
      'with project_id'
    ],
    ['a v8 production against a v12 PR', idOnly('other_shop'), named(PROJECT), 'with project_id'],
    ['a v12 production against a v8 PR', named('other_shop'), idOnly(PROJECT), 'other_shop']
  ])(
    "refuses production's manifest of another project, %s, where every model would look new",
    (_case, prod, pr, prodShown) => {
      expect(() => plan(both.prod, both.pr, {}, { prod, pr })).toThrow(
        new RegExp(
          `is the manifest of project ${prodShown}.*, and .* of project ${PROJECT}: give production's`
        )
      )
    }
  )

  it.each([
    ['both named', named(PROJECT), named(PROJECT)],
    ['by project_id alone', idOnly(PROJECT), idOnly(PROJECT)],
    ['one named, one by project_id', idOnly(PROJECT), named(PROJECT)],
    ['production telling neither', { projectName: null, projectId: null }, named(PROJECT)]
  ])('takes manifests of the same project: %s', (_case, prod, pr) => {
    expect(plan(both.prod, both.pr, {}, { prod, pr }).project).toBe(PROJECT)
  })

  it('names a picked model by package and name when two share a name', () => {
    const copy = node({ name: 'orders', packageName: 'shop_core' })
    const result = plan(
      [own, copy],
      [inPr(own, { bodyDigest: 'b2' }), inPr(copy, { bodyDigest: 'b2' })],
      { packages: ['shop_core'] }
    )
    expect(result.picked.map((p) => p.diff.name)).toEqual([`${PROJECT}.orders`, 'shop_core.orders'])
  })
})

describe('downstream', () => {
  const stg = node({ name: 'stg_orders' })
  const eph = node({
    name: 'int_orders',
    materialized: 'ephemeral',
    relationName: null,
    dependsOnNodes: [stg.uniqueId]
  })
  const mart = node({ name: 'fct_orders', dependsOnNodes: [eph.uniqueId] })
  const report = node({ name: 'rpt_orders', dependsOnNodes: [mart.uniqueId] })
  const fresh = node({ name: 'new_orders', dependsOnNodes: [stg.uniqueId] })
  const prod = [stg, eph, mart, report]
  const pr = [inPr(stg, { bodyDigest: 'b2' }), inPr(eph), inPr(mart), inPr(report), inPr(fresh)]

  it('is off by default', () => {
    expect(summary(plan(prod, pr)).picked).toEqual([['stg_orders', ['body changed']]])
  })

  it('takes every generation, through ephemeral models, and not models new in the PR', () => {
    expect(summary(plan(prod, pr, { downstream: true }))).toEqual({
      picked: [
        ['fct_orders', ['downstream of stg_orders']],
        ['rpt_orders', ['downstream of stg_orders']],
        ['stg_orders', ['body changed']]
      ],
      skipped: [['new_orders', 'new']],
      unchanged: 1
    })
  })

  it('names the nearest changed model upstream', () => {
    const changedMart = pr.map((n) => (n.name === 'fct_orders' ? { ...n, bodyDigest: 'b2' } : n))
    expect(summary(plan(prod, changedMart, { downstream: true })).picked).toEqual([
      ['fct_orders', ['body changed']],
      ['rpt_orders', ['downstream of fct_orders']],
      ['stg_orders', ['body changed']]
    ])
  })
})
