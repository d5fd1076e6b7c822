// The rules that make the main table fit a PR's 760 px conversation column under GitHub's own
// stylesheet, checked without a browser on the demo's report and on 30 diffs with realistic
// three-part names: few columns, metric cells that are short and never wrap, long names that can
// wrap, an error's short reason in its row and the rest of it in the details.
import { describe, expect, it } from '@jest/globals'
import {
  crossDbDone,
  DEMO_SPECS,
  diffRecord,
  sameDbDone,
  sampledDone,
  type DiffSpec
} from '../../__fixtures__/diffs.js'
import { evaluate, readDiff } from '../../__fixtures__/pipeline.js'
import type { DiffResult } from '../../src/diff.js'
import { REPORT_COLUMNS } from '../../src/metric-spec.js'
import { renderComment, renderReport } from '../../src/report/document.js'
import { MARK, OUTCOME_ORDER, outcomeOf } from '../../src/report/headline.js'
import { shownColumns } from '../../src/report/table.js'
import type { Thresholds } from '../../src/limits.js'
import type { Evaluation } from '../../src/thresholds.js'

const THRESHOLDS: Partial<Thresholds> = {
  max: {
    'rows-removed': { kind: 'count', value: 0 },
    'rows-changed': { kind: 'percent', value: 1 },
    'duplicate-pks': { kind: 'count', value: 0 },
    'schema-changes': { kind: 'count', value: 2 }
  }
}
const OPTIONS = {
  title: 'Datafold data diff',
  thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [], ...THRESHOLDS },
  runUrl: 'https://github.com/acme/analytics-dbt/actions/runs/1'
}

const failedIn = (id: number, table: string) => ({
  error: `diff ${id} failed in Datafold: QueryError: SQL compilation error: Object '${table}' does not exist or not authorized.`
})

function demo(): Evaluation {
  const spec = (id: keyof typeof DEMO_SPECS): DiffSpec => structuredClone<DiffSpec>(DEMO_SPECS[id])
  return evaluate(
    [
      readDiff(101, { body: sameDbDone(spec(101)) }, diffRecord(spec(101))),
      readDiff(102, { body: sameDbDone(spec(102)) }, diffRecord(spec(102))),
      readDiff(
        103,
        { body: crossDbDone(spec(103)) },
        diffRecord({ ...spec(103), kind: 'cross_db' })
      ),
      readDiff(104, { body: sampledDone(spec(104)) }, diffRecord(spec(104))),
      readDiff(105, failedIn(105, 'FCT_REVENUE'), diffRecord({ ...spec(105), jobStatus: 'failed' }))
    ],
    THRESHOLDS
  )
}

const MODELS = [
  'fct_orders_daily',
  'dim_customers',
  'stg_stripe__payments',
  'int_revenue_by_region_monthly',
  'fct_subscription_mrr_movements',
  'dim_products',
  'stg_shopify__orders',
  'fct_sessions',
  'int_customer_lifetime_value_rolling_90d',
  'fct_marketing_attribution_touches',
  'dim_dates',
  'stg_hubspot__contacts',
  'fct_inventory_snapshots_weekly',
  'int_order_items_enriched',
  'fct_refunds',
  'dim_geography',
  'stg_segment__page_views',
  'fct_support_tickets',
  'int_payments_reconciled_with_ledger',
  'fct_ad_spend_daily',
  'dim_employees',
  'stg_netsuite__gl_entries',
  'fct_churn_predictions',
  'int_user_sessions_sessionized',
  'fct_cohort_retention_monthly',
  'dim_accounts',
  'stg_zendesk__tickets',
  'fct_shipments',
  'int_exchange_rates_daily_filled',
  'fct_revenue'
]
const ROWS = [125_430, 48_210, 9_311_877, 7_305, 1_204_551_003, 812, 48_352_901]

/**
 * 30 diffs of one PR: `analytics.analytics.<model>` (or, `mixed`, some in `analytics.finance`)
 * against `analytics.dbt_cloud_pr_4711_482.<model>`, clean, over thresholds, with schema and key
 * problems, cross-database, sampled and failed.
 */
function thirty(mixed = false): Evaluation {
  const diffs: DiffResult[] = MODELS.map((model, i) => {
    const id = 4001 + i
    const rowsA = ROWS[i % ROWS.length] ?? 1000
    const spec: DiffSpec = {
      id,
      model,
      pk: ['id'],
      columns: ['customer_id', 'order_date', 'status', 'amount', 'currency_code', 'updated_at'],
      rowsA,
      table1: ['analytics', mixed && i % 3 === 1 ? 'finance' : 'analytics', model],
      table2: ['analytics', 'dbt_cloud_pr_4711_482', model]
    }
    if (i % 4 === 1) {
      Object.assign(spec, {
        removed: 37 + i,
        differences: { amount: Math.floor(rowsA / 40) },
        changed: Math.floor(rowsA / 40)
      })
    }
    if (i % 5 === 2) Object.assign(spec, { added: 3 * i, differences: { status: 14 }, changed: 14 })
    if (i % 6 === 3) {
      spec.schemaChanges = { onlyInB: ['refund_total', 'x'], typeChanged: ['amount'] }
    }
    if (i % 9 === 4) Object.assign(spec, { dupes: [0, 12], nulls: [3, 0] })
    if (i % 10 === 6) {
      Object.assign(spec, {
        sampled: { rows: 50_000 },
        differences: { amount: Math.floor(rowsA / 5000) },
        changed: undefined
      })
    }
    const kind = i % 8 === 5 ? 'cross_db' : 'in_db'
    const record = diffRecord({ ...spec, kind })
    if (i % 11 === 7) return readDiff(id, failedIn(id, model.toUpperCase()), record)
    return readDiff(
      id,
      { body: kind === 'cross_db' ? crossDbDone(spec) : sameDbDone(spec) },
      record
    )
  })
  return evaluate(diffs, THRESHOLDS)
}

/**
 * The report's tables of diffs (the problems', and the one folded under "within their limits"):
 * the first one's header cells, and every row's cells, in the order the report gives them.
 */
function mainTable(markdown: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split('\n')
  const cells = (line: string) => line.slice(2, -2).split(' | ')
  const starts = lines.flatMap((l, i) => (/^\| (Table|Model)\b/.test(l) ? [i] : []))
  const rows: string[][] = []
  for (const start of starts) {
    for (const line of lines.slice(start + 2)) {
      if (!line.startsWith('| ')) break
      rows.push(cells(line))
    }
  }
  return { header: cells(lines[starts[0] ?? -1] ?? ''), rows }
}

/** The row of diff `id`. */
const rowOf = (rows: string[][], id: number): string[] =>
  rows.find((row) => row[0]?.includes(`/datadiffs/${id}/`)) ?? []

/** What a reader sees of a cell's markdown: link text, no tags, entities decoded. */
function visible(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*/g, '')
    .replace(/<wbr>/g, '\u200B')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, '\u00A0')
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The longest stretch of a cell's text with no place to wrap (a space or a `<wbr>`). */
function longestUnbreakable(markdown: string): number {
  return Math.max(
    ...markdown.split('<br>').flatMap((line) =>
      visible(line)
        .split(/[ \u200B]/)
        .map((w) => w.length)
    )
  )
}

const LAYOUT_RULES: [string, () => Evaluation][] = [
  ['the demo', demo],
  ['30 diffs with three-part names', () => thirty()],
  ['30 diffs from two production schemas', () => thirty(true)]
]

describe.each(LAYOUT_RULES)('the main table of %s', (_, build) => {
  const evaluation = build()
  const report = renderReport(evaluation, OPTIONS)
  const { header, rows } = mainTable(report)
  const columns = shownColumns(evaluation.diffs, OPTIONS.thresholds)

  it('has a column for the table, then one for each metric of the spec that has a limit or is always shown', () => {
    expect(header.slice(1)).toEqual(columns.map((c) => c.replace(' ', '<br>')))
    expect(columns).toEqual(
      REPORT_COLUMNS.filter((c) => !['Values changed', 'Columns changed'].includes(c))
    )
    expect(rows).toHaveLength(evaluation.diffs.length)
    for (const row of rows) expect(row).toHaveLength(header.length)
  })

  it('opens each row with its mark and its name, a link to the diff; problems first', () => {
    const rank = (d: (typeof evaluation.diffs)[number]) => OUTCOME_ORDER.indexOf(outcomeOf(d))
    const expected = evaluation.diffs
      .map((d, i) => ({ d, i }))
      .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
      .map(({ d }) => d)
    expect(rows).toHaveLength(expected.length)
    expected.forEach((d, i) => {
      expect(rows[i]?.[0]?.startsWith(`${MARK[outcomeOf(d)]} [`)).toBe(true)
      expect(rows[i]?.[0]).toContain(`](${d.diff.url ?? ''})`)
    })
  })

  it('keeps metric cells short: at most three lines of at most 22 characters, that never wrap', () => {
    for (const row of rows) {
      for (const metricCell of row.slice(1)) {
        expect(metricCell).not.toContain(' ')
        const lines = metricCell.split('<br>')
        expect(lines.length).toBeLessThanOrEqual(3)
        for (const line of lines) expect(visible(line).length).toBeLessThanOrEqual(22)
      }
    }
  })

  it('writes zero as 0 and a metric not measured as n/a, with ⚠️ when its threshold was not checked', () => {
    const cells = rows.flatMap((row) => row.slice(1))
    expect(cells).toContain('0')
    for (const c of cells) expect(c).not.toMatch(/0 \(0\.00%\)|not measured/)
    const notMeasured = cells.filter((c) => c.startsWith('n/a'))
    expect(notMeasured.length).toBeGreaterThan(0)
    for (const c of notMeasured) expect(['n/a', 'n/a&nbsp;⚠️']).toContain(c)
  })

  it('lets the names wrap: at most one small line under the name, no stretch over 24 characters without a place to break', () => {
    for (const row of rows) {
      const first = row[0] ?? ''
      expect(first.split('<br>').length).toBeLessThanOrEqual(2)
      expect(longestUnbreakable(first)).toBeLessThanOrEqual(24)
    }
  })

  it('puts the short reason of an error in its row, dashes in its metric cells, and all of it in the details', () => {
    const failed = evaluation.diffs.filter((d) => d.diff.status === 'error')
    expect(failed.length).toBeGreaterThan(0)
    for (const { diff } of failed) {
      const row = rowOf(rows, diff.id ?? 0)
      expect(row.slice(1).every((c) => c === '—')).toBe(true)
      expect(visible(row[0] ?? '').replace(/\u200B/g, '')).toMatch(
        /could not be checked: QueryError: SQL compilation error: Object '[A-Z_]+' does not exist/
      )
      expect(row[0]).not.toContain(`diff ${diff.id ?? ''} failed in Datafold`)
    }
    expect(report.slice(report.indexOf('<details>'))).toContain(
      failed[0]?.diff.status === 'error' ? failed[0].diff.reason.slice(0, 40) : ''
    )
  })

  it('is the same table in the comment', () => {
    expect(mainTable(renderComment(evaluation, OPTIONS, '<!-- m -->')).rows).toEqual(rows)
  })
})

describe('what was compared', () => {
  it('says once in the header what differs when every diff shares it, without the database both share', () => {
    const report = renderReport(thirty(), OPTIONS)
    const { header, rows } = mainTable(report)
    expect(header[0]).toBe(
      'Table<br><sub><code>analytics</code> → <code>dbt_<wbr>cloud_<wbr>pr_<wbr>4711_<wbr>482</code></sub>'
    )
    // Within its limits: one line.
    expect(rowOf(rows, 4001)[0]).toBe(
      '✅ [fct_<wbr>orders_<wbr>daily](https://app.datafold.com/datadiffs/4001/overview)'
    )
  })

  it('says per row what differs when the diffs differ in different ways', () => {
    const { header, rows } = mainTable(renderReport(thirty(true), OPTIONS))
    expect(header[0]).toBe('Table')
    expect(rowOf(rows, 4002)[0]).toContain(
      '<sub>finance → dbt_<wbr>cloud_<wbr>pr_<wbr>4711_<wbr>482 · 48,'
    )
  })

  it('marks cross-database and sampled diffs after the name', () => {
    const { rows } = mainTable(renderReport(demo(), OPTIONS))
    expect(rowOf(rows, 103)[0]).toContain(
      'payments](https://app.datafold.com/datadiffs/103/overview) <sub>cross-db</sub>'
    )
    expect(rowOf(rows, 104)[0]).toContain(
      'events](https://app.datafold.com/datadiffs/104/overview) <sub>sampled</sub>'
    )
  })
})
