import { describe, expect, it } from '@jest/globals'
import { marked, type Tokens } from 'marked'
import { erroredDiff, finishedDiff } from '../../__fixtures__/results.js'
import type {
  ColumnStat,
  DiffResult,
  ErroredDiff,
  FinishedDiff,
  Measure,
  Metrics
} from '../../src/diff.js'
import { differingColumns } from '../../src/report/details.js'
import {
  renderComment,
  renderReport,
  verdictLine,
  type ReportOptions
} from '../../src/report/document.js'
import type { Limit, Thresholds } from '../../src/limits.js'
import type { Breach, DiffEvaluation, Evaluation, Verdict } from '../../src/thresholds.js'
import { describeBreach } from '../../src/verdict.js'

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

/** The main table's rows, each split into its cells (the report's cells hold no raw `|`). */
function mainRows(markdown: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => l.startsWith('| Diff |'))
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('| ')) break
    rows.push(line.slice(2, -2).split(' | '))
  }
  return rows
}

const HEADERS = ['Diff', 'Added', 'Removed', 'Changed', 'Schema', 'PKs']
/** A cell of the main table, its no-break spaces (metric cells never wrap) read as spaces. */
const cellOf = (markdown: string, header: string, row = 0): string | undefined =>
  mainRows(markdown)[row]?.[HEADERS.indexOf(header)]?.replace(/&nbsp;/g, ' ')

// ── Verdict ────────────────────────────────────────────────────────────────────────────────────

describe('verdictLine', () => {
  const pass = (id: number) => ev(done(id))
  const fail = (id: number) =>
    ev(done(id), { breaches: [breach(id, 'rows-removed', 1, 0.01, '0')] })
  const error = (id: number) => ev(errored(id))
  const unmeasured = (id: number) =>
    ev(done(id, { metrics: { 'schema-changes': null } }), { notMeasured: ['schema-changes'] })

  it.each([
    ['one pass', [pass(1)], '✅ 1 diff within thresholds'],
    ['all pass', [pass(1), pass(2), pass(3)], '✅ 3 diffs within thresholds'],
    ['the one diff fails', [fail(1)], '❌ 1 of 1 diff exceeds thresholds'],
    ['one of three fails', [pass(1), fail(2), pass(3)], '❌ 1 of 3 diffs exceed thresholds'],
    ['two of three fail', [fail(1), fail(2), pass(3)], '❌ 2 of 3 diffs exceed thresholds'],
    ['all fail', [fail(1), fail(2)], '❌ 2 of 2 diffs exceed thresholds'],
    ['the one diff errors', [error(1)], '⚠️ 1 of 1 diff could not be checked'],
    ['one of three errors', [pass(1), error(2), pass(3)], '⚠️ 1 of 3 diffs could not be checked'],
    [
      'errors and a failure',
      [error(1), fail(2), pass(3)],
      '⚠️ 1 of 3 diffs could not be checked; 1 exceeds thresholds'
    ],
    [
      'errors and failures',
      [error(1), fail(2), fail(3), error(4)],
      '⚠️ 2 of 4 diffs could not be checked; 2 exceed thresholds'
    ],
    [
      'a pass with a threshold not measured',
      [unmeasured(1), pass(2)],
      '✅ 2 diffs within thresholds (1 threshold not checked: Datafold did not measure its metric)'
    ],
    [
      'a failure and thresholds not measured',
      [
        fail(1),
        ev(done(2, { metrics: { 'rows-added': null, 'rows-removed': null } }), {
          notMeasured: ['rows-added', 'rows-removed']
        })
      ],
      '❌ 1 of 2 diffs exceed thresholds (2 thresholds not checked: Datafold did not measure their metrics)'
    ],
    ['no diffs', [], '✅ no diffs to check'],
    [
      'thousands',
      Array.from({ length: 1500 }, (_, i) => (i < 1200 ? fail(i) : pass(i))),
      '❌ 1,200 of 1,500 diffs exceed thresholds'
    ]
  ])('%s', (_, diffs, expected) => {
    expect(verdictLine(evaluation(...diffs))).toBe(expected)
  })

  it('opens the report, after the title', () => {
    const report = renderReport(evaluation(pass(1), fail(2)), options())
    expect(report.split('\n\n').slice(0, 2)).toEqual([
      '## Datafold data diff',
      '❌ 1 of 2 diffs exceed thresholds'
    ])
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

  it('has one row per diff, with the header, and the verdict mark and a link to each diff first', () => {
    const report = renderReport(evaluation(ev(done(1)), ev(done(2)), ev(errored(3))), options())
    expect(report).toContain(`| ${HEADERS.join(' | ')} |`)
    expect(mainRows(report).map((r) => r[0]?.split(' ').slice(0, 2).join(' '))).toEqual([
      '✅ [1](https://app.datafold.com/datadiffs/1/overview)',
      '✅ [2](https://app.datafold.com/datadiffs/2/overview)',
      '⚠️ [3](https://app.datafold.com/datadiffs/3/overview)'
    ])
    expect(mainRows(report).every((r) => r.length === HEADERS.length)).toBe(true)
  })

  type Case = [string, string, FinishedDiff, Partial<Omit<DiffEvaluation, 'diff'>>, string]
  it.each<Case>([
    [
      'Diff',
      'both tables: the common part, what differs said once above the table',
      done(1),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) orders<br><sub>10,000 rows</sub>'
    ],
    [
      'Diff',
      'cross-db, names with no common part',
      done(1, {
        target: { datasetA: 'pg.public.orders', datasetB: 'snowflake.PR.ORDERS', kind: 'cross_db' }
      }),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) pg.<wbr>public.<wbr>orders → snowflake.<wbr>PR.<wbr>ORDERS <sub>cross-db</sub><br><sub>10,000 rows</sub>'
    ],
    [
      'Diff',
      'sampled',
      done(1, { sampled: true }),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) orders <sub>sampled</sub><br><sub>10,000 rows</sub>'
    ],
    [
      'Diff',
      'unknown',
      done(1, { target: { datasetA: null, datasetB: null, kind: null } }),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) unknown<br><sub>10,000 rows</sub>'
    ],
    [
      'Diff',
      'one side unknown',
      done(1, { target: { datasetA: null, datasetB: 'a.b', kind: 'in_db' } }),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) ? → a.<wbr>b<br><sub>10,000 rows</sub>'
    ],
    [
      'Diff',
      'rows of both sides when they differ',
      done(1, { rowsA: 10_000, rowsB: 10_250 }),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) orders<br><sub>10,250 rows (A 10,000)</sub>'
    ],
    [
      'Diff',
      'rows not measured',
      done(1, { rowsA: null, rowsB: null }),
      {},
      '✅ [1](https://app.datafold.com/datadiffs/1/overview) orders'
    ],
    [
      'Added',
      'within',
      done(1, { metrics: { 'rows-added': m(250, 2.5) } }),
      {},
      '250<br><sub>2.50%</sub>'
    ],
    [
      'Added',
      'breached',
      done(1, { metrics: { 'rows-added': m(250, 2.5) } }),
      { breaches: [breach(1, 'rows-added', 250, 2.5, '1%')] },
      '**250** ❌<br><sub>2.50% > 1%</sub>'
    ],
    ['Added', 'zero', done(1), {}, '0'],
    ['Added', 'not measured', done(1, { metrics: { 'rows-added': null } }), {}, 'n/a'],
    [
      'Added',
      'not measured, with a threshold',
      done(1, { metrics: { 'rows-added': null } }),
      { notMeasured: ['rows-added'] },
      'n/a ⚠️'
    ],
    [
      'Removed',
      'a tiny share breached',
      done(1, { metrics: { 'rows-removed': m(3, 0.0003) } }),
      { breaches: [breach(1, 'rows-removed', 3, 0.0003, '0')] },
      '**3** ❌<br><sub>max 0</sub>'
    ],
    [
      'Removed',
      'a tiny share',
      done(1, { metrics: { 'rows-removed': m(3, 0.0003) } }),
      {},
      '3<br><sub><0.01%</sub>'
    ],
    [
      'Removed',
      'thousands',
      done(1, { metrics: { 'rows-removed': m(1_234_567, 55.5) } }),
      {},
      '1,234,567<br><sub>55.50%</sub>'
    ],
    [
      'Changed',
      'rows',
      done(1, { metrics: { 'rows-changed': m(250, 2.5) } }),
      { breaches: [breach(1, 'rows-changed', 250, 2.5, '1%')] },
      '**250** ❌<br><sub>2.50% > 1%</sub>'
    ],
    [
      'Changed',
      'values breached too',
      done(1, { metrics: { 'values-changed': m(1234, 0.5) } }),
      { breaches: [breach(1, 'values-changed', 1234, 0.5, '0.1%')] },
      '0<br><sub>values 0.50% > 0.1% ❌</sub>'
    ],
    [
      'Changed',
      'columns breached too',
      done(1, { metrics: { 'columns-changed': m(3, 25) } }),
      { breaches: [breach(1, 'columns-changed', 3, 25, '2')] },
      '0<br><sub>columns 3 > 2 ❌</sub>'
    ],
    [
      'Changed',
      'not measured, with thresholds',
      done(1, {
        metrics: { 'rows-changed': null, 'values-changed': null, 'columns-changed': null }
      }),
      { notMeasured: ['rows-changed', 'values-changed'] },
      'n/a ⚠️'
    ],
    ['Schema', 'none', done(1), {}, '0'],
    [
      'Schema',
      'breached',
      done(1, { metrics: { 'schema-changes': m(3) } }),
      { breaches: [breach(1, 'schema-changes', 3, null, '0')] },
      '**3** ❌<br><sub>max 0</sub>'
    ],
    ['Schema', 'some', done(1, { metrics: { 'schema-changes': m(2) } }), {}, '2'],
    [
      'Schema',
      'not measured (cross-db)',
      done(1, { metrics: { 'schema-changes': null }, schema: null }),
      {},
      'n/a'
    ],
    [
      'Schema',
      'not measured, with a threshold',
      done(1, { metrics: { 'schema-changes': null }, schema: null }),
      { notMeasured: ['schema-changes'] },
      'n/a ⚠️'
    ],
    ['PKs', 'none', done(1), {}, '0'],
    [
      'PKs',
      'nulls and duplicates',
      done(1, { metrics: { 'null-pks': m(2, 0.02), 'duplicate-pks': m(5, 0.05) } }),
      { breaches: [breach(1, 'duplicate-pks', 5, 0.05, '0')] },
      '2 null<br>**5** dup ❌<br><sub>max 0</sub>'
    ],
    [
      'PKs',
      'not measured',
      done(1, { metrics: { 'null-pks': null, 'duplicate-pks': null } }),
      {},
      'n/a'
    ],
    [
      'PKs',
      'not measured, with a threshold',
      done(1, { metrics: { 'null-pks': null, 'duplicate-pks': null } }),
      { notMeasured: ['duplicate-pks'] },
      'n/a ⚠️'
    ],
    [
      'Diff',
      'a failed diff is marked first',
      done(1, { metrics: { 'rows-added': m(1, 50) } }),
      { breaches: [breach(1, 'rows-added', 1, 50, '1%')] },
      '❌ [1](https://app.datafold.com/datadiffs/1/overview) orders<br><sub>10,000 rows</sub>'
    ]
  ])('%s, %s', (header, _, diff, extra, expected) => {
    const report = renderReport(evaluation(ev(diff, extra)), options({ thresholds }))
    expect(cellOf(report, header)).toBe(expected)
  })

  it('says once above the table what differs when every diff shares it, else per row', () => {
    const pr = (id: number, model: string, schema = 'analytics') =>
      ev(
        done(id, {
          target: { datasetA: `${schema}.${model}`, datasetB: `pr_42.${model}`, kind: 'in_db' }
        })
      )
    const shared = renderReport(evaluation(pr(1, 'orders'), pr(2, 'customers')), options())
    expect(shared).toContain(
      'Compared <code>analytics</code> → <code>pr_<wbr>42</code>\n\n| Diff |'
    )
    expect(cellOf(shared, 'Diff', 1)).toBe(
      '✅ [2](https://app.datafold.com/datadiffs/2/overview) customers<br><sub>10,000 rows</sub>'
    )
    const mixed = renderReport(
      evaluation(pr(1, 'orders'), pr(2, 'customers', 'finance')),
      options()
    )
    expect(mixed).not.toContain('Compared <code>')
    expect(cellOf(mixed, 'Diff', 1)).toBe(
      '✅ [2](https://app.datafold.com/datadiffs/2/overview) customers<br><sub>finance → pr_<wbr>42 · 10,000 rows</sub>'
    )
  })

  it('marks an error diff and leaves its metrics empty: the error text is in the details only', () => {
    const report = renderReport(
      evaluation(ev(errored(9, 'diff 9 failed: QueryError: relation does not exist'))),
      options()
    )
    expect(mainRows(report)[0]).toEqual([
      '⚠️ [9](https://app.datafold.com/datadiffs/9/overview) unknown',
      '—',
      '—',
      '—',
      '—',
      '—'
    ])
    expect(report.split('<details>')[0]).not.toContain('QueryError')
    expect(detailsOf(report, 9)).toContain('QueryError: relation does not exist')
  })

  it('shortens a 10,000-character table name with an ellipsis in its cell', () => {
    const long = `analytics.${'x'.repeat(10_000)}`
    const report = renderReport(
      evaluation(ev(done(1, { target: { datasetA: long, datasetB: long, kind: 'in_db' } }))),
      options()
    )
    const first = cellOf(report, 'Diff') ?? ''
    expect(first.length).toBeLessThan(300)
    expect(first.replace(/<wbr>/g, '')).toMatch(/\) analytics\.x+…<br>/)
    expect(report.length).toBeLessThan(3_000)
  })

  it('does not link a diff whose URL is not http(s)', () => {
    const report = renderReport(evaluation(ev(done(1, { url: 'javascript:alert(1)' }))), options())
    expect(cellOf(report, 'Diff')?.startsWith('✅ 1 orders')).toBe(true)
  })
})

// ── Per-diff details ───────────────────────────────────────────────────────────────────────────

/** The body of diff `id`'s collapsed section. */
function detailsOf(report: string, id: number): string {
  const start = report.search(new RegExp(`<summary>[^<]* diff ${id}(:|</summary>)`))
  expect(start).toBeGreaterThanOrEqual(0)
  return report.slice(start, report.indexOf('</details>', start))
}

describe('per-diff details', () => {
  it('is a collapsed section per diff, titled with its mark and what was compared', () => {
    const report = renderReport(evaluation(ev(done(1)), ev(errored(2))), options())
    expect(report).toContain(
      '<details>\n<summary>✅ diff 1: analytics.prod.orders → analytics.pr.orders</summary>\n\n'
    )
    expect(report).toContain('<details>\n<summary>⚠️ diff 2</summary>\n\n')
    expect(report.match(/<details>/g)).toHaveLength(2)
    expect(report.match(/<\/details>/g)).toHaveLength(2)
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
    expect(section).toContain(
      '**Columns that differ:** 5 of 6 columns compared, most different first.'
    )
    expect(section).toContain(
      [
        '| Column | Match | Values different |',
        '| --- | --: | --- |',
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

  it('says so when no column differs, and when values were not compared', () => {
    const same = detailsOf(
      renderReport(evaluation(ev(done(1, { columns: [col('id', 100, 0)] }))), options()),
      1
    )
    expect(same).toContain('**Columns:** no column differs (1 column compared).')
    const none = done(2, {
      metrics: { 'rows-changed': null, 'values-changed': null, 'columns-changed': null }
    })
    expect(detailsOf(renderReport(evaluation(ev(none)), options()), 2)).toContain(
      'Values: not measured'
    )
  })

  it('lists schema changes: removed, added, type changed', () => {
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
        '- Removed (only in A): legacy_id',
        '- Added (only in B): region, channel',
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
  ])('schema: %s', (_, diff, expected) => {
    expect(detailsOf(renderReport(evaluation(ev(diff)), options()), 1)).toContain(expected)
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
      '**Error:** diff 3 failed: QueryError: relation &quot;x&quot; does not exist'
    )
    expect(detailsOf(report, 3)).toContain('**Warnings**\n\n- took 280 s')
    expect(detailsOf(report, 4)).toContain('**Warnings**\n\n- diff 4 is sampled\n- second warning')
    expect(render(report)).toContain('relation &quot;x&quot; does not exist')
  })

  it('notes thresholds that could not be checked', () => {
    const diff = done(1, { metrics: { 'schema-changes': null }, schema: null })
    const report = renderReport(
      evaluation(ev(diff, { notMeasured: ['schema-changes'] })),
      options({ thresholds: { ...noThresholds, max: { 'schema-changes': count(0) } } })
    )
    expect(detailsOf(report, 1)).toContain(
      '⚠️ Not checked: Datafold did not measure schema-changes (max 0) for this diff, so its threshold could not be checked.'
    )
  })
})

// ── Footer ─────────────────────────────────────────────────────────────────────────────────────

describe('footer', () => {
  it('lists the thresholds in force, the ignored columns and links the run', () => {
    const thresholds: Thresholds = {
      max: { 'rows-changed': pct(1), 'rows-removed': count(0), 'schema-changes': count(2) },
      minColumnMatch: 99.5,
      ignoreColumns: ['updated_at', '_etl_*']
    }
    const report = renderReport(evaluation(ev(done(1))), options({ thresholds }))
    expect(
      report.endsWith(
        [
          '---',
          '**Thresholds:** rows-removed ≤ 0 · rows-changed ≤ 1% · schema-changes ≤ 2 · column match ≥ 99.5%',
          '**Ignored columns:** updated_at, &#95;etl&#95;&#42;',
          '[Workflow run](https://github.com/acme/warehouse/actions/runs/42)\n'
        ].join('\n\n')
      )
    ).toBe(true)
  })

  it('says when no threshold is set, and leaves out the run link when there is no run URL', () => {
    const report = renderReport(evaluation(ev(done(1))), options({ runUrl: null }))
    expect(report.endsWith('---\n\n**Thresholds:** none set.\n')).toBe(true)
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
    expect(main?.header.map((h) => h.text)).toEqual(HEADERS)
    expect(main?.rows).toHaveLength(HOSTILE.length)
    expect(main?.rows.map((r) => r[0]?.text.split(' ')[0])).toEqual(
      HOSTILE.map((_, i) => (i % 5 === 4 ? '⚠️' : '❌'))
    )
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
    expect(titled.split('\n')[0]).toBe('## &#35; @&#8205;team &lt;b&gt;x&lt;/b&gt; &#124; y')
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

  it('with 5,000 columns, drops per-column detail first, keeping the verdict, the table and the most different columns', () => {
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
        `${MARKER}\n## Datafold data diff\n\n❌ 1 of 2 diffs exceed thresholds\n\n`
      )
    ).toBe(true)
    expect(comment).toContain(
      'each diff lists its 10 most different columns only. The full report is in the [job summary](https://github.com/acme/warehouse/actions/runs/42).'
    )
    expect(mainRows(comment)).toHaveLength(2)
    expect(comment).toContain('| column_0000_with_a_longish_name | 50.00% ❌ < 99.5% | 1,000 |')
    expect(comment).not.toContain('column_0010_with_a_longish_name')
    expect(comment).toContain('… and 4,990 more columns: the full list is in the job summary.')
    expect(comment).toContain('<summary>✅ diff 2: ')
    expectWholeRows(comment, full)
  })

  it('with 2,000 diffs, keeps whole rows only, failures first, and says how many were left out', () => {
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
    expect(comment).toContain('⚠️ 1 of 2,000 diffs could not be checked; 1 exceeds thresholds')
    expect(comment).toContain(
      'left out of the table. The full report is in the [job summary](https://github.com/acme/warehouse/actions/runs/42).'
    )
    expect(comment).not.toContain('<details>')

    const rows = mainRows(comment)
    const shown = rows.map((r) => Number(/^\S+ \[(\d+)\]/.exec(r[0] ?? '')?.[1]))
    expect(shown).toContain(1501)
    expect(shown).toContain(2000)
    expect(shown).toEqual([...shown].sort((a, b) => a - b))
    const leftOut = 2000 - rows.length
    expect(comment).toContain(
      `… and ${leftOut.toLocaleString('en-US')} more diffs not shown (${leftOut.toLocaleString('en-US')} within thresholds).`
    )
    expect(comment).toContain(`${leftOut.toLocaleString('en-US')} diffs are left out of the table.`)
    // The table is intact: marked sees one table with every kept row whole.
    const [table] = marked
      .lexer(comment.slice(MARKER.length))
      .filter((t): t is Tokens.Table => t.type === 'table')
    expect(table?.rows).toHaveLength(rows.length)
    expect(table?.rows.every((r) => r.length === HEADERS.length && r[0]?.text !== '')).toBe(true)
    expectWholeRows(comment, full)
    expect(
      comment.endsWith('[Workflow run](https://github.com/acme/warehouse/actions/runs/42)\n')
    ).toBe(true)
  })

  it.each([
    [4_000, 'each diff lists its 10 most different columns only', true, 3],
    [2_500, 'the per-column detail is left out', true, 3],
    [1_500, 'the per-diff details are left out', false, 3],
    [800, '1 diff is left out of the table', false, 2]
  ])(
    'steps down as the budget shrinks: %d characters → %s',
    (maxLength, note, hasDetails, rows) => {
      const columns = Array.from({ length: 40 }, (_, i) => col(`col_${i}`, 90 + i / 10, 100 - i))
      const e = evaluation(
        ...[1, 2, 3].map((id) => ev(done(id, { columns, warnings: ['sampled'] })))
      )
      expect(renderReport(e, options()).length).toBeGreaterThan(4_000)
      const comment = renderComment(e, options(), MARKER, maxLength)
      expect(comment.length).toBeLessThanOrEqual(maxLength)
      expect(comment).toContain(note)
      expect(comment.includes('<details>')).toBe(hasDetails)
      expect(mainRows(comment)).toHaveLength(rows)
      expectWholeRows(comment, renderReport(e, options()))
    }
  )

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
    expect(
      comment.startsWith(`${MARKER}\n## Datafold data diff\n\n✅ 2 diffs within thresholds`)
    ).toBe(true)
  })
})
