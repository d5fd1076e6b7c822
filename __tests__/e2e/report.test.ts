// The report as a reviewer reads it, on the bundle against the fakes: the verdict is the heading,
// nothing is ✅ that was not checked, problems come first (with an error's reason in its row, kept
// when the comment is shortened), the commit and what changed since the last push, a row's own
// limit, a problem's details opening on why, and plain words. (Annotations within GitHub's ten a
// step are pinned in gate.test.ts.)
// The cases are those `npm run screenshot` pictures (__fixtures__/report-cases.ts).
import { describe, expect, it } from '@jest/globals'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { writeManifests } from '../../__fixtures__/dbt-manifests.js'
import { DEMO_DIFF_IDS, diffRecord, sameDbDone } from '../../__fixtures__/diffs.js'
import { json, type CreateScript } from '../../__fixtures__/fake-datafold.js'
import { type Fakes } from '../../__fixtures__/harness.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { planRun } from '../../__fixtures__/plan-run.js'
import {
  ALL_PASS,
  caseSummaries,
  FIRST_PUSH,
  keylessProject,
  MANY_TABLES,
  NEXT_PUSH,
  rowsOf,
  tableNameOf,
  type PlanCase
} from '../../__fixtures__/report-cases.js'
import { EXAMPLE_THRESHOLDS } from '../../scripts/demo-datafold.js'

const harness = sweptHarness(suiteSecrets('report'))

/** The demo's thresholds, as the README's pictures use them. */
const LIMITS = EXAMPLE_THRESHOLDS

const start = (summary: CreateScript['summary'] = caseSummaries([])): Promise<Fakes> =>
  harness.start({ datafold: { dataSources: dataSources(), create: { polls: 0, summary } } })

/** The report under the hidden lines: marker, run stamp and carried state. */
const reportOf = (body: string | undefined): string =>
  (body ?? '')
    .split('\n')
    .filter((line) => !line.startsWith('<!-- datafold-diff-gate:'))
    .join('\n')

/** The rows of the report's tables of diffs, in order, without the `<wbr>`s names wrap at. */
const tableRows = (report: string): string[] =>
  report
    .split('\n')
    .filter((line) => /^\| [❌⚠✅]/u.test(line))
    .map((line) => line.replace(/<wbr>/g, ''))

const runCase = (fakes: Fakes, planCase: PlanCase, inputs: Record<string, string> = {}) =>
  fakes.run('', {
    ...planRun(harness, fakes.github, planCase.plan, { ...LIMITS, ...inputs }, planCase.sha),
    timeoutMs: 300_000
  })

describe('the report on the bundle', () => {
  it('is headed by the verdict with its counts, breaches before errors; the tool’s name is under it', async () => {
    const fakes = await harness.start()
    const run = await fakes.run(DEMO_DIFF_IDS.join(','), { inputs: LIMITS })
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    const [heading, about] = report.split('\n\n')
    expect(heading).toBe(
      '### ❌ 1 of 5 tables over their limits · ⚠️ 1 could not be checked · ⚠️ 1 not fully checked'
    )
    expect(about).toMatch(/^\*\*Datafold data diff\*\* · \[workflow run\]\(/)
    // The output is the heading's count of what was not checked.
    expect(run.outputs['unchecked-count']).toBe('2')
    // The job summary says it too.
    expect(run.summary.startsWith(`${heading ?? ''}\n`)).toBe(true)
  }, 60_000)

  it('puts no ✅ on changed dbt models it could not compare: the heading, a list that comes first, the output', async () => {
    const fakes = await harness.start({
      scenarios: {},
      datafold: { dataSources: dataSources(), create: { polls: 0 } }
    })
    const dir = harness.tempDir()
    writeManifests(keylessProject(), dir)
    const run = await fakes.run('', {
      inputs: { ...LIMITS, 'dbt-prod-manifest': 'prod/manifest.json', 'data-source': 'warehouse' },
      env: { GITHUB_WORKSPACE: dir }
    })
    // The step's result is as before: fail-on-skipped is off.
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['unchecked-count']).toBe('2')
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    expect(report.split('\n')[0]).toBe(
      '### ⚠️ 2 changed models not compared · 1 model within its limits'
    )
    const needsAction = report.indexOf(
      '**⚠️ Needs action: 2 changed models not compared, so not checked.**'
    )
    expect(needsAction).toBeGreaterThan(0)
    expect(report.slice(needsAction)).toMatch(
      /^[^\n]*\n\n- <code>events<\/code>[^\n]*: no key: [^\n]*\n- <code>sessions<\/code>[^\n]*: no key: /
    )
    expect(run.summary).toContain('### ⚠️ 2 changed models not compared')
  }, 60_000)

  it('shows 150 tables problems first, each error’s reason in its row, and folds the rest', async () => {
    const fakes = await start(caseSummaries([MANY_TABLES]))
    const run = await runCase(fakes, MANY_TABLES)
    expect(run.outputs.result).toBe('error')
    expect(run.outputs['unchecked-count']).toBe('2')
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    expect(report.split('\n')[0]).toBe(
      '### ❌ 3 of 150 tables over their limits · ⚠️ 2 could not be checked'
    )
    // Before any collapsed section: the five problems, the breaches first.
    const seen = tableRows(report.split('<details>')[0] ?? '')
    expect(seen.map((row) => /^\| (\S+) \[(\w+)\]/u.exec(row)?.slice(1).join(' '))).toEqual([
      '❌ int_payments',
      '❌ fct_orders',
      '❌ dim_customers',
      '⚠️ stg_shop_sessions',
      '⚠️ rpt_ad_spend'
    ])
    expect(seen[4]).toContain(
      "<sub>could not be checked: QueryError: SQL compilation error: Object 'ANALYTICS.DBT_PR_482.RPT_AD_SPEND' does not exist or not authorized.</sub>"
    )
    // What will help, in the row: a retryable failure is created again by a re-run.
    expect(seen[3]).toContain('DataSourceTimeout')
    expect(seen[3]).toContain('re-running this job creates the diff again</sub>')
    expect(report).toContain('<summary>✅ 145 more within their limits</summary>')
    expect(tableRows(report)).toHaveLength(150)
  }, 300_000)

  it('when it must be shortened, drops the passing tables’ details first and keeps every error’s reason and why each breach is one', async () => {
    // 150 tables of 60 columns that differ a little: the full report is far over a comment.
    const columns = Array.from(
      { length: 60 },
      (_, i) => `metric_column_${String(i).padStart(2, '0')}`
    )
    const wide: CreateScript['summary'] = (body, id) => {
      const name = tableNameOf(body)
      const answer = MANY_TABLES.answers[name]
      if (answer?.failed) return caseSummaries([MANY_TABLES])(body, id)
      const differences = Object.fromEntries(columns.map((c, i) => [c, (i % 7) + 1]))
      return sameDbDone({
        id,
        pk: ['id'],
        columns,
        rowsA: rowsOf(name),
        removed: answer?.removed ?? 0,
        differences:
          name === 'fct_orders' ? { ...differences, metric_column_00: 9_000 } : differences
      })
    }
    const fakes = await start(wide)
    const run = await runCase(fakes, MANY_TABLES)
    const body = fakes.github.commentsOn()[0]?.body ?? ''
    expect(body.length).toBeLessThanOrEqual(60_000)
    expect(run.summary.length).toBeGreaterThan(60_000)
    const report = reportOf(body)
    expect(report).toContain(
      'Shortened to fit a PR comment: the details of the tables within their limits are left out'
    )
    expect(report).not.toContain('Details of the 145 tables within their limits')
    // Why each problem is one stays: each breach with its figure and limit, each error's reason.
    expect(report).toMatch(/\n- rows changed \*\*9,000 \([0-9.]+%\)\*\*, over its limit of 1%\n/)
    expect(report).toContain('- rows removed **37 (0.02%)**, over its limit of 0')
    expect(report).toMatch(
      /\*\*Could not be checked:\*\* diff \d+ failed in Datafold: QueryError: SQL compilation error: Object 'ANALYTICS\.DBT_PR_482\.RPT_AD_SPEND' does not exist or not authorized\./
    )
    expect(report).toContain(
      'Datafold says the error is retryable: re-running this job creates the diff again'
    )
  }, 300_000)

  it('names the commit it judged and, after a new push, what changed since the last report', async () => {
    const fakes = await start(caseSummaries([FIRST_PUSH, NEXT_PUSH]))
    await runCase(fakes, FIRST_PUSH)
    const first = reportOf(fakes.github.commentsOn()[0]?.body)
    expect(first.split('\n')[0]).toBe('### ❌ 2 of 12 tables over their limits')
    expect(first).not.toContain('Since the last report')

    const run = await runCase(fakes, NEXT_PUSH)
    expect(fakes.github.commentsOn()).toHaveLength(1)
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    const [heading, about, changes] = report.split('\n\n')
    expect(heading).toBe('### ❌ 2 of 12 tables over their limits')
    expect(about).toContain(
      `commit [<code>9f8e7d6</code>](${fakes.github.serverUrl}/acme/analytics-dbt/commit/${NEXT_PUSH.sha}) · `
    )
    expect(about).toMatch(/ · \d{4}-\d\d-\d\d \d\d:\d\d UTC · /)
    expect(changes).toBe(
      `**Since the last report** (commit [<code>0a1b2c3</code>](${fakes.github.serverUrl}/acme/analytics-dbt/commit/${FIRST_PUSH.sha}): ❌ 2 of 12 over their limits):`
    )
    const lines = report.split('\n').filter((l) => l.startsWith('- '))
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(
        /^- ✅ \*\*fct_orders\*\* is within its limits now: rows changed 13,\d{3} \(3\.10%\) → 310 \(0\.07%\)$/
      ),
      expect.stringMatching(
        /^- ❌ \*\*fct_payments\*\* is over its limits now: rows changed 13,\d{3} \(1\.60%\)$/
      ),
      '- ❌ **dim_customers** is still over its limits: rows removed 37 (0.02%) → 12 (0.01%)'
    ])
    expect(run.outputs['breach-count']).toBe('2')
  }, 120_000)

  it('shows a table’s own limit beside its figure, with where it came from, where it differs from the step’s', async () => {
    const fakes = await start(caseSummaries([ALL_PASS]))
    await runCase(fakes, ALL_PASS)
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    expect(report.split('\n')[0]).toBe('### ✅ 12 tables within their limits')
    const row = tableRows(report).find((r) => r.includes('[rpt_customer_ltv]')) ?? ''
    expect(row).toContain('&nbsp;<sub>4.00%&nbsp;≤&nbsp;10%&nbsp;(plan)</sub>')
    expect(report).toContain(
      "A row's own limit, where it differs from these, is shown beside its figure."
    )
  }, 120_000)

  it('opens a failing diff’s details on why: its breaches, then View in Datafold and what is downstream', async () => {
    const fakes = await harness.start()
    await fakes.run('102', { inputs: { ...LIMITS, 'max-rows-changed': '1000' } })
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    const section = report.slice(report.indexOf('<summary>❌ customers:'))
    expect(section.split('\n\n').slice(0, 6)).toEqual([
      '<summary>❌ customers: over its limits on rows removed, rows changed</summary>',
      '**Over its limits:**',
      '- rows removed **37 (0.08%)**, over its limit of 0\n- rows changed **1,205 (2.50%)**, over its limit of 1,000',
      expect.stringMatching(
        /^\[View in Datafold\]\(http:\/\/127\.0\.0\.1:\d+\/datadiffs\/102\/overview\) · diff 102 · /
      ),
      '**Downstream** (from Datafold): fct_revenue (table), Customers overview (looker dashboard)',
      expect.stringMatching(/^\*\*Figures:\*\* /)
    ])
  }, 60_000)

  it('speaks plainly: headers in words, production and the PR, limits like figures, the columns Datafold compared', async () => {
    // 37 rows removed; Datafold compared 8 columns but listed none of them.
    const answer = sameDbDone({ id: 102, model: 'customers', removed: 37 })
    const values = answer.values ? { ...answer.values, columns_diff_stats: [] } : null
    const fakes = await harness.start({
      scenarios: {
        102: {
          record: diffRecord({ id: 102, model: 'customers', removed: 37 }),
          summary: [json({ ...answer, values })]
        }
      }
    })
    await fakes.run('102', { inputs: { 'max-rows-removed': '5', 'max-rows-changed': '5000000' } })
    const report = reportOf(fakes.github.commentsOn()[0]?.body)
    expect(report).toContain(
      '| Table<br><sub><code>analytics</code> → <code>dbt_<wbr>cloud_<wbr>pr_<wbr>4711_<wbr>482</code></sub> | Rows<br>added | Rows<br>removed | Rows<br>changed | Schema<br>changes | Key<br>problems |'
    )
    expect(report).toContain('<sub>48,173 rows (production 48,210)</sub>')
    expect(report).toContain('**37**&nbsp;❌<br><sub>max&nbsp;5</sub>')
    expect(report).toContain('rows changed ≤ 5,000,000')
    expect(report).toContain('**Columns:** no column differs (6 columns compared).')
    expect(report).not.toMatch(/\bA \d|\(A |only in A|only in B|\bPKs\b/)
  }, 60_000)
})
