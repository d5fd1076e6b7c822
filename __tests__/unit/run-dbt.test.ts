// dbt mode's part of a run: which files it opens and in what order, what it refuses before any
// request, how its diffs join the plan's, and what the log says of the models not compared.
import { describe, expect, it } from '@jest/globals'
import { changedProject } from '../../__fixtures__/dbt-manifests.js'
import { buildRunResults } from '../../__fixtures__/dbt-run-results.js'
import { inputProblems } from '../../__fixtures__/input-problems.js'
import type { DbtPlan } from '../../src/dbt/plan-dbt.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import type { PlannedDiff } from '../../src/plan/merge.js'
import type { ParsedPlan } from '../../src/plan/plan.js'
import {
  allPlanned,
  dbtReport,
  notComparable,
  readDbtPlan,
  tellSkipped
} from '../../src/run-dbt.js'

const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const inputs = (raw: Partial<RawInputs> = {}) =>
  parseInputs({
    ...blank,
    'api-key': 'k',
    'dbt-prod-manifest': 'prod/manifest.json',
    'data-source': 'warehouse',
    ...raw
  })
const NO_PLAN: ParsedPlan = { diffs: [], defaults: {}, rules: [] }

/** Serves the manifests of the project by path, and records what was opened. */
function files(contents: Record<string, unknown> = changedFiles()) {
  const opened: string[] = []
  return {
    opened,
    openManifest: async function* (path: string) {
      opened.push(path)
      const content = contents[path]
      if (content === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' })
      }
      yield await Promise.resolve(Buffer.from(JSON.stringify(content)))
    }
  }
}

function changedFiles(): Record<string, unknown> {
  const { prod, pr } = changedProject(12)
  return { 'prod/manifest.json': prod, 'target/manifest.json': pr }
}

describe('readDbtPlan', () => {
  it('reads production first, then the PR build, and plans the changed models', async () => {
    const io = files()
    const plan = await readDbtPlan(inputs(), NO_PLAN, io)
    expect(io.opened).toEqual(['prod/manifest.json', 'target/manifest.json'])
    expect(plan?.picked.map((model) => model.diff.name)).toEqual([
      'customers',
      'orders',
      'payments'
    ])
    expect(plan?.picked[0]?.diff.dataSourceA).toEqual({ name: 'warehouse' })
  })

  it("takes the data source from the plan's defaults when the input is not set", async () => {
    const plan = await readDbtPlan(
      inputs({ 'data-source': '' }),
      { ...NO_PLAN, defaults: { 'data-source': 42 } },
      files()
    )
    expect(plan?.picked.map((model) => model.diff.dataSourceB)).toEqual([
      { id: 42 },
      { id: 42 },
      { id: 42 }
    ])
  })

  it('reads dbt-run-results last, through the same I/O, and compares only what the build built', async () => {
    const { pr } = changedProject(12)
    const runResults = buildRunResults(pr, { statuses: { 'model.jaffle_shop.orders': 'error' } })
    const io = files({ ...changedFiles(), 'target/run_results.json': runResults })
    const plan = await readDbtPlan(
      inputs({ 'dbt-run-results': 'target/run_results.json' }),
      NO_PLAN,
      io
    )
    expect(io.opened).toEqual([
      'prod/manifest.json',
      'target/manifest.json',
      'target/run_results.json'
    ])
    expect(plan?.picked.map((model) => model.diff.name)).toEqual(['customers', 'payments'])
    expect(notComparable(plan)).toContain(
      "orders (models/marts/orders.sql): not built: target/run_results.json says error: its table in the PR's schema is missing or stale; fix the build"
    )
  })

  it('is off without dbt-prod-manifest, opening nothing', async () => {
    const io = files()
    expect(
      await readDbtPlan(inputs({ 'dbt-prod-manifest': '', 'diff-ids': '1' }), NO_PLAN, io)
    ).toBeNull()
    expect(io.opened).toEqual([])
  })

  it('refuses to start without a data source, before reading a manifest', async () => {
    const io = files()
    await expect(readDbtPlan(inputs({ 'data-source': '' }), NO_PLAN, io)).rejects.toThrow(
      /data-source: dbt mode needs the Datafold data source/
    )
    expect(io.opened).toEqual([])
  })

  it.each([
    {
      what: "production's manifest is missing",
      contents: { 'target/manifest.json': {} },
      problem: /^Invalid input: dbt-prod-manifest: prod\/manifest\.json: /
    },
    {
      what: 'the PR build wrote a run_results.json where the manifest should be',
      contents: {
        ...changedFiles(),
        'target/manifest.json': {
          metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' }
        }
      },
      problem: /^Invalid input: dbt-manifest: target\/manifest\.json: .*run.results/i
    },
    {
      what: 'dbt-run-results names a manifest',
      contents: { ...changedFiles(), 'target/run_results.json': changedProject(12).pr },
      raw: { 'dbt-run-results': 'target/run_results.json' },
      problem:
        /^Invalid input: dbt-run-results: target\/run_results\.json: a dbt manifest artifact, not run_results\.json/
    }
  ])('names the input and the file when $what', async ({ contents, problem, ...rest }) => {
    const raw = 'raw' in rest ? rest.raw : {}
    await expect(readDbtPlan(inputs(raw), NO_PLAN, files(contents))).rejects.toThrow(problem)
  })
})

const entry = (name: string) => ({ name }) as PlannedDiff
const dbtPlan = (names: string[], skipped: DbtPlan['skipped'] = []): DbtPlan => ({
  project: 'jaffle_shop',
  unchanged: 2,
  picked: names.map((name) => ({
    uniqueId: `model.jaffle_shop.${name}`,
    path: `models/${name}.sql`,
    why: ['body changed'],
    keyFrom: 'unique test',
    diff: { ...entry(name), primaryKey: ['ID'] }
  })),
  skipped
})

describe('allPlanned', () => {
  it("puts the plan's entries first, then dbt mode's models", () => {
    const plan = { ...NO_PLAN, diffs: [entry('revenue')] }
    expect(allPlanned(plan, dbtPlan(['orders'])).map((d) => d.name)).toEqual(['revenue', 'orders'])
  })

  it("refuses a plan entry with a model's name, which would mix their results", () => {
    const plan = { ...NO_PLAN, diffs: [entry('orders')] }
    expect(inputProblems(() => allPlanned(plan, dbtPlan(['orders'])))).toEqual([
      'plan: entry orders has the name of a dbt model dbt mode compares; rename the entry'
    ])
  })

  it('refuses rules without dbt mode, where they would silently do nothing', () => {
    const plan = { ...NO_PLAN, rules: [{ match: { tag: 'finance' } }] } as ParsedPlan
    expect(inputProblems(() => allPlanned(plan, null))).toEqual([
      "plan: rules apply to dbt mode's models only: set dbt-prod-manifest, or remove the rules"
    ])
  })
})

describe('the models not compared', () => {
  const skipped: DbtPlan['skipped'] = [
    ...[
      ['events', 'no key', 'tag its key column'],
      ['payments', 'not built', 'target/run_results.json says error'],
      ['order_items', 'new', 'nothing to compare against'],
      ['stg_orders', 'ephemeral', 'it builds no table'],
      ['legacy', 'never_diff', 'meta.datafold.datadiff.never_diff is set'],
      ['old', 'removed', 'removed by this PR']
    ].map(([name = '', reason, detail = '']) => ({
      uniqueId: `model.jaffle_shop.${name}`,
      name,
      path: `models/${name}.sql`,
      reason: reason as DbtPlan['skipped'][number]['reason'],
      detail
    }))
  ]
  const plan = dbtPlan(['orders'], skipped)

  it('fail the step under fail-on-skipped only where a model could have been compared', () => {
    expect(notComparable(plan)).toEqual([
      'events (models/events.sql): no key: tag its key column',
      'payments (models/payments.sql): not built: target/run_results.json says error',
      'stg_orders (models/stg_orders.sql): ephemeral: it builds no table'
    ])
    expect(notComparable(null)).toEqual([])
  })

  it('are warnings where they could have been compared, and information otherwise', () => {
    const log: string[] = []
    const io = {
      info: (m: string) => log.push(`info: ${m}`),
      warning: (m: string) => log.push(`warning: ${m}`)
    }
    tellSkipped(plan, io, false)
    expect(log).toEqual([
      'info: dbt project jaffle_shop: 1 changed model to compare, 6 not compared, 2 unchanged',
      'warning: dbt model not compared: events (models/events.sql): no key: tag its key column',
      'warning: dbt model not compared: payments (models/payments.sql): not built: target/run_results.json says error',
      'info: dbt model not compared: order_items (models/order_items.sql): new: nothing to compare against',
      'warning: dbt model not compared: stg_orders (models/stg_orders.sql): ephemeral: it builds no table',
      'info: dbt model not compared: legacy (models/legacy.sql): never_diff: meta.datafold.datadiff.never_diff is set',
      'info: dbt model not compared: old (models/old.sql): removed: removed by this PR'
    ])
  })

  it('are not warned of twice under fail-on-skipped, which names them in the failure', () => {
    const warnings: string[] = []
    tellSkipped(plan, { info: () => undefined, warning: (m) => warnings.push(m) }, true)
    expect(warnings).toEqual([])
  })

  it('reach the report with each compared model’s key as sent and where it came from', () => {
    expect(dbtReport(plan)).toEqual({
      project: 'jaffle_shop',
      unchanged: 2,
      picked: [
        {
          name: 'orders',
          path: 'models/orders.sql',
          why: ['body changed'],
          keyFrom: 'ID · unique test'
        }
      ],
      skipped: skipped.map(({ name, path, reason, detail }) => ({ name, path, reason, detail }))
    })
  })
})
