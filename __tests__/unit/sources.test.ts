// The sources of diffs, read as a run reads them: the ids given, the plan's entries, dbt mode's
// models, in that order and all before any request; which files dbt mode opens and in what
// order, what is refused, and what the log says of the models not compared.
import { describe, expect, it } from '@jest/globals'
import { changedProject } from '../../__fixtures__/dbt-manifests.js'
import { buildRunResults } from '../../__fixtures__/dbt-run-results.js'
import type { DbtPlan } from '../../src/dbt/plan-dbt.js'
import { describeSkipped, needsAction } from '../../src/dbt/skipped.js'
import { INPUT_NAMES, InputError, parseInputs, type RawInputs } from '../../src/inputs.js'
import { dbtReport } from '../../src/report/dbt.js'
import { readSources } from '../../src/sources/read-sources.js'
import { nameOf, type Source } from '../../src/sources/source.js'

const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const inputs = (raw: Partial<RawInputs> = {}) =>
  parseInputs({
    ...blank,
    'api-key': 'k',
    'dbt-prod-manifest': 'prod/manifest.json',
    'data-source': 'warehouse',
    ...raw
  })
const TARGET = { pr: 482, sha: 'a1b2c3d', env: {} }

/** Serves the manifests of the project by path, records what was opened and logged. */
function files(contents: Record<string, unknown> = changedFiles()) {
  const opened: string[] = []
  const log: string[] = []
  return {
    opened,
    log,
    info: (m: string) => log.push(`info: ${m}`),
    warning: (m: string) => log.push(`warning: ${m}`),
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

const read = (raw: Partial<RawInputs> = {}, io = files()) => readSources(inputs(raw), TARGET, io)
/** The problems the InputError `reading` rejects with lists. */
async function problemsOf(reading: Promise<unknown>): Promise<string[]> {
  const error = await reading.then(
    () => null,
    (e: unknown) => e
  )
  if (error instanceof InputError) return error.problems
  throw new Error(`expected an InputError, got ${String(error)}`)
}

const requests = (source: Source) =>
  source.diffs.flatMap((diff) => (diff.kind === 'requested' ? [diff.request] : []))

describe('readSources', () => {
  it('gives the ids first, then the plan’s entries, then dbt’s models, each with its limits', async () => {
    const source = await read({
      'diff-ids': '9, 8',
      'max-rows-changed': '1%',
      plan: 'diffs: [{ name: revenue, table-a: a.r, table-b: b.r, primary-key: id, max-rows-changed: 5% }]'
    })
    expect(source.diffs.map(nameOf)).toEqual([
      'diff 9',
      'diff 8',
      'revenue',
      'customers',
      'orders',
      'payments'
    ])
    expect(source.diffs.map((diff) => (diff.kind === 'requested' ? diff.from : 'given'))).toEqual([
      'given',
      'given',
      'plan entry',
      'dbt model',
      'dbt model',
      'dbt model'
    ])
    const [given, , revenue] = source.diffs
    expect(given?.kind === 'given' && given.thresholds.max['rows-changed']).toEqual({
      kind: 'percent',
      value: 1
    })
    expect(revenue?.kind === 'requested' && revenue.request.thresholds.max['rows-changed']).toEqual(
      {
        kind: 'percent',
        value: 5
      }
    )
    expect(source.dbt?.project).toBe('jaffle_shop')
  })

  it('reads production first, then the PR build, and plans the changed models', async () => {
    const io = files()
    const source = await read({}, io)
    expect(io.opened).toEqual(['prod/manifest.json', 'target/manifest.json'])
    expect(requests(source).map((diff) => diff.name)).toEqual(['customers', 'orders', 'payments'])
    expect(requests(source)[0]?.dataSourceA).toEqual({ name: 'warehouse' })
  })

  it('reads dbt-run-results last, through the same I/O, and compares only what the build built', async () => {
    const { pr } = changedProject(12)
    const runResults = buildRunResults(pr, { statuses: { 'model.jaffle_shop.orders': 'error' } })
    const io = files({ ...changedFiles(), 'target/run_results.json': runResults })
    const source = await read({ 'dbt-run-results': 'target/run_results.json' }, io)
    expect(io.opened).toEqual([
      'prod/manifest.json',
      'target/manifest.json',
      'target/run_results.json'
    ])
    expect(requests(source).map((diff) => diff.name)).toEqual(['customers', 'payments'])
    expect(source.dbt?.skipped.filter((m) => needsAction(m.reason)).map(describeSkipped)).toContain(
      "orders (models/marts/orders.sql): not built: target/run_results.json says error: its table in the PR's schema is missing or stale; fix the build"
    )
  })

  it('compares every changed model when dbt docs generate wrote run_results.json, and says so', async () => {
    const { pr } = changedProject(12)
    const docs = buildRunResults(pr, {
      command: 'generate',
      statuses: { 'model.jaffle_shop.orders': 'absent' }
    })
    const io = files({ ...changedFiles(), 'target/run_results.json': docs })
    const source = await read({ 'dbt-run-results': 'target/run_results.json' }, io)
    expect(requests(source).map((diff) => diff.name)).toEqual(['customers', 'orders', 'payments'])
    expect(io.log).toContain(
      'warning: target/run_results.json was written by dbt docs generate, not by the build: every changed model is compared, built or not. Generate the docs in a step before the build, or not at all'
    )
  })

  it("takes the data source from the plan's defaults when the input is not set", async () => {
    const source = await read({
      'data-source': '',
      plan: 'defaults: { data-source: 42 }\nrules: [{ match: { tag: none }, max-rows-changed: 1% }]'
    })
    expect(requests(source).map((diff) => diff.dataSourceB)).toEqual([
      { id: 42 },
      { id: 42 },
      { id: 42 }
    ])
  })

  it('leaves dbt mode off without dbt-prod-manifest, opening nothing', async () => {
    const io = files()
    const source = await read({ 'dbt-prod-manifest': '', 'diff-ids': '1' }, io)
    expect(source).toEqual({
      diffs: [{ kind: 'given', id: 1, thresholds: inputs().thresholds }],
      dbt: null,
      plan: null,
      dbtCloud: null,
      nothingToDo: null
    })
    expect(io.opened).toEqual([])
  })

  it('refuses to start without a data source, before reading a manifest', async () => {
    const io = files()
    await expect(read({ 'data-source': '' }, io)).rejects.toThrow(
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
    await expect(read(raw, files(contents))).rejects.toThrow(problem)
  })

  it.each([
    {
      what: "production's manifest, before any deploy kept one",
      contents: { 'target/manifest.json': {} },
      says: /^Invalid input: dbt-prod-manifest: prod\/manifest\.json: no such file: .*until the deploy has run once.*Run the deploy once, or build production's manifest from the base branch/
    },
    {
      what: "the PR's manifest, when dbt did not run first",
      contents: { 'prod/manifest.json': changedProject(12).prod },
      says: /^Invalid input: dbt-manifest: target\/manifest\.json: no such file: build the pull request with dbt .* in a step before this one$/
    },
    {
      what: 'run_results.json, when dbt build did not run first',
      contents: changedFiles(),
      raw: { 'dbt-run-results': 'target/run_results.json' },
      says: /^Invalid input: dbt-run-results: target\/run_results\.json: no such file: dbt build writes target\/run_results\.json/
    }
  ])('says what to do when $what is missing', async ({ contents, says, ...rest }) => {
    const raw = 'raw' in rest ? rest.raw : {}
    await expect(read(raw, files(contents))).rejects.toThrow(says)
  })

  it("refuses a plan entry with a model's name, which would mix their results", async () => {
    const plan = 'diffs: [{ name: orders, table-a: a.o, table-b: b.o, primary-key: id }]'
    const problems = await problemsOf(read({ plan }))
    expect(problems).toEqual([
      'plan: entry orders has the name of a dbt model dbt mode compares; rename the entry'
    ])
  })

  it('refuses rules without dbt mode, where they would silently do nothing', async () => {
    const plan = 'rules: [{ match: { tag: finance }, max-rows-changed: 1% }]'
    const problems = await problemsOf(read({ plan, 'dbt-prod-manifest': '', 'diff-ids': '1' }))
    expect(problems).toEqual([
      "plan: rules apply to dbt mode's models only: set dbt-prod-manifest (or dbt-cloud-token), or remove the rules"
    ])
  })

  it('tells the log of each changed model not compared: a warning where it needs action', async () => {
    const io = files()
    await read({}, io)
    expect(io.log[0]).toBe(
      'info: dbt project jaffle_shop: 3 changed models to compare, 3 not compared, 3 unchanged'
    )
    expect(io.log.slice(1)).toEqual([
      "warning: dbt model not compared: events (models/marts/events.sql): no key: tag its key column primary-key in the model's YAML, or give it a unique test",
      'info: dbt model not compared: order_items (models/marts/order_items.sql): new: nothing to compare against',
      'warning: dbt model not compared: stg_orders (models/staging/stg_orders.sql): ephemeral: it builds no table'
    ])
    const quiet = files()
    await read({ 'fail-on-skipped': 'true' }, quiet)
    // Under fail-on-skipped the failure names them: no warning besides.
    expect(quiet.log.filter((line) => line.startsWith('warning: '))).toEqual([])
  })
})

const dbtPlan = (names: string[], skipped: DbtPlan['skipped'] = []): DbtPlan => ({
  project: 'jaffle_shop',
  unchanged: 2,
  picked: names.map((name) => ({
    uniqueId: `model.jaffle_shop.${name}`,
    path: `models/${name}.sql`,
    why: ['body changed'],
    keyFrom: 'unique test',
    diff: { name, primaryKey: ['ID'] } as DbtPlan['picked'][number]['diff']
  })),
  skipped
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

  it('need action where a model could have been compared: those fail-on-skipped counts', () => {
    expect(skipped.filter((model) => needsAction(model.reason)).map(describeSkipped)).toEqual([
      'events (models/events.sql): no key: tag its key column',
      'payments (models/payments.sql): not built: target/run_results.json says error',
      'stg_orders (models/stg_orders.sql): ephemeral: it builds no table'
    ])
  })

  it('reach the report with each compared model’s key as sent and where it came from, and which need action', () => {
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
      skipped: skipped.map(({ name, path, reason, detail }) => ({
        ...{ name, path, reason, detail },
        needsAction: needsAction(reason)
      }))
    })
  })
})
