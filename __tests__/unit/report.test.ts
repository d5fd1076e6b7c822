import { describe, expect, it } from '@jest/globals'
import { marked, type Tokens } from 'marked'
import { erroredDiff, finishedDiff, requested } from '../../__fixtures__/results.js'
import type {
  ColumnStat,
  DiffResult,
  ErroredDiff,
  FinishedDiff,
  Measure,
  Metrics
} from '../../src/diff.js'
import { differingColumns } from '../../src/report/columns.js'
import { renderComment, renderReport, type ReportOptions } from '../../src/report/document.js'
import type { Limit, Thresholds } from '../../src/limits.js'
import { REPORT_COLUMNS } from '../../src/metric-spec.js'
import type { Breach, DiffEvaluation, Evaluation, Verdict } from '../../src/thresholds.js'
import { describeBreach } from '../../src/report/breach-line.js'
import { headline, tally, uncheckedCount } from '../../src/report/headline.js'

// ── Builders ───────────────────────────────────────────────────────────────────────────────────

const m = (value: number, percent: number | null = null): Measure => ({ value, percent })

function done(
  id: number,
  extra: Partial<Omit<FinishedDiff, 'metrics'>> & { metrics?: Partial<Metrics> } = {}
): FinishedDiff {
  const { metrics, ...rest } = extra
  return finishedDiff(id, metrics, rest)
}

function errored(
  id: number,
  reason = `diff ${id} failed: QueryError: relation does not exist`,
  extra: Partial<ErroredDiff> = {}
): ErroredDiff {
  return erroredDiff(id, reason, extra)
}

const col = (
  name: string,
  match: number,
  valuesDifferent: number,
  estimate: ColumnStat['estimate'] = null
): ColumnStat => ({ name, match, valuesDifferent, estimate })

function breach(
  diffId: number,
  metric: Breach['metric'],
  value: number,
  percent: number | null,
  limit: string,
  column?: string,
  columnIndex?: number
): Breach {
  return {
    diffId,
    metric,
    value,
    percent,
    limit,
    ...(column === undefined ? {} : { column }),
    ...(columnIndex === undefined ? {} : { columnIndex })
  }
}

/** One diff's evaluation; the verdict follows from the diff and its breaches unless given. */
function ev(diff: DiffResult, extra: Partial<Omit<DiffEvaluation, 'diff'>> = {}): DiffEvaluation {
  const breaches = extra.breaches ?? []
  const verdict: Verdict = diff.status === 'error' ? 'error' : breaches.length > 0 ? 'fail' : 'pass'
  return { diff, origin: 'given', verdict, breaches, notMeasured: [], ignoredColumns: [], ...extra }
}

function evaluation(...diffs: DiffEvaluation[]): Evaluation {
  const verdicts = diffs.map((d) => d.verdict)
  const result: Verdict = verdicts.includes('error')
    ? 'error'
    : verdicts.includes('fail')
      ? 'fail'
      : 'pass'
  return { result, diffs, breaches: diffs.flatMap((d) => d.breaches) }
}

const count = (value: number): Limit => ({ kind: 'count', value })
const pct = (value: number): Limit => ({ kind: 'percent', value })
const noThresholds: Thresholds = { max: {}, minColumnMatch: null, ignoreColumns: [] }

function options(extra: Partial<ReportOptions> = {}): ReportOptions {
  return {
    title: 'Datafold data diff',
    thresholds: noThresholds,
    runUrl: 'https://github.com/acme/warehouse/actions/runs/42',
    ...extra
  }
}

const MARKER = '<!-- datafold-diff-gate:default -->'
const render = (markdown: string): string => marked.parse(markdown, { gfm: true, async: false })

/** The rows of the report's tables of diffs (the problems', then the one folded under "within
 * their limits"), each split into its cells (the report's cells hold no raw `|`). */
function mainRows(markdown: string): string[][] {
  const lines = markdown.split('\n')
  const rows: string[][] = []
  lines.forEach((line, start) => {
    if (!/^\| (Table|Model)\b/.test(line)) return
    for (const row of lines.slice(start + 2)) {
      if (!row.startsWith('| ')) break
      rows.push(row.slice(2, -2).split(' | '))
    }
  })
  return rows
}

/** The first table's headers, in words: `Rows added`, the first without what every row compared. */
function headersOf(markdown: string): string[] {
  const line = markdown.split('\n').find((l) => /^\| (Table|Model)\b/.test(l)) ?? ''
  return line
    .slice(2, -2)
    .split(' | ')
    .map((h) => h.replace(/<br><sub>.*<\/sub>$/, '').replace('<br>', ' '))
}

/** A cell of the tables of diffs, by its header, its no-break spaces (metric cells never wrap)
 * read as spaces. */
const cellOf = (markdown: string, header: string, row = 0): string | undefined =>
  mainRows(markdown)[row]?.[headersOf(markdown).indexOf(header)]?.replace(/&nbsp;/g, ' ')

// ── Verdict ────────────────────────────────────────────────────────────────────────────────────

describe('the heading: the verdict with its counts', () => {
  const pass = (id: number) => ev(done(id))
  const fail = (id: number) =>
    ev(done(id), { breaches: [breach(id, 'rows-removed', 1, 0.01, '0')] })
  const error = (id: number) => ev(errored(id))
  const unmeasured = (id: number) =>
    ev(done(id, { metrics: { 'schema-changes': null } }), { notMeasured: ['schema-changes'] })
  const failUnmeasured = (id: number) =>
    ev(done(id, { metrics: { 'schema-changes': null } }), {
      notMeasured: ['schema-changes'],
      breaches: [breach(id, 'rows-removed', 1, 0.01, '0')]
    })

  it.each<[string, DiffEvaluation[], number, 'table' | 'model', string, number]>([
    ['one within', [pass(1)], 0, 'table', '✅ 1 table within its limits', 0],
    ['all within', [pass(1), pass(2), pass(3)], 0, 'table', '✅ 3 tables within their limits', 0],
    ['the one table over', [fail(1)], 0, 'table', '❌ 1 table over its limits', 0],
    [
      'one of three over',
      [pass(1), fail(2), pass(3)],
      0,
      'table',
      '❌ 1 of 3 tables over their limits',
      0
    ],
    ['all over', [fail(1), fail(2)], 0, 'table', '❌ 2 tables over their limits', 0],
    ['the one errors', [error(1)], 0, 'table', '⚠️ 1 table could not be checked', 1],
    [
      'one of three errors',
      [pass(1), error(2), pass(3)],
      0,
      'table',
      '⚠️ 1 of 3 tables could not be checked · 2 tables within their limits',
      1
    ],
    [
      'breaches come before errors',
      [error(1), fail(2), pass(3)],
      0,
      'table',
      '❌ 1 of 3 tables over their limits · ⚠️ 1 could not be checked',
      1
    ],
    [
      'errors and failures',
      [error(1), fail(2), fail(3), error(4)],
      0,
      'table',
      '❌ 2 of 4 tables over their limits · ⚠️ 2 could not be checked',
      2
    ],
    [
      'a limit not measured is not within its limits',
      [unmeasured(1), pass(2)],
      0,
      'table',
      '⚠️ 1 of 2 tables not fully checked · 1 table within its limits',
      1
    ],
    [
      'a table over its limits and with a limit not measured counts as over',
      [failUnmeasured(1), unmeasured(2), pass(3)],
      0,
      'table',
      '❌ 1 of 3 tables over their limits · ⚠️ 1 not fully checked',
      1
    ],
    ['nothing to check', [], 0, 'table', '✅ No table to check', 0],
    [
      'dbt: changed models with no key make it ⚠️, however many were within',
      [pass(1)],
      2,
      'model',
      '⚠️ 2 changed models not compared · 1 model within its limits',
      2
    ],
    [
      'dbt: every changed model without a key',
      [],
      3,
      'model',
      '⚠️ 3 changed models not compared',
      3
    ],
    [
      'dbt: over, and not compared',
      [fail(1), pass(2)],
      1,
      'model',
      '❌ 1 of 2 models over their limits · ⚠️ 1 changed model not compared',
      1
    ],
    ['dbt: nothing changed', [], 0, 'model', '✅ No changed model to check', 0],
    [
      'thousands',
      Array.from({ length: 1500 }, (_, i) => (i < 1200 ? fail(i) : pass(i))),
      0,
      'table',
      '❌ 1,200 of 1,500 tables over their limits',
      0
    ]
  ])('%s', (_, diffs, notCompared, noun, expected, unchecked) => {
    const counts = tally(evaluation(...diffs), notCompared, noun)
    expect(headline(counts)).toBe(expected)
    // The unchecked-count output is the heading's count.
    expect(uncheckedCount(counts)).toBe(unchecked)
  })

  it('opens the report, then names the report, the commit it judged, when, and the run', () => {
    const report = renderReport(
      evaluation(pass(1), fail(2)),
      options({
        commit: { sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', at: '2026-11-24T14:02:11.000Z' },
        repositoryUrl: 'https://github.com/acme/warehouse'
      })
    )
    expect(report.split('\n\n').slice(0, 2)).toEqual([
      '### ❌ 1 of 2 tables over their limits',
      '**Datafold data diff** · commit [<code>a1b2c3d</code>](https://github.com/acme/warehouse/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678) · 2026-11-24 14:02 UTC · [workflow run](https://github.com/acme/warehouse/actions/runs/42)'
    ])
  })

  it('counts in models in dbt mode, when every table is a model’s', () => {
    const model = (d: DiffEvaluation): DiffEvaluation => {
      const asked = requested(d.diff, 'orders', noThresholds).requested
      if (asked === undefined) throw new Error('expected a requested diff')
      return { ...d, requested: { ...asked, from: 'dbt model' } }
    }
    const dbt = { project: 'shop', unchanged: 3, picked: [], skipped: [] }
    expect(renderReport(evaluation(model(pass(1))), options({ dbt }))).toMatch(
      /^### ✅ 1 model within its limits\n/
    )
    expect(renderReport(evaluation(pass(1)), options({ dbt }))).toMatch(
      /^### ✅ 1 table within its limits\n/
    )
  })
})

// ── describeBreach ─────────────────────────────────────────────────────────────────────────────

describe('describeBreach', () => {
  const target = {
    datasetA: 'analytics.orders',
    datasetB: 'analytics.pr_42.orders',
    kind: 'in_db' as const
  }
  it.each([
    [
      'rows changed, a percentage limit',
      breach(123, 'rows-changed', 250, 2.5, '1%'),
      'diff 123 (analytics.orders): rows-changed 250 (2.50%) > max 1%'
    ],
    [
      'rows removed, a count limit',
      breach(123, 'rows-removed', 3, 0.03, '0'),
      'diff 123 (analytics.orders): rows-removed 3 (0.03%) > max 0'
    ],
    [
      'a tiny share',
      breach(123, 'rows-added', 2, 0.0001, '1'),
      'diff 123 (analytics.orders): rows-added 2 (<0.01%) > max 1'
    ],
    [
      'thousands',
      breach(123, 'values-changed', 1234567, 12.3456, '10%'),
      'diff 123 (analytics.orders): values-changed 1,234,567 (12.35%) > max 10%'
    ],
    [
      'count only',
      breach(123, 'schema-changes', 3, null, '0'),
      'diff 123 (analytics.orders): schema-changes 3 > max 0'
    ],
    [
      'column match',
      breach(123, 'column-match', 275, 97.25, 'min 99.5%', 'amount'),
      'diff 123 (analytics.orders): column-match amount 97.25% < min 99.5%'
    ],
    [
      'column match just under 100',
      breach(123, 'column-match', 1, 99.999, 'min 100%', 'id'),
      'diff 123 (analytics.orders): column-match id >99.99% < min 100%'
    ]
  ])('%s', (_, b, expected) => {
    expect(describeBreach(b, done(123, { target }))).toBe(expected)
  })

  it('falls back to dataset B, then to no name', () => {
    const b = breach(7, 'schema-changes', 3, null, '0')
    expect(
      describeBreach(b, done(7, { target: { datasetA: null, datasetB: 'a.b', kind: null } }))
    ).toBe('diff 7 (a.b): schema-changes 3 > max 0')
    expect(
      describeBreach(b, done(7, { target: { datasetA: null, datasetB: null, kind: null } }))
    ).toBe('diff 7: schema-changes 3 > max 0')
  })

  it('stays one line, and short, whatever the names', () => {
    const b = breach(7, 'column-match', 1, 50, 'min 99%', 'a\nb')
    const line = describeBreach(
      b,
      done(7, { target: { datasetA: null, datasetB: `x\n${'y'.repeat(10_000)}`, kind: null } })
    )
    expect(line).not.toContain('\n')
    expect(line.length).toBeLessThan(500)
    expect(line).toContain('column-match a b 50.00% < min 99%')
  })
})

// ── The table ──────────────────────────────────────────────────────────────────────────────────

describe('table cells', () => {
  const thresholds: Thresholds = {
    max: {
      'rows-added': pct(1),
      'rows-removed': count(0),
      'rows-changed': pct(1),
      'values-changed': pct(0.1),
      'columns-changed': count(2),
      'null-pks': count(0),
      'duplicate-pks': count(0),
      'schema-changes': count(0)
    },
    minColumnMatch: null,
    ignoreColumns: []
  }

  // Every limit is set: every column of the spec is shown.
  const HEADERS = ['Table', ...REPORT_COLUMNS]
  const url = (id: number) => `https://app.datafold.com/datadiffs/${id}/overview`
  /** Over its limits on rows removed: a problem's row, with its small line under the name. */
  const over = (id: number): Breach[] => [breach(id, 'rows-removed', 1, 0.01, '0')]

  it('has one row per table, problems first, each opening with its mark and its name linked to its diff', () => {
    const report = renderReport(
      evaluation(ev(done(1)), ev(done(2)), ev(errored(3)), ev(done(4), { breaches: over(4) })),
      options({ thresholds })
    )
    expect(headersOf(report)).toEqual(HEADERS)
    expect(
      mainRows(report).map((r) => /^(\S+) \[[^\]]*\]\(([^)]*)\)/.exec(r[0] ?? '')?.slice(1))
    ).toEqual([
      ['❌', url(4)],
      ['⚠️', url(3)],
      ['✅', url(1)],
      ['✅', url(2)]
    ])
    expect(mainRows(report).every((r) => r.length === HEADERS.length)).toBe(true)
  })

  type Case = [string, string, FinishedDiff, Partial<Omit<DiffEvaluation, 'diff'>>, string]
  it.each<Case>([
    [
      'Table',
      'within its limits: one line, what every row compared said in the header',
      done(1),
      {},
      `✅ [orders](${url(1)})`
    ],
    [
      'Table',
      'cross-db, names with no common part',
      done(1, {
        target: { datasetA: 'pg.public.orders', datasetB: 'snowflake.PR.ORDERS', kind: 'cross_db' }
      }),
      {},
      `✅ [pg.<wbr>public.<wbr>orders → snowflake.<wbr>PR.<wbr>ORDERS](${url(1)}) <sub>cross-db</sub>`
    ],
    [
      'Table',
      'sampled',
      done(1, { sampled: true }),
      {},
      `✅ [orders](${url(1)}) <sub>sampled</sub>`
    ],
    [
      'Table',
      'unknown',
      done(1, { target: { datasetA: null, datasetB: null, kind: null } }),
      {},
      `✅ [unknown](${url(1)})`
    ],
    [
      'Table',
      'one side unknown',
      done(1, { target: { datasetA: null, datasetB: 'a.b', kind: 'in_db' } }),
      {},
      `✅ [? → a.<wbr>b](${url(1)})`
    ],
    [
      'Table',
      'over its limits: its rows under the name',
      done(1),
      { breaches: over(1) },
      `❌ [orders](${url(1)})<br><sub>10,000 rows</sub>`
    ],
    [
      'Table',
      'over its limits: production’s rows too, when they differ',
      done(1, { rowsA: 10_000, rowsB: 10_250 }),
      { breaches: over(1) },
      `❌ [orders](${url(1)})<br><sub>10,250 rows (production 10,000)</sub>`
    ],
    [
      'Table',
      'over its limits: rows not measured',
      done(1, { rowsA: null, rowsB: null }),
      { breaches: over(1) },
      `❌ [orders](${url(1)})`
    ],
    [
      'Table',
      'over its column match limit: said under the name, no column holding it',
      done(1, { columns: [col('amount', 97.25, 275), col('status', 90, 1000)] }),
      {
        breaches: [
          breach(1, 'column-match', 275, 97.25, 'min 99.5%', 'amount', 0),
          breach(1, 'column-match', 1000, 90, 'min 99.5%', 'status', 1)
        ]
      },
      `❌ [orders](${url(1)})<br><sub>10,000 rows · ❌ 2 columns under the match limit of 99.5%</sub>`
    ],
    [
      'Table',
      'a limit not measured: ⚠️, never ✅',
      done(1, { metrics: { 'schema-changes': null } }),
      { notMeasured: ['schema-changes'] },
      `⚠️ [orders](${url(1)})<br><sub>10,000 rows</sub>`
    ],
    [
      'Rows added',
      'within: the share beside the count, on the row’s one line',
      done(1, { metrics: { 'rows-added': m(250, 0.5) } }),
      {},
      '250 <sub>0.50%</sub>'
    ],
    [
      'Rows added',
      'breached',
      done(1, { metrics: { 'rows-added': m(250, 2.5) } }),
      { breaches: [breach(1, 'rows-added', 250, 2.5, '1%')] },
      '**250** ❌<br><sub>2.50% > 1%</sub>'
    ],
    ['Rows added', 'zero', done(1), {}, '0'],
    ['Rows added', 'not measured', done(1, { metrics: { 'rows-added': null } }), {}, 'n/a'],
    [
      'Rows added',
      'not measured, with a limit',
      done(1, { metrics: { 'rows-added': null } }),
      { notMeasured: ['rows-added'] },
      'n/a ⚠️'
    ],
    [
      'Rows removed',
      'a tiny share breached',
      done(1, { metrics: { 'rows-removed': m(3, 0.0003) } }),
      { breaches: [breach(1, 'rows-removed', 3, 0.0003, '0')] },
      '**3** ❌<br><sub>max 0</sub>'
    ],
    [
      'Rows removed',
      'a tiny share',
      done(1, { metrics: { 'rows-removed': m(3, 0.0003) } }),
      {},
      '3 <sub><0.01%</sub>'
    ],
    [
      'Rows removed',
      'thousands, and a limit written like a figure',
      done(1, { metrics: { 'rows-removed': m(1_234_567, 55.5) } }),
      { breaches: [breach(1, 'rows-removed', 1_234_567, 55.5, '5000000')] },
      '**1,234,567** ❌<br><sub>max 5,000,000</sub>'
    ],
    [
      'Rows changed',
      'breached',
      done(1, { metrics: { 'rows-changed': m(250, 2.5) } }),
      { breaches: [breach(1, 'rows-changed', 250, 2.5, '1%')] },
      '**250** ❌<br><sub>2.50% > 1%</sub>'
    ],
    [
      'Values changed',
      'a column of its own when a limit is set on it',
      done(1, { metrics: { 'values-changed': m(1234, 0.5) } }),
      { breaches: [breach(1, 'values-changed', 1234, 0.5, '0.1%')] },
      '**1,234** ❌<br><sub>0.50% > 0.1%</sub>'
    ],
    [
      'Columns changed',
      'a column of its own when a limit is set on it',
      done(1, { metrics: { 'columns-changed': m(3, 25) } }),
      { breaches: [breach(1, 'columns-changed', 3, 25, '2')] },
      '**3** ❌<br><sub>max 2</sub>'
    ],
    [
      'Rows changed',
      'not measured, with limits',
      done(1, {
        metrics: { 'rows-changed': null, 'values-changed': null, 'columns-changed': null }
      }),
      { notMeasured: ['rows-changed', 'values-changed'] },
      'n/a ⚠️'
    ],
    ['Schema changes', 'none', done(1), {}, '0'],
    [
      'Schema changes',
      'breached',
      done(1, { metrics: { 'schema-changes': m(3) } }),
      { breaches: [breach(1, 'schema-changes', 3, null, '0')] },
      '**3** ❌<br><sub>max 0</sub>'
    ],
    ['Schema changes', 'some', done(1, { metrics: { 'schema-changes': m(2) } }), {}, '2'],
    [
      'Schema changes',
      'not measured (cross-db)',
      done(1, { metrics: { 'schema-changes': null }, schema: null }),
      {},
      'n/a'
    ],
    [
      'Schema changes',
      'not measured, with a limit',
      done(1, { metrics: { 'schema-changes': null }, schema: null }),
      { notMeasured: ['schema-changes'] },
      'n/a ⚠️'
    ],
    ['Key problems', 'none', done(1), {}, '0'],
    [
      'Key problems',
      'nulls and duplicates, each named',
      done(1, { metrics: { 'null-pks': m(2, 0.02), 'duplicate-pks': m(5, 0.05) } }),
      { breaches: [breach(1, 'duplicate-pks', 5, 0.05, '0')] },
      '2 null<br>**5** duplicate ❌<br><sub>max 0</sub>'
    ],
    [
      'Key problems',
      'not measured',
      done(1, { metrics: { 'null-pks': null, 'duplicate-pks': null } }),
      {},
      'n/a'
    ],
    [
      'Key problems',
      'not measured, with a limit',
      done(1, { metrics: { 'null-pks': null, 'duplicate-pks': null } }),
      { notMeasured: ['duplicate-pks'] },
      'n/a ⚠️'
    ]
  ])('%s, %s', (header, _, diff, extra, expected) => {
    const report = renderReport(evaluation(ev(diff, extra)), options({ thresholds }))
    expect(cellOf(report, header)).toBe(expected)
  })

  it.each<[string, Thresholds, Partial<Omit<DiffEvaluation, 'diff'>>, string]>([
    [
      'within its own limit of 10%, over the step’s 1%',
      {
        ...noThresholds,
        max: { 'rows-changed': pct(10) },
        sources: { 'max-rows-changed': 'plan entry' }
      },
      {},
      '400 <sub>4.00% ≤ 10% (plan)</sub>'
    ],
    [
      'over its own limit of 2%',
      {
        ...noThresholds,
        max: { 'rows-changed': pct(2) },
        sources: { 'max-rows-changed': 'model meta' }
      },
      { breaches: [breach(1, 'rows-changed', 400, 4, '2%')] },
      '**400** ❌<br><sub>4.00% > 2% (model meta)</sub>'
    ],
    [
      'no limit of its own: a rule turned it off',
      { ...noThresholds, sources: { 'max-rows-changed': 'rule 2 (name: orders)' } },
      {},
      '400 <sub>4.00% no limit (rule 2)</sub>'
    ],
    [
      'its own limit the same as the step’s: nothing more said',
      {
        ...noThresholds,
        max: { 'rows-changed': pct(1) },
        sources: { 'max-rows-changed': 'plan entry' }
      },
      { breaches: [breach(1, 'rows-changed', 400, 4, '1%')] },
      '**400** ❌<br><sub>4.00% > 1%</sub>'
    ]
  ])(
    'shows a table’s own limit beside its figure where it differs from the step’s: %s',
    (_, own, extra, expected) => {
      const step: Thresholds = { ...noThresholds, max: { 'rows-changed': pct(1) } }
      const judged = requested(done(1, { metrics: { 'rows-changed': m(400, 4) } }), 'orders', own)
      const report = renderReport(
        evaluation({ ...ev(judged.diff, extra), requested: judged.requested, thresholds: own }),
        options({ thresholds: step })
      )
      expect(cellOf(report, 'Rows changed')).toBe(expected)
      expect(report).toContain(
        "A row's own limit, where it differs from these, is shown beside its figure."
      )
    }
  )

  it('says once in the header what differs when every table shares it, else per row', () => {
    const pr = (id: number, model: string, schema = 'analytics') =>
      ev(
        done(id, {
          target: { datasetA: `${schema}.${model}`, datasetB: `pr_42.${model}`, kind: 'in_db' }
        })
      )
    const shared = renderReport(evaluation(pr(1, 'orders'), pr(2, 'customers')), options())
    expect(shared).toContain(
      '| Table<br><sub><code>analytics</code> → <code>pr_<wbr>42</code></sub> | Rows<br>added |'
    )
    expect(cellOf(shared, 'Table', 1)).toBe(`✅ [customers](${url(2)})`)
    const mixed = renderReport(
      evaluation(pr(1, 'orders'), pr(2, 'customers', 'finance')),
      options()
    )
    expect(headersOf(mixed)[0]).toBe('Table')
    expect(mixed).toContain('| Table | Rows<br>added |')
    expect(cellOf(mixed, 'Table', 1)).toBe(
      `✅ [customers](${url(2)})<br><sub>finance → pr_<wbr>42</sub>`
    )
  })

  it('puts an error’s short reason in its row, and dashes in its metric cells; the details hold it all', () => {
    const report = renderReport(
      evaluation(
        ev(
          errored(
            9,
            'diff 9 failed in Datafold: QueryError: relation does not exist; Datafold says the error is not retryable'
          )
        )
      ),
      options()
    )
    expect(mainRows(report)[0]).toEqual([
      `⚠️ [unknown](${url(9)})<br><sub>could not be checked: QueryError: relation does not exist</sub>`,
      '—',
      '—',
      '—',
      '—',
      '—'
    ])
    expect(report).toContain(
      '**Could not be checked:** diff 9 failed in Datafold: QueryError: relation does not exist; Datafold says the error is not retryable'
    )
  })

  it.each([
    [
      'what will help is kept',
      'diff 9 failed in Datafold: DataSourceTimeout: no answer within 300 s; Datafold says the error is retryable: re-running this job creates the diff again',
      'could not be checked: DataSourceTimeout: no answer within 300 s; re-running this job creates the diff again'
    ],
    [
      'a long reason is cut, the advice kept',
      `diff 9 failed in Datafold: QueryError: ${'x '.repeat(200)}; Datafold says the error is retryable: re-running this job creates the diff again`,
      `could not be checked: QueryError: ${'x '.repeat(63)}x…; re-running this job creates the diff again`
    ],
    [
      'a diff never created names its entry',
      'orders: Datafold refused the diff (422): table2 is not a table',
      'could not be checked: orders: Datafold refused the diff &#40;422&#41;: table2 is not a table'
    ]
  ])('the reason in the row: %s', (_, reason, expected) => {
    const report = renderReport(evaluation(ev(errored(9, reason))), options())
    expect(mainRows(report)[0]?.[0]).toContain(`<sub>${expected}</sub>`)
  })

  it('shortens a 10,000-character table name with an ellipsis in its cell', () => {
    const long = `analytics.${'x'.repeat(10_000)}`
    const report = renderReport(
      evaluation(ev(done(1, { target: { datasetA: long, datasetB: long, kind: 'in_db' } }))),
      options()
    )
    const first = cellOf(report, 'Table') ?? ''
    expect(first.length).toBeLessThan(300)
    expect(first.replace(/<wbr>/g, '')).toMatch(/^✅ \[analytics\.x+…\]/)
    expect(report.length).toBeLessThan(3_000)
  })

  it('does not link a diff whose URL is not http(s)', () => {
    const report = renderReport(evaluation(ev(done(1, { url: 'javascript:alert(1)' }))), options())
    expect(cellOf(report, 'Table')).toBe('✅ orders')
  })

  it.each([
    ['a few beside problems are shown', 3, 1, 4, false],
    ['more than a few beside problems are folded', 4, 1, 1, true],
    ['with no problem, up to twenty are shown', 20, 0, 20, false],
    ['with no problem, more than twenty are folded', 21, 0, 0, true]
  ])('the tables within their limits: %s', (_, within, problems, inline, folded) => {
    const diffs = [
      ...Array.from({ length: problems }, (_, i) => ev(done(100 + i), { breaches: over(100 + i) })),
      ...Array.from({ length: within }, (_, i) => ev(done(i + 1)))
    ]
    const report = renderReport(evaluation(...diffs), options())
    // The rows before any collapsed section are the ones a reader sees without a click.
    expect(mainRows(report.split('<details>')[0] ?? '')).toHaveLength(inline)
    const summary = `<summary>✅ ${within}${problems > 0 ? ' more' : ''} within their limits</summary>`
    expect(report.includes(summary)).toBe(folded)
    expect(mainRows(report)).toHaveLength(within + problems)
  })
})

// ── Per-diff details ───────────────────────────────────────────────────────────────────────────

/**
 * What the report says of diff `id` under the table: a problem's collapsed section, or a table's
 * block in the section of the tables within their limits.
 */
function detailsOf(report: string, id: number): string {
  const at = report.indexOf(`/datadiffs/${id}/overview) · diff ${id}`)
  expect(at).toBeGreaterThanOrEqual(0)
  const starts = [report.lastIndexOf('<summary>', at), report.lastIndexOf('\n✅ **', at)]
  const ends = [report.indexOf('</details>', at), report.indexOf('\n✅ **', at)].filter(
    (i) => i >= 0
  )
  return report.slice(Math.max(...starts), Math.min(...ends))
}

describe('the details under the table', () => {
  const overOn = (id: number, ...metrics: [Breach['metric'], number, number | null, string][]) =>
    metrics.map(([metric, value, percent, limit]) => breach(id, metric, value, percent, limit))

  it('is a collapsed section per problem, titled with its mark, its name and why; one section for the tables within their limits', () => {
    const report = renderReport(
      evaluation(
        ev(done(1)),
        ev(errored(2)),
        ev(done(3), {
          breaches: overOn(3, ['rows-removed', 5, 0.05, '0'], ['rows-changed', 300, 3, '1%'])
        }),
        ev(done(4, { metrics: { 'schema-changes': null } }), { notMeasured: ['schema-changes'] })
      ),
      options()
    )
    const summaries = [...report.matchAll(/<summary>(.*)<\/summary>/g)].map((match) => match[1])
    expect(summaries).toEqual([
      '❌ orders: over its limits on rows removed, rows changed',
      '⚠️ unknown: could not be checked',
      '⚠️ orders: schema changes not measured',
      'Details of the table within its limits'
    ])
    expect(report.match(/<details>/g)).toHaveLength(4)
    expect(report.match(/<\/details>/g)).toHaveLength(4)
  })

  it('opens a problem on why: each limit it is over with its figure, then where to see it and what is downstream, then the rest', () => {
    const diff = done(1, {
      metrics: { 'rows-removed': m(312, 3.12), 'rows-changed': m(1204, 12.04) },
      downstream: [
        { name: 'fct_revenue', type: 'table' },
        { name: 'Revenue overview', type: 'looker_dashboard' }
      ]
    })
    const thresholds: Thresholds = { ...noThresholds, max: { 'rows-removed': count(0) } }
    const report = renderReport(
      evaluation(ev(diff, { breaches: overOn(1, ['rows-removed', 312, 3.12, '0']) })),
      options({ thresholds })
    )
    const body = detailsOf(report, 1).split('</summary>\n\n')[1] ?? ''
    expect(body.split('\n\n').slice(0, 5)).toEqual([
      '**Over its limits:**',
      '- rows removed **312 (3.12%)**, over its limit of 0',
      '[View in Datafold](https://app.datafold.com/datadiffs/1/overview) · diff 1 · analytics.prod.orders → analytics.pr.orders · 10,000 rows',
      '**Downstream** (from Datafold): fct_revenue (table), Revenue overview (looker dashboard)',
      '**Figures:** rows removed **312 (3.12%)** ❌ over its limit of 0 · rows changed 1,204 (12.04%) · every other figure 0'
    ])
  })

  it('lists the columns that differ, lowest match first, with the breached limit and ignored ones marked', () => {
    const diff = done(1, {
      columns: [
        col('id', 100, 0),
        col('status', 99.9, 12, { estimate: 1200, confidence: 0.95, min: 1050, max: 1380 }),
        col('amount', 97.25, 275),
        col('updated_at', 10, 9000),
        col('note', 99.9, 40),
        col('rounding', 100, 1)
      ]
    })
    const report = renderReport(
      evaluation(
        ev(diff, {
          breaches: [breach(1, 'column-match', 275, 97.25, 'min 99.5%', 'amount', 2)],
          ignoredColumns: ['updated_at']
        })
      ),
      options()
    )
    const section = detailsOf(report, 1)
    expect(section).toContain('- column amount: **97.25%** match, under its limit of 99.5%')
    expect(section).toContain(
      '**Columns that differ:** 5 of 6 columns compared, most different first.'
    )
    expect(section).toContain(
      [
        '| Column | Match | Values different |',
        '| --- | --: | --: |',
        '| updated_at (ignored) | 10.00% | 9,000 |',
        '| amount | 97.25% ❌ < 99.5% | 275 |',
        '| status | 99.90% | 12 in the sample, ≈ 1,200 (1,050–1,380, 95% confidence) |',
        '| note | 99.90% | 40 |',
        '| rounding | 100.00% | 1 |'
      ].join('\n')
    )
    expect(section).not.toContain('| id |')
    expect(section).toContain('**Ignored** (`ignore-columns`, not checked): updated_at')
  })

  it.each([
    [
      [col('b', 99, 1), col('a', 50, 1), col('c', 99, 5)],
      ['a', 'c', 'b']
    ],
    [
      [col('x', 90, 1, { estimate: 500, confidence: 0.9, min: 400, max: 600 }), col('y', 90, 100)],
      ['x', 'y']
    ],
    [
      [col('same', 80, 1), col('also', 80, 1)],
      ['also', 'same']
    ],
    [[col('equal', 100, 0)], []]
  ])(
    'sorts differing columns by match, then by values different, then by name: %#',
    (columns, expected) => {
      expect(differingColumns(columns).map((c) => c.name)).toEqual(expected)
    }
  )

  it('formats a sampled estimate with its interval and confidence', () => {
    const diff = done(1, {
      columns: [
        col('total', 98.5, 31, { estimate: 15_432.4, confidence: 0.99, min: 14_000, max: 16_999.6 })
      ]
    })
    const section = detailsOf(renderReport(evaluation(ev(diff)), options()), 1)
    expect(section).toContain(
      '| total | 98.50% | 31 in the sample, ≈ 15,432 (14,000–17,000, 99% confidence) |'
    )
  })

  it('counts the columns Datafold compared (values.compared_columns), not only those it listed', () => {
    const over = { breaches: overOn(1, ['rows-removed', 1, 0.01, '0']) }
    const listed = detailsOf(
      renderReport(evaluation(ev(done(1, { columns: [col('id', 100, 0)] }), over)), options()),
      1
    )
    expect(listed).toContain('**Columns:** no column differs (1 column compared).')
    const clean = done(1, { columns: [], comparedColumns: 5 })
    expect(detailsOf(renderReport(evaluation(ev(clean, over)), options()), 1)).toContain(
      '**Columns:** no column differs (5 columns compared).'
    )
    const none = done(2, {
      metrics: { 'rows-changed': null, 'values-changed': null, 'columns-changed': null }
    })
    expect(
      detailsOf(
        renderReport(
          evaluation(ev(none, { breaches: overOn(2, ['rows-removed', 1, 0.01, '0']) })),
          options()
        ),
        2
      )
    ).toContain('Values: not measured')
  })

  it('says of a table within its limits only what it has to tell', () => {
    const quiet = detailsOf(
      renderReport(evaluation(ev(done(1, { columns: [col('id', 100, 0)] }))), options()),
      1
    )
    expect(quiet).toBe(
      '\n✅ **orders** · [View in Datafold](https://app.datafold.com/datadiffs/1/overview) · diff 1 · analytics.prod.orders → analytics.pr.orders · 10,000 rows\n\n'
    )
  })

  it('lists schema changes in production’s and the PR’s words', () => {
    const diff = done(1, {
      metrics: { 'schema-changes': m(4) },
      schema: {
        columnsOnlyInA: ['legacy_id'],
        columnsOnlyInB: ['region', 'channel'],
        typeChanged: ['amount'],
        typeMismatches: 1
      }
    })
    const section = detailsOf(renderReport(evaluation(ev(diff)), options()), 1)
    expect(section).toContain(
      [
        '**Schema changes**',
        '',
        '- Only in production (removed): legacy_id',
        '- Only in the PR (added): region, channel',
        '- Type changed: amount'
      ].join('\n')
    )
  })

  it.each([
    ['no changes', done(1), '**Schema:** no changes.'],
    [
      'cross-db',
      done(1, { schema: null, target: { datasetA: 'a', datasetB: 'b', kind: 'cross_db' } }),
      '**Schema:** not compared (a cross-database diff).'
    ],
    ['absent', done(1, { schema: null }), '**Schema:** not measured.'],
    [
      'mismatches not named',
      done(1, {
        schema: { columnsOnlyInA: [], columnsOnlyInB: [], typeChanged: [], typeMismatches: 2 }
      }),
      '- Type mismatches not named by Datafold: 2'
    ]
  ])('schema of a problem: %s', (_, diff, expected) => {
    const over = { breaches: overOn(1, ['rows-removed', 1, 0.01, '0']) }
    expect(detailsOf(renderReport(evaluation(ev(diff, over)), options()), 1)).toContain(expected)
  })

  it('shows an error diff’s reason and every diff’s warnings', () => {
    const report = renderReport(
      evaluation(
        ev(
          errored(3, 'diff 3 failed: QueryError: relation "x" does not exist', {
            warnings: ['took 280 s']
          })
        ),
        ev(done(4, { warnings: ['diff 4 is sampled', 'second warning'] }))
      ),
      options()
    )
    expect(detailsOf(report, 3)).toContain(
      '**Could not be checked:** diff 3 failed: QueryError: relation &quot;x&quot; does not exist'
    )
    expect(detailsOf(report, 3)).toContain('**Warnings**\n\n- took 280 s')
    expect(detailsOf(report, 4)).toContain('- diff 4 is sampled\n- second warning')
    expect(render(report)).toContain('relation &quot;x&quot; does not exist')
  })

  it('notes limits that could not be checked', () => {
    const diff = done(1, { metrics: { 'schema-changes': null }, schema: null })
    const report = renderReport(
      evaluation(ev(diff, { notMeasured: ['schema-changes'] })),
      options({ thresholds: { ...noThresholds, max: { 'schema-changes': count(0) } } })
    )
    expect(detailsOf(report, 1)).toContain(
      '⚠️ **Not checked:** Datafold did not measure schema changes (limit 0) for this diff, so its limit was not checked.'
    )
  })
})

// ── Footer ─────────────────────────────────────────────────────────────────────────────────────

describe('footer', () => {
  it('lists the step’s limits in words, written like figures, and the ignored columns, in small print', () => {
    const thresholds: Thresholds = {
      max: { 'rows-changed': pct(1), 'rows-removed': count(5_000_000), 'schema-changes': count(2) },
      minColumnMatch: 99.5,
      ignoreColumns: ['updated_at', '_etl_*']
    }
    const report = renderReport(evaluation(ev(done(1))), options({ thresholds }))
    expect(
      report.endsWith(
        "\n\n<sub>**The step's limits:** rows removed ≤ 5,000,000 · rows changed ≤ 1% · schema changes ≤ 2 · column match ≥ 99.5%.<br>**Ignored columns:** updated_at, &#95;etl&#95;&#42;</sub>\n"
      )
    ).toBe(true)
  })

  it('says when no limit is set', () => {
    const report = renderReport(evaluation(ev(done(1))), options({ runUrl: null }))
    expect(report.endsWith("\n\n<sub>**The step's limits:** none set.</sub>\n")).toBe(true)
  })
})

// ── Escaping ───────────────────────────────────────────────────────────────────────────────────

const HOSTILE = [
  'a|b|c',
  '| --- | --- |',
  'line\nbreak\r\n| injected | row |',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '</td></tr></table><h1>big</h1>',
  '</summary></details><details open>',
  '<!-- hidden',
  '--> closed',
  '[click me](https://evil.example)',
  '![pixel](https://evil.example/p.png)',
  '[ref]: https://evil.example',
  '`code` ```fence```',
  '*em* **strong** _em_ __strong__ ~~del~~',
  '@octocat please look',
  'cc @github/security-team',
  'fixes #123 and GH-45',
  'owner/repo#7',
  'mail admin@example.com',
  'see https://evil.example and www.evil.example',
  '# heading',
  '> quote',
  '- item',
  '1. item',
  '    indented code',
  '&amp; &lt;b&gt; &#124;',
  '\\| backslash pipe \\',
  '$x^2$ math',
  'bidi \u202Eevil\u202C nul \u0000',
  `huge_${'A'.repeat(10_000)}`
]

/** The same names made harmless, to compare the rendered structure against. */
const BENIGN = HOSTILE.map((_, i) => `plain_name_${i}`)

function hostileEvaluation(names: string[]): Evaluation {
  const diffs = names.map((name, i) =>
    i % 5 === 4
      ? ev(
          errored(i + 1, name, {
            target: { datasetA: name, datasetB: name, kind: null },
            warnings: [name]
          })
        )
      : ev(
          done(i + 1, {
            target: { datasetA: name, datasetB: name, kind: i % 2 === 0 ? 'in_db' : 'cross_db' },
            warnings: [name],
            columns: [col(name, 90, 10), col(`${name}2`, 95, 5), col('ok', 100, 0)],
            metrics: { 'rows-changed': m(10, 1) },
            schema: {
              columnsOnlyInA: [name],
              columnsOnlyInB: [name],
              typeChanged: [name],
              typeMismatches: 1
            }
          }),
          {
            breaches: [
              breach(i + 1, 'column-match', 10, 90, 'min 99%', name, 0),
              breach(i + 1, 'rows-changed', 10, 1, '0.5%')
            ],
            ignoredColumns: [`${name}2`]
          }
        )
  )
  return evaluation(...diffs)
}

const hostileOptions = (names: string[]): ReportOptions =>
  options({
    title: names.join(' '),
    thresholds: { max: { 'rows-changed': pct(0.5) }, minColumnMatch: 99, ignoreColumns: names }
  })

/** Tags by name; `<wbr>`, the report's own break hint after `_` and `.`, varies with the text. */
function tagCounts(html: string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const [, tag = ''] of html.matchAll(/<(\/?[a-zA-Z][\w-]*)/g)) {
    if (tag !== 'wbr') counts[tag] = (counts[tag] ?? 0) + 1
  }
  return counts
}

/** The text a reader sees: tags dropped, entities decoded. */
function shownText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

describe('escaping: hostile names rendered through marked (GFM)', () => {
  const report = renderReport(hostileEvaluation(HOSTILE), hostileOptions(HOSTILE))
  const html = render(report)
  const benignHtml = render(renderReport(hostileEvaluation(BENIGN), hostileOptions(BENIGN)))

  it('keeps every table row at its table’s cell count', () => {
    const tables = marked.lexer(report).filter((t): t is Tokens.Table => t.type === 'table')
    // The main table: every diff has its row, and its first cell still opens with the verdict.
    const main = tables[0]
    expect(main?.header.map((h) => h.text.replace(/<br>/, ' '))).toEqual([
      'Table',
      'Rows added',
      'Rows removed',
      'Rows changed',
      'Schema changes',
      'Key problems'
    ])
    expect(main?.rows).toHaveLength(HOSTILE.length)
    // Problems first: those over their limits, then those that could not be checked.
    const marks = HOSTILE.map((_, i) => (i % 5 === 4 ? '⚠️' : '❌'))
    expect(main?.rows.map((r) => r[0]?.text.split(' ')[0])).toEqual([
      ...marks.filter((m) => m === '❌'),
      ...marks.filter((m) => m === '⚠️')
    ])
    // Raw: each row line has exactly as many pipes as its table's header line.
    let pipes = 0
    for (const line of report.split('\n')) {
      if (!line.startsWith('|')) {
        pipes = 0
        continue
      }
      const n = line.split('|').length
      if (pipes === 0) pipes = n
      expect(n).toBe(pipes)
    }
    // Every column table too: marked sees the same tables, of the same sizes, as with plain names.
    const shape = (md: string) =>
      marked
        .lexer(md)
        .filter((t): t is Tokens.Table => t.type === 'table')
        .map((t) => [t.header.length, t.rows.length])
    expect(shape(report)).toEqual(
      shape(renderReport(hostileEvaluation(BENIGN), hostileOptions(BENIGN)))
    )
  })

  it('lets no HTML element from the input through: the same tags as with plain names', () => {
    expect(tagCounts(html)).toEqual(tagCounts(benignHtml))
    expect(html).not.toMatch(/<(img|script|h1|iframe)\b/i)
    expect(html).not.toMatch(/<details open/)
  })

  it('makes no link, image, code or emphasis from the input', () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href)
    expect(
      hrefs.every(
        (href) =>
          href?.startsWith('https://app.datafold.com/datadiffs/') ||
          href === 'https://github.com/acme/warehouse/actions/runs/42'
      )
    ).toBe(true)
    expect(html).not.toContain('evil.example"')
    expect(html).not.toMatch(/<(em|del|pre|h1|blockquote|ol)>/)
  })

  it('leaves no @mention or #123 reference for GitHub to link in the rendered text', () => {
    const text = shownText(html)
    expect(text).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/)
    expect(text).not.toMatch(/#[0-9]/)
    expect(text).not.toMatch(/GH-[0-9]/)
    // …yet the names still read as written (the joiner is invisible).
    expect(text.replace(/\u200D/g, '')).toContain('@octocat please look')
    expect(text.replace(/\u200D/g, '')).toContain('fixes #123 and GH-45')
    expect(text).toContain('<img src=x onerror=alert(1)>')
  })

  it('cannot close the marker’s HTML comment', () => {
    expect(report).not.toContain('-->')
    expect(report).not.toContain('<!--')
    const comment = renderComment(hostileEvaluation(HOSTILE), hostileOptions(HOSTILE), MARKER)
    expect(comment.startsWith(`${MARKER}\n`)).toBe(true)
    expect(comment.split('-->')).toHaveLength(2)
  })

  it('escapes the title', () => {
    const titled = renderReport(evaluation(ev(done(1))), options({ title: '# @team <b>x</b> | y' }))
    expect(titled.split('\n')[2]).toBe(
      '**&#35; @&#8205;team &lt;b&gt;x&lt;/b&gt; &#124; y** · [workflow run](https://github.com/acme/warehouse/actions/runs/42)'
    )
  })
})

// ── Size ───────────────────────────────────────────────────────────────────────────────────────

describe('renderComment: the size budget', () => {
  const thresholds: Thresholds = {
    max: { 'rows-changed': pct(1) },
    minColumnMatch: 99.5,
    ignoreColumns: []
  }

  it('is the marker and the full report when it fits', () => {
    const e = evaluation(ev(done(1)))
    expect(renderComment(e, options(), MARKER)).toBe(`${MARKER}\n${renderReport(e, options())}`)
  })

  /** Every table row in the comment is a whole row of the full report. */
  function expectWholeRows(comment: string, full: string): void {
    const fullLines = new Set(full.split('\n'))
    for (const line of comment.split('\n').filter((l) => l.startsWith('|'))) {
      expect(fullLines.has(line)).toBe(true)
    }
    expect(comment.match(/<details>/g)?.length ?? 0).toBe(
      comment.match(/<\/details>/g)?.length ?? 0
    )
  }

  it('with 5,000 columns, drops the passing table’s details, then per-column detail, keeping the heading, the table, why and the most different columns', () => {
    const columns = Array.from({ length: 5000 }, (_, i) =>
      col(
        `column_${String(i).padStart(4, '0')}_with_a_longish_name`,
        50 + (i % 4900) / 100,
        1000 + i
      )
    )
    const breaches = columns.flatMap((c, i) =>
      c.match < 99.5
        ? [breach(1, 'column-match', c.valuesDifferent, c.match, 'min 99.5%', c.name, i)]
        : []
    )
    const e = evaluation(ev(done(1, { columns }), { breaches }), ev(done(2)))
    const full = renderReport(e, options({ thresholds }))
    expect(full.length).toBeGreaterThan(60_000)
    expect(full).toContain('column_4999_with_a_longish_name')

    const comment = renderComment(e, options({ thresholds }), MARKER)
    expect(comment.length).toBeLessThanOrEqual(60_000)
    expect(
      comment.startsWith(
        `${MARKER}\n### ❌ 1 of 2 tables over their limits\n\n**Datafold data diff** · [workflow run](https://github.com/acme/warehouse/actions/runs/42)\n\n`
      )
    ).toBe(true)
    expect(comment).toContain(
      'the details of the tables within their limits are left out and each problem lists its 10 most different columns only. The full report is in the [job summary](https://github.com/acme/warehouse/actions/runs/42).'
    )
    expect(mainRows(comment)).toHaveLength(2)
    expect(comment).toContain('- column column_0000_with_a_longish_name: **50.00%** match')
    expect(comment).toContain('| column_0000_with_a_longish_name | 50.00% ❌ < 99.5% | 1,000 |')
    expect(comment).not.toContain('column_0010_with_a_longish_name |')
    expect(comment).toContain('… and 4,990 more columns: the full list is in the job summary.')
    expect(comment).not.toContain('Details of the table within its limits')
    expectWholeRows(comment, full)
  })

  it('with 2,000 tables, keeps whole rows only, problems first each with why, and says how many were left out', () => {
    const diffs = Array.from({ length: 2000 }, (_, i) =>
      i === 1500
        ? ev(done(i + 1, { metrics: { 'rows-changed': m(250, 2.5) } }), {
            breaches: [breach(i + 1, 'rows-changed', 250, 2.5, '1%')]
          })
        : i === 1999
          ? ev(errored(i + 1))
          : ev(
              done(i + 1, {
                target: {
                  datasetA: `analytics.prod.model_${i}`,
                  datasetB: `analytics.pr_42.model_${i}`,
                  kind: 'in_db'
                }
              })
            )
    )
    const e = evaluation(...diffs)
    const full = renderReport(e, options({ thresholds }))
    const comment = renderComment(e, options({ thresholds }), MARKER)
    expect(comment.length).toBeLessThanOrEqual(60_000)
    expect(comment.length).toBeGreaterThan(50_000)
    expect(comment).toContain(
      '### ❌ 1 of 2,000 tables over their limits · ⚠️ 1 could not be checked'
    )
    expect(comment).toContain(
      'left out of the table. The full report is in the [job summary](https://github.com/acme/warehouse/actions/runs/42).'
    )
    // Why each problem is one stays: the breach, and the error's reason.
    expect(comment).toContain('- rows changed **250 (2.50%)**, over its limit of 1%')
    expect(comment).toContain('**Could not be checked:** diff 2000 failed: QueryError')

    const rows = mainRows(comment)
    const shown = rows.map((r) => Number(/\/datadiffs\/(\d+)\//.exec(r[0] ?? '')?.[1]))
    expect(shown.slice(0, 2)).toEqual([1501, 2000])
    expect(shown.slice(2)).toEqual([...shown.slice(2)].sort((a, b) => a - b))
    const leftOut = 2000 - rows.length
    expect(comment).toContain(
      `… and ${leftOut.toLocaleString('en-US')} more tables not shown (${leftOut.toLocaleString('en-US')} within their limits).`
    )
    expect(comment).toContain(
      `${leftOut.toLocaleString('en-US')} tables are left out of the table.`
    )
    // The tables are intact: marked sees every kept row whole.
    const tables = marked
      .lexer(comment.slice(MARKER.length))
      .filter((t): t is Tokens.Table => t.type === 'table')
    expect(tables.flatMap((t) => t.rows)).toHaveLength(rows.length)
    expect(tables.flatMap((t) => t.rows).every((r) => r.length === 6 && r[0]?.text !== '')).toBe(
      true
    )
    expectWholeRows(comment, full)
    expect(comment.endsWith('</sub>\n')).toBe(true)
  })

  it.each([
    [6_000, 'the details of the tables within their limits are left out. The full', 4, 3],
    [5_000, 'and each problem lists its 10 most different columns only', 4, 3],
    [3_000, 'and the per-column detail is left out', 4, 3],
    [2_300, "and each problem's details say why only. The full", 4, 3],
    [1_800, '2 tables are left out of the table', 2, 2]
  ])('steps down as the budget shrinks: %d characters → %s', (maxLength, note, rows, sections) => {
    const columns = Array.from({ length: 40 }, (_, i) => col(`col_${i}`, 90 + i / 10, 100 - i))
    const over = (id: number) =>
      ev(done(id, { columns, warnings: ['sampled'], metrics: { 'rows-changed': m(300, 3) } }), {
        breaches: [breach(id, 'rows-changed', 300, 3, '1%')]
      })
    const e = evaluation(over(1), over(2), over(3), ev(done(4, { columns, warnings: ['sampled'] })))
    expect(renderReport(e, options()).length).toBeGreaterThan(6_000)
    const comment = renderComment(e, options(), MARKER, maxLength)
    expect(comment.length).toBeLessThanOrEqual(maxLength)
    expect(comment).toContain(note)
    expect(comment.match(/<details>/g)?.length ?? 0).toBe(sections)
    expect(mainRows(comment)).toHaveLength(rows)
    expectWholeRows(comment, renderReport(e, options()))
  })

  it('without a run URL, points to the job summary in words', () => {
    const columns = Array.from({ length: 500 }, (_, i) => col(`c${i}`, 90, 1))
    const comment = renderComment(
      evaluation(ev(done(1, { columns }))),
      options({ runUrl: null }),
      MARKER,
      5_000
    )
    expect(comment).toContain("The full report is in the workflow run's job summary.")
  })

  it('with a budget too small even for the table, keeps whole lines within it', () => {
    const e = evaluation(ev(done(1)), ev(done(2)))
    const comment = renderComment(e, options(), MARKER, 300)
    expect(comment.length).toBeLessThanOrEqual(300)
    expect(comment.startsWith(`${MARKER}\n### ✅ 2 tables within their limits`)).toBe(true)
  })
})
