// What changed since the last report: what a report keeps of what it found (figuresOf), and how
// the next one says, table by table, what is fixed, newly over, no longer checked, and each
// breached figure as it was → is (whatChanged).
import { describe, expect, it } from '@jest/globals'
import { erroredDiff, finishedDiff } from '../../__fixtures__/results.js'
import type { ReportFigures } from '../../src/comment-state.js'
import type { Metrics } from '../../src/diff.js'
import { figuresOf, whatChanged } from '../../src/report/changes.js'
import { tally } from '../../src/report/headline.js'
import type { Breach, DiffEvaluation, Evaluation } from '../../src/thresholds.js'

const changedRows = (value: number, percent: number): Partial<Metrics> => ({
  'rows-changed': { value, percent }
})

/** A table named `name`: within its limits, or over them on the breaches given. */
function table(
  name: string,
  metrics: Partial<Metrics> = {},
  breaches: Omit<Breach, 'diffId'>[] = []
): DiffEvaluation {
  return {
    diff: finishedDiff(1, metrics, { name }),
    origin: 'created',
    verdict: breaches.length > 0 ? 'fail' : 'pass',
    breaches: breaches.map((b) => ({ diffId: 1, ...b })),
    notMeasured: [],
    ignoredColumns: []
  }
}

const failed = (name: string): DiffEvaluation => ({
  diff: erroredDiff(2, 'diff 2 failed in Datafold: QueryError', { name }),
  origin: 'created',
  verdict: 'error',
  breaches: [],
  notMeasured: [],
  ignoredColumns: []
})

const evaluation = (...diffs: DiffEvaluation[]): Evaluation => ({
  result: diffs.some((d) => d.verdict === 'fail') ? 'fail' : 'pass',
  diffs,
  breaches: diffs.flatMap((d) => d.breaches)
})

const rowsChanged = (value: number, percent: number) => ({
  metric: 'rows-changed' as const,
  value,
  percent,
  limit: '1%'
})
const rowsRemoved = (value: number) => ({
  metric: 'rows-removed' as const,
  value,
  percent: 0.01,
  limit: '0'
})

const PREVIOUS = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const link = (sha: string) => `[${sha.slice(0, 7)}](https://github.com/acme/wh/commit/${sha})`

/** The last report: fct_orders and dim_customers over their limits, rpt_ad_spend failed. */
const LAST = evaluation(
  table('fct_orders', changedRows(3_120, 3.1), [rowsChanged(3_120, 3.1)]),
  table('dim_customers', {}, [rowsRemoved(37)]),
  failed('rpt_ad_spend'),
  table('fct_payments', changedRows(12, 0.01))
)
const lastFigures = figuresOf(LAST, tally(LAST))

describe('figuresOf', () => {
  it('keeps the counts, and each table not within its limits with its breached figures, worst first', () => {
    expect(lastFigures).toEqual({
      tables: 4,
      over: 2,
      unchecked: 1,
      more: 0,
      problems: [
        {
          name: 'fct_orders',
          state: 'over',
          figures: [{ metric: 'rows-changed', value: 3_120, percent: 3.1 }]
        },
        {
          name: 'dim_customers',
          state: 'over',
          figures: [{ metric: 'rows-removed', value: 37, percent: 0.01 }]
        },
        { name: 'rpt_ad_spend', state: 'error', figures: [] }
      ]
    } satisfies ReportFigures)
  })
})

describe('whatChanged', () => {
  const previous = { sha: PREVIOUS, report: lastFigures }

  it.each<[string, Evaluation, string[]]>([
    [
      'fixed: within its limits now, each figure as it was → is',
      evaluation(
        table('fct_orders', changedRows(310, 0.07)),
        table('dim_customers', {}, [rowsRemoved(37)]),
        failed('rpt_ad_spend')
      ),
      [
        '- ✅ **fct_orders** is within its limits now: rows changed 3,120 (3.10%) → 310 (0.07%)',
        '- … and 2 still as they were'
      ]
    ],
    [
      'a new breach, with its figure',
      evaluation(
        table('fct_orders', changedRows(3_120, 3.1), [rowsChanged(3_120, 3.1)]),
        table('dim_customers', {}, [rowsRemoved(37)]),
        failed('rpt_ad_spend'),
        table('fct_payments', changedRows(13_124, 1.6), [rowsChanged(13_124, 1.6)])
      ),
      [
        '- ❌ **fct_payments** is over its limits now: rows changed 13,124 (1.60%)',
        '- … and 3 still as they were'
      ]
    ],
    [
      'still over: the figure was → is',
      evaluation(
        table('fct_orders', changedRows(3_120, 3.1), [rowsChanged(3_120, 3.1)]),
        table('dim_customers', {}, [rowsRemoved(12)]),
        failed('rpt_ad_spend')
      ),
      [
        '- ❌ **dim_customers** is still over its limits: rows removed 37 (0.01%) → 12 (0.01%)',
        '- … and 2 still as they were'
      ]
    ],
    [
      'an error checked now, an over table that could not be checked now, one gone',
      evaluation(failed('fct_orders'), table('rpt_ad_spend', {}, [rowsRemoved(4)])),
      [
        '- ⚠️ **fct_orders** could not be checked now (it was over its limits: rows changed 3,120 (3.10%))',
        '- ❌ **rpt_ad_spend** is over its limits now (it could not be checked): rows removed 4 (0.01%)',
        '- dim_customers is no longer in the report (it was over its limits: rows removed 37 (0.01%))'
      ]
    ]
  ])('%s', (_, now, lines) => {
    const section = whatChanged(previous, now, false, link) ?? ''
    expect(section.split('\n')).toEqual([
      `**Since the last report** (commit ${link(PREVIOUS)}: ❌ 2 of 4 over their limits, ⚠️ 1 not checked):`,
      '',
      ...lines
    ])
  })

  it('says so when a new commit changed nothing, and says nothing for a re-run that found the same', () => {
    expect(whatChanged(previous, LAST, false, link)).toBe(
      `**Since the last report** (commit ${link(PREVIOUS)}: ❌ 2 of 4 over their limits, ⚠️ 1 not checked): no table changed its outcome or its breached figures.`
    )
    expect(whatChanged(previous, LAST, true, link)).toBeNull()
  })

  it('does not call a table newly over when the last report’s list of problems was cut', () => {
    const cut = { sha: PREVIOUS, report: { ...lastFigures, problems: [], more: 3 } }
    const section = whatChanged(cut, LAST, false, link) ?? ''
    expect(section).toContain('- ❌ **fct_orders** is over its limits: rows changed 3,120 (3.10%)')
    expect(section).not.toContain('is over its limits now')
  })

  it('lists at most ten changes and counts the rest', () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      table(`t${i}`, changedRows(500, 2), [rowsChanged(500, 2)])
    )
    const section = whatChanged(previous, evaluation(...many), false, link) ?? ''
    expect(section.split('\n').filter((line) => line.startsWith('- ❌'))).toHaveLength(10)
    expect(section).toContain('- … and 7 more changes')
  })
})
