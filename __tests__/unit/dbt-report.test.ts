// dbt mode's part of the report, each diff's limits with where they came from, fail-on-skipped,
// the skipped-models output and the dbt inputs: what a reviewer reads and a later step gets.
import { describe, expect, it } from '@jest/globals'
import { finishedDiff, requested } from '../../__fixtures__/results.js'
import { inputProblems } from '../../__fixtures__/input-problems.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import type { Thresholds } from '../../src/limits.js'
import { buildOutputs } from '../../src/outputs.js'
import { layerThresholds } from '../../src/plan/thresholds.js'
import { dbtSection, type DbtReport } from '../../src/report/dbt.js'
import { renderReport, type ReportOptions } from '../../src/report/document.js'
import { limitsLine } from '../../src/report/footer.js'
import { evaluateThresholds } from '../../src/thresholds.js'
import { failureMessage } from '../../src/verdict.js'

const STEP: Thresholds = {
  max: { 'rows-removed': { kind: 'count', value: 0 } },
  minColumnMatch: null,
  ignoreColumns: []
}

const DBT: DbtReport = {
  project: 'jaffle_shop',
  unchanged: 40,
  picked: [
    {
      name: 'orders',
      path: 'models/marts/orders.sql',
      why: ['body changed'],
      keyFrom: 'dbt primary_key: order_id'
    },
    {
      name: 'stg_payments',
      path: 'models/staging/stg_payments.sql',
      why: ['macro cents_to_dollars changed'],
      keyFrom: 'unique test on payment_id'
    }
  ],
  skipped: [
    {
      name: 'customers_v2',
      path: 'models/marts/customers_v2.sql',
      reason: 'new',
      detail: 'nothing to compare against',
      needsAction: false
    },
    {
      name: 'int_orders',
      path: 'models/int/int_orders.sql',
      reason: 'no key',
      detail: 'add `tags: [primary-key]` to its key column, or a unique test',
      needsAction: true
    }
  ]
}

const OPTIONS: ReportOptions = { title: 'Data diff', thresholds: STEP, runUrl: null }

describe('dbtSection', () => {
  it.each([
    {
      case: 'models compared and not',
      dbt: DBT,
      full: true,
      has: [
        // What needs action first: those models are not checked.
        '**⚠️ Needs action: 1 changed model not compared, so not checked.** Each says what would let it be compared:\n\n- <code>int_orders</code> (models/int/int_orders.sql): no key: add &#96;tags: &#91;primary-key&#93;&#96; to its key column, or a unique test\n\n**dbt project** <code>jaffle_shop</code>: 2 changed models compared, 2 not compared, 40 unchanged.',
        '1 changed model not compared, on purpose:\n\n- <code>customers_v2</code> (models/marts/customers_v2.sql): new: nothing to compare against',
        '<summary>Why these 2 models were compared</summary>',
        '- <code>orders</code> (models/marts/orders.sql): body changed · key dbt primary_key: order_id'
      ],
      hasNot: []
    },
    {
      case: 'a short report leaves out why, keeps what was not compared',
      dbt: DBT,
      full: false,
      has: ['2 changed models compared', '- <code>int_orders</code>'],
      hasNot: ['Why these']
    },
    {
      case: 'nothing changed',
      dbt: { project: 'jaffle_shop', unchanged: 42, picked: [], skipped: [] },
      full: true,
      has: [
        '**dbt project** <code>jaffle_shop</code>: no model changed since production (42 unchanged), so there is nothing to compare.'
      ],
      hasNot: ['Why these', 'not compared']
    },
    {
      case: 'a long list of models not compared is collapsed',
      dbt: {
        ...DBT,
        skipped: Array.from({ length: 12 }, (_, i) => ({
          name: `m${i}`,
          path: `models/m${i}.sql`,
          reason: 'new',
          detail: 'nothing to compare against',
          needsAction: false
        }))
      },
      full: true,
      has: ['<summary>12 changed models not compared, on purpose</summary>', '- <code>m11</code>'],
      hasNot: []
    }
  ])('$case', ({ dbt, full, has, hasNot }) => {
    const section = dbtSection(dbt, full)
    for (const text of has) expect(section).toContain(text)
    for (const text of hasNot) expect(section).not.toContain(text)
  })

  it("names dbt Cloud's two runs compared: ids, jobs, commits, production's age and how it was found", () => {
    const page = (id: number) => `https://ab123.us1.dbt.com/deploy/70403/projects/1001/runs/${id}/`
    const dbtCloud = {
      ci: {
        ...{ id: 4242, jobId: 8812, jobName: 'CI | PRs', gitSha: 'c0ffee5a1b2c3d4e5f6' },
        ...{ finishedAt: '2026-11-30T12:00:00Z', url: page(4242) }
      },
      production: {
        ...{ id: 4100, jobId: 8801, jobName: null, gitSha: null, finishedAt: null, url: null },
        ...{ via: 'the run dbt Cloud run 4242 deferred to', ageMs: 30 * 3_600_000 }
      }
    }
    const line =
      "**dbt Cloud**: run [4242](https://ab123.us1.dbt.com/deploy/70403/projects/1001/runs/4242/) (job CI &#124; PRs, 8812) of commit <code>c0ffee5</code> built the PR, against production's run 4100 (job 8801), 30 hours old (the run dbt Cloud run 4242 deferred to)."
    for (const full of [true, false]) {
      // Right after the project's counts, whatever needs action comes before them.
      const blocks = dbtSection({ ...DBT, dbtCloud }, full).split('\n\n')
      expect(blocks[blocks.findIndex((b) => b.startsWith('**dbt project**')) + 1]).toBe(line)
    }
    const nothing = { project: 'shop', unchanged: 3, picked: [], skipped: [], dbtCloud }
    expect(dbtSection(nothing, true)).toContain(line)
    expect(dbtSection(DBT, true)).not.toContain('dbt Cloud')
  })

  it('stands where "No diffs were given" would in a run that compared nothing', () => {
    const evaluation = evaluateThresholds([], STEP)
    const nothing = { project: 'shop', unchanged: 3, picked: [], skipped: [] }
    const report = renderReport(evaluation, { ...OPTIONS, dbt: nothing })
    expect(report).toContain('### ✅ No changed model to check')
    expect(report).toContain('no model changed since production')
    expect(report).not.toContain('No diffs were given')
    expect(renderReport(evaluation, OPTIONS)).toContain('No diffs were given')
  })
})

describe("each planned diff's limits", () => {
  const layered = layerThresholds(STEP, [
    { source: 'plan defaults', given: { 'max-rows-changed': '1%' } },
    { source: 'rule 1 (path: models/staging/**)', given: { 'max-rows-changed': '10%' } },
    { source: 'model meta', given: { 'max-null-pks': 0, 'max-rows-removed': null } }
  ])

  it('say where each came from, the strongest place winning', () => {
    expect(limitsLine(layered)).toBe(
      '**Its limits:** rows removed: no limit (model meta) · rows changed ≤ 10% (rule 1 &#40;path: models/staging/&#42;&#42;&#41;) · null primary keys ≤ 0 (model meta)'
    )
  })

  it("name the step's input for a limit nothing else set", () => {
    const own = layerThresholds(STEP, [{ source: 'plan entry', given: {} }])
    expect(limitsLine(own)).toBe('**Its limits:** rows removed ≤ 0 (step input)')
  })

  it('are not listed for a diff given by id, which has the step’s', () => {
    expect(limitsLine(STEP)).toBeNull()
  })

  it('show in the diff’s details, and the footer says a row shows its own', () => {
    const evaluation = evaluateThresholds([requested(finishedDiff(7), 'orders', layered)], STEP)
    const report = renderReport(evaluation, OPTIONS)
    expect(report).toContain('rows changed ≤ 10% (rule 1')
    expect(report).toContain(
      "<sub>**The step's limits:** rows removed ≤ 0. A row's own limit, where it differs from these, is shown beside its figure.</sub>"
    )
  })
})

describe('fail-on-skipped', () => {
  const evaluation = evaluateThresholds([finishedDiff(1)], STEP)
  const lines = ['int_orders (models/int/int_orders.sql): no key']

  it('fails the step on the models that could not be compared, naming them', () => {
    const policy = { failOnBreach: true, failOnError: true, failOnSkipped: true }
    expect(failureMessage(evaluation, policy, { notCompared: lines })).toEqual({
      message:
        '1 changed dbt model could not be compared (fail-on-skipped):\n  int_orders (models/int/int_orders.sql): no key',
      annotate: true
    })
  })

  it('passes when off, and when every changed model was compared', () => {
    expect(
      failureMessage(evaluation, { failOnBreach: true, failOnError: true }, { notCompared: lines })
    ).toBeNull()
    const policy = { failOnBreach: true, failOnError: true, failOnSkipped: true }
    expect(failureMessage(evaluation, policy, { notCompared: [] })).toBeNull()
  })
})

describe('the skipped-models output', () => {
  it('lists each changed model not compared, with its reason', () => {
    const evaluation = evaluateThresholds([], STEP)
    const outputs = buildOutputs(
      evaluation,
      { reportPath: '', comment: null, commentRefused: null },
      { skipped: DBT.skipped }
    )
    // Exactly the four fields of each, in the plan's order.
    expect(JSON.parse(outputs['skipped-models'])).toEqual(
      DBT.skipped.map(({ name, path, reason, detail }) => ({ name, path, reason, detail }))
    )
    expect(
      buildOutputs(evaluation, { reportPath: '', comment: null, commentRefused: null })[
        'skipped-models'
      ]
    ).toBe('[]')
  })
})

describe('dbt inputs', () => {
  const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
  const parse = (raw: Partial<RawInputs>) => parseInputs({ ...blank, 'api-key': 'k', ...raw })

  it('turn dbt mode on with dbt-prod-manifest, which then needs no diff-ids', () => {
    expect(parse({ 'dbt-prod-manifest': 'prod/manifest.json' })).toMatchObject({
      diffIds: [],
      dbt: {
        prodManifest: 'prod/manifest.json',
        manifest: 'target/manifest.json',
        downstream: false,
        packages: [],
        seeds: false,
        projectDir: null
      },
      failOnSkipped: false
    })
  })

  it('read the PR manifest, downstream, packages, seeds and fail-on-skipped', () => {
    const inputs = parse({
      'dbt-prod-manifest': '/tmp/prod/manifest.json',
      'dbt-manifest': 'build/manifest.json',
      'dbt-downstream': 'true',
      'dbt-packages': 'shared_models, finance\nmarketing',
      'dbt-seeds': 'true',
      'fail-on-skipped': 'true'
    })
    expect(inputs.dbt).toEqual({
      prodManifest: '/tmp/prod/manifest.json',
      manifest: 'build/manifest.json',
      runResults: null,
      downstream: true,
      packages: ['shared_models', 'finance', 'marketing'],
      seeds: true,
      projectDir: null
    })
    expect(inputs.failOnSkipped).toBe(true)
  })

  it.each([
    ['transform', 'transform'],
    ['./transform/', 'transform'],
    ['.\\analytics\\dbt', 'analytics/dbt'],
    ['.', '']
  ])('read dbt-project-dir %j as %j, from the repository root with /', (text, dir) => {
    const inputs = parse({ 'dbt-prod-manifest': 'prod.json', 'dbt-project-dir': text })
    expect(inputs.dbt?.projectDir).toBe(dir)
  })

  it.each(['/home/runner/work/x', '../elsewhere', 'C:\\dbt', 'a/../../b'])(
    'refuse dbt-project-dir %j outside the repository',
    (text) => {
      const problems = inputProblems(() =>
        parse({ 'dbt-prod-manifest': 'prod.json', 'dbt-project-dir': text })
      )
      expect(problems).toEqual([
        `dbt-project-dir: give the dbt project's folder from the repository's root, such as transform (got "${text}")`
      ])
    }
  )

  it('are off without dbt-prod-manifest, and then diff-ids or a plan are required', () => {
    expect(inputProblems(() => parse({ 'dbt-manifest': 'target/manifest.json' }))).toEqual([
      'diff-ids: at least one diff ID is required, or a plan (plan or plan-file), or dbt-prod-manifest, or dbt-cloud-token (got "")'
    ])
  })

  it('refuse a boolean that is not one', () => {
    expect(
      inputProblems(() => parse({ 'dbt-prod-manifest': 'p.json', 'dbt-downstream': 'yes' }))
    ).toEqual(['dbt-downstream: expected true or false (got "yes")'])
  })
})

describe('a project where many models changed', () => {
  const models = (count: number, reason = 'new') =>
    Array.from({ length: count }, (_, i) => ({
      name: `model_${i}`,
      path: `models/model_${i}.sql`,
      why: ['body changed'],
      keyFrom: 'ID · unique test',
      reason,
      detail: 'nothing to compare against',
      needsAction: reason === 'no key'
    }))
  const many: DbtReport = {
    project: 'big',
    unchanged: 0,
    picked: models(250),
    skipped: models(130)
  }

  it.each([
    { report: 'full', full: true, items: 200, moreRows: 150, moreItems: 30 },
    { report: 'short', full: false, items: 20, moreRows: 0, moreItems: 110 }
  ])(
    'lists at most so many in the $report report, and says where all of them are',
    ({ full, items, moreRows, moreItems }) => {
      const section = dbtSection(many, full)
      // A list, compared and not: no table to be wider than the column.
      expect(section).not.toMatch(/^\|/m)
      expect(section.match(/^- <code>model_\d+<\/code>/gm) ?? []).toHaveLength(items)
      if (moreRows > 0) {
        expect(section).toContain(
          `… and ${moreRows} more models: the \`diffs\` output names each diff by its model.`
        )
      }
      expect(section).toContain(
        `… and ${moreItems} more models: the \`skipped-models\` output lists them all.`
      )
      expect(section).toContain('250 changed models compared, 130 not compared')
    }
  )
})
