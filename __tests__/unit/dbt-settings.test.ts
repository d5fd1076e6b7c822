// dbt mode, each model's settings: Datafold's meta.datafold.datadiff keys, this action's
// thresholds from meta.datafold_diff_gate, the plan's rules (globs, tags, the first match) and
// the precedence meta > rule > plan defaults > step, each limit with its source; every bad value
// reported at once, naming the model, its file and the key.
import { describe, expect, it } from '@jest/globals'
import { DBT_OPTIONS, inPr, manifest, node } from '../../__fixtures__/dbt-model.js'
import type { DbtNode } from '../../src/dbt/manifest.js'
import { DbtPlanError, planDbt, type DbtPlanOptions } from '../../src/dbt/plan-dbt.js'
import { parsePlan, PlanError } from '../../src/plan/plan.js'
import type { DbtRule } from '../../src/plan/schema.js'
import type { Thresholds } from '../../src/limits.js'

const STEP: Thresholds = {
  max: { 'rows-removed': { kind: 'count', value: 0 } },
  minColumnMatch: null,
  ignoreColumns: []
}
const OPTIONS: DbtPlanOptions = { ...DBT_OPTIONS, thresholds: STEP }

/** The plan for the given models, each changed in the PR. */
function planChanged(models: Partial<DbtNode>[], options: Partial<DbtPlanOptions> = {}) {
  const prod = models.map((m) => node(m))
  return planDbt(
    manifest({ nodes: prod }),
    manifest({ nodes: prod.map((n) => inPr(n, { bodyDigest: 'b2' })) }),
    { ...OPTIONS, ...options }
  )
}

function diffOf(model: Partial<DbtNode>, options: Partial<DbtPlanOptions> = {}) {
  const diff = planChanged([model], options).picked[0]?.diff
  if (!diff) throw new Error('nothing picked')
  return diff
}

function problemsOf(models: Partial<DbtNode>[]): string[] {
  try {
    planChanged(models)
  } catch (error) {
    if (error instanceof DbtPlanError) return error.problems
    throw error
  }
  throw new Error('expected a DbtPlanError')
}

const datadiff = (settings: Record<string, unknown>) => ({
  meta: { datafold: { datadiff: settings } }
})

describe("Datafold's meta.datafold.datadiff keys", () => {
  it('gives the diff its filter, columns and time travel', () => {
    const diff = diffOf(
      datadiff({
        filter: 'user_id > 2350',
        include_columns: ['id', 'amount'],
        exclude_columns: 'note',
        prod_time_travel: ['2022-02-07T00:00:00'],
        pr_time_travel: -3600,
        time_column: 'created_at'
      })
    )
    expect(diff).toEqual({
      name: 'orders',
      dataSourceA: { name: 'warehouse' },
      dataSourceB: { name: 'warehouse' },
      datasetA: { table: ['analytics', 'prod', 'orders'] },
      datasetB: { table: ['analytics', 'pr_482', 'orders'] },
      primaryKey: ['id'],
      includeColumns: ['id', 'amount'],
      excludeColumns: ['note'],
      filterA: 'user_id > 2350',
      filterB: 'user_id > 2350',
      sampling: null,
      timeTravelA: '2022-02-07T00:00:00',
      timeTravelB: -3600,
      tags: ['dbt'],
      thresholds: { ...STEP, sources: {} }
    })
  })

  it('none set: no filter, all columns, no time travel', () => {
    expect(diffOf({})).toMatchObject({
      includeColumns: null,
      excludeColumns: null,
      filterA: null,
      filterB: null,
      timeTravelA: null,
      timeTravelB: null
    })
  })

  it('never_diff: true skips the model', () => {
    expect(planChanged([datadiff({ never_diff: true })]).skipped).toEqual([
      {
        uniqueId: 'model.jaffle_shop.orders',
        name: 'orders',
        path: 'models/orders.sql',
        reason: 'never_diff',
        detail: 'meta.datafold.datadiff.never_diff is set'
      }
    ])
  })
})

describe('thresholds: model meta > first matching rule > plan defaults > step', () => {
  const rules: DbtRule[] = [
    { match: { name: 'stg_*' }, 'max-rows-changed': '10%', 'max-rows-added': 100 },
    { match: { tag: 'finance' }, 'max-rows-changed': '0', 'min-column-match': '99' }
  ]
  const defaults = { 'max-rows-changed': '20%', 'max-null-pks': 0, 'primary-key': 'ignored' }

  it('layers each limit with where it came from', () => {
    const diff = diffOf(
      {
        name: 'stg_orders',
        tags: ['finance'],
        meta: { datafold_diff_gate: { 'max-rows-added': '5%' } }
      },
      { rules, defaults }
    )
    expect(diff.thresholds).toEqual({
      max: {
        'rows-removed': { kind: 'count', value: 0 },
        'rows-changed': { kind: 'percent', value: 10 },
        'rows-added': { kind: 'percent', value: 5 },
        'null-pks': { kind: 'count', value: 0 }
      },
      minColumnMatch: null,
      ignoreColumns: [],
      sources: {
        'max-rows-changed': 'rule 1 (name: stg_*)',
        'max-rows-added': 'model meta',
        'max-null-pks': 'plan defaults'
      }
    })
  })

  it.each([
    ['no rule matches: the plan defaults', { name: 'orders' }, '20%', 'plan defaults'],
    ['a tag rule', { name: 'orders', tags: ['finance'] }, '0', 'rule 2 (tag: finance)'],
    [
      'the first matching rule',
      { name: 'stg_x', tags: ['finance'] },
      '10%',
      'rule 1 (name: stg_*)'
    ],
    [
      'model meta over all',
      { name: 'stg_x', meta: { datafold_diff_gate: { 'max-rows-changed': '1%' } } },
      '1%',
      'model meta'
    ],
    [
      'an empty value in meta: not checked',
      { name: 'stg_x', meta: { datafold_diff_gate: { 'max-rows-changed': '' } } },
      undefined,
      'model meta'
    ]
  ])('%s', (_what, model, limit, source) => {
    const { thresholds } = diffOf(model, { rules, defaults })
    const shown = thresholds.max['rows-changed']
    expect(
      shown === undefined ? undefined : `${shown.value}${shown.kind === 'percent' ? '%' : ''}`
    ).toBe(limit)
    expect(thresholds.sources?.['max-rows-changed']).toBe(source)
  })

  it.each([
    [
      'a path glob with **',
      { path: 'models/staging/**' },
      'models/staging/shop/stg_orders.sql',
      true
    ],
    [
      'a path glob with * within a folder',
      { path: 'models/*/stg_*.sql' },
      'models/staging/stg_orders.sql',
      true
    ],
    ['* does not cross folders', { path: 'models/*.sql' }, 'models/staging/stg_orders.sql', false],
    [
      'name and path both',
      { name: 'stg_*', path: 'models/marts/**' },
      'models/staging/stg_orders.sql',
      false
    ],
    ['an exact tag', { tag: 'fin' }, 'models/staging/stg_orders.sql', false]
  ])('rules match %s', (_what, match, path, applies) => {
    const rule: DbtRule = { match, 'max-rows-changed': '3' }
    const { thresholds } = diffOf(
      { name: 'stg_orders', path, tags: ['finance'] },
      { rules: [rule] }
    )
    expect(thresholds.max['rows-changed'] !== undefined).toBe(applies)
  })
})

describe('problems', () => {
  it('lists every bad value at once, naming the model, its file and the key', () => {
    const bad = {
      meta: {
        'primary-key': 3,
        datafold: { datadiff: { filter: 7, never_diff: 'yes', pr_time_travel: ['a', 'b'] } },
        datafold_diff_gate: { 'max-rows-changed': 'lots', 'max-row-added': 5 }
      }
    }
    expect(
      problemsOf([bad, { name: 'customers', meta: { datafold_diff_gate: 'strict' } }])
    ).toEqual([
      'model customers (models/customers.sql): meta.datafold_diff_gate: expected thresholds by their input names (max-rows-changed: 5%)',
      'model orders (models/orders.sql): meta.datafold.datadiff.filter: expected some text',
      'model orders (models/orders.sql): meta.datafold.datadiff.never_diff: expected true or false',
      'model orders (models/orders.sql): meta.datafold.datadiff.pr_time_travel: expected one time point',
      'model orders (models/orders.sql): meta.datafold_diff_gate.max-row-added: unknown key; did you mean max-rows-added?',
      expect.stringMatching(
        /^model orders \(models\/orders\.sql\): meta\.datafold_diff_gate\.max-rows-changed: /
      ),
      'model orders (models/orders.sql): meta.primary-key: expected a column name or a list of them'
    ])
  })

  it('says which manifest and that no diff was created', () => {
    expect(() =>
      planChanged([{ meta: { datafold_diff_gate: { 'max-rows-changed': 'x' } } }])
    ).toThrow(
      /^Invalid dbt project \(target\/manifest\.json\), 1 problem; no diff was created:\n- model orders/
    )
  })

  it('does not read the settings of models that did not change', () => {
    const prod = node({ meta: { datafold_diff_gate: 'strict' } })
    const result = planDbt(manifest({ nodes: [prod] }), manifest({ nodes: [inPr(prod)] }), OPTIONS)
    expect(result).toEqual({ project: 'jaffle_shop', picked: [], skipped: [], unchanged: 1 })
  })
})

describe('rules in the plan file', () => {
  const options = {
    source: 'plan',
    context: { pr: 482, sha: null, env: {} },
    dataSource: 'warehouse',
    thresholds: STEP
  }
  function problems(yaml: string): string[] {
    try {
      parsePlan(yaml, options)
    } catch (error) {
      if (error instanceof PlanError) return error.problems
      throw error
    }
    throw new Error('expected a PlanError')
  }

  it('a plan of rules and defaults only, no diffs', () => {
    const plan = parsePlan(
      `defaults: { max-rows-changed: 5% }
rules:
  - match: { name: "stg_*" }
    max-rows-changed: 10%
  - match: { path: "models/finance/**", tag: pii }
    max-null-pks: 0`,
      options
    )
    expect(plan).toEqual({
      diffs: [],
      defaults: { 'max-rows-changed': '5%' },
      rules: [
        { match: { name: 'stg_*' }, 'max-rows-changed': '10%' },
        { match: { path: 'models/finance/**', tag: 'pii' }, 'max-null-pks': 0 }
      ],
      lines: new Map()
    })
  })

  it.each([
    [
      'neither diffs nor rules',
      'defaults: {}',
      'diffs: none given: list the diffs to create, or rules for dbt mode, or both'
    ],
    [
      'a match with no keys',
      'rules: [{ match: {}, max-rows-added: 1 }]',
      'rule 1: match: give name, path or tag'
    ],
    [
      'no match',
      'rules: [{ max-rows-added: 1 }]',
      'rule 1: match: expected name, path or tag to match'
    ],
    [
      'a misspelt threshold',
      'rules: [{ match: { tag: pii }, max-row-added: 1 }]',
      'rule 1 (tag: pii): max-row-added: unknown key; did you mean max-rows-added?'
    ],
    [
      'a misspelt match key',
      'rules: [{ match: { nam: x } }]',
      'rule 1: match: nam: unknown key; did you mean name?'
    ],
    [
      'a bad threshold',
      'rules: [{ match: { name: "a*" }, max-rows-added: lots }]',
      expect.stringMatching(/^rule 1 \(name: a\*\): max-rows-added: /)
    ]
  ])('refuses %s', (_what, yaml, problem) => {
    expect(problems(yaml)).toEqual([problem])
  })
})
