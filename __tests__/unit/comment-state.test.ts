// What the report comment carries between runs: the run stamp that says which report is newest,
// the state a re-run reuses created diffs from, and what the report found for the next one to say
// what changed; compact enough for thousands of diffs, and safe to read when a person (or an
// attacker) edited it.
import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import {
  commentMarker,
  compareReports,
  compareRuns,
  isNewerReport,
  readStamp,
  readState,
  runStamp,
  stampLine,
  stateLine,
  type CarriedState,
  type ReportFigures,
  type RunStamp
} from '../../src/comment-state.js'
import { MAX_PROBLEMS } from '../../src/comment-figures.js'

const MARKER = commentMarker('default')
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const AT = '2026-11-20T09:00:00.000Z'

const stamp = (runId: number | null, attempt: number | null, at = AT, sha: string | null = SHA) =>
  ({ runId, attempt, at, sha }) satisfies RunStamp

/** `count` created diffs with keys as reuseKey makes them and ids as Datafold hands them out. */
function created(count: number, firstId = 4_000_000): Map<string, number> {
  const keys = Array.from({ length: count }, (_, i) =>
    createHash('sha256').update(`entry ${i}`).digest('hex').slice(0, 8)
  )
  // Created eight at a time: ids mostly rise, and some come back out of order.
  return new Map(keys.map((key, i) => [key, firstId + i + (i % 8 === 3 ? 9 : 0)]))
}

const state = (diffs: Map<string, number>, sha = SHA): CarriedState => ({
  sha,
  created: diffs,
  forgotten: 0,
  report: null
})

const packed = (payload: unknown) =>
  `<!-- datafold-diff-gate:state v2 ${deflateRawSync(JSON.stringify(payload)).toString('base64')} -->`

describe('the run stamp', () => {
  it('is the line after the marker, reads back, and never looks like a marker', () => {
    const line = stampLine(stamp(123, 2))
    expect(line).toBe(
      `<!-- datafold-diff-gate:run {"runId":123,"attempt":2,"at":"${AT}","sha":"${SHA}"} -->`
    )
    expect(readStamp(`${MARKER}\n${line}\n## report`)).toEqual(stamp(123, 2))
    expect(line.includes(commentMarker('run'))).toBe(false)
  })

  it('is read only from the second line, so a stamp quoted further down is not taken', () => {
    expect(readStamp(`${MARKER}\n## report\n${stampLine(stamp(999, 1))}`)).toBeNull()
  })

  it.each([
    ['no stamp', `${MARKER}\n## an older report`, null],
    ['broken JSON', '<!-- m -->\n<!-- datafold-diff-gate:run {"runId":12 -->', null],
    ['no body', null, null],
    [
      'wrong types',
      `${MARKER}\n<!-- datafold-diff-gate:run {"runId":"x","at":"soon","sha":"<b>"} -->`,
      { runId: null, attempt: null, at: '', sha: null }
    ]
  ])('reads %s as it should', (_what, body, read) => {
    expect(readStamp(body)).toEqual(read)
  })

  it("is built from the runner's run id and attempt, when the run started and its commit", () => {
    const startedAt = Date.parse(AT)
    expect(runStamp({ runId: '123', runAttempt: '2' }, startedAt, SHA)).toEqual(stamp(123, 2))
    expect(runStamp({ runId: '', runAttempt: 'x' }, startedAt, null)).toEqual(
      stamp(null, null, AT, null)
    )
  })

  it('orders runs by run id, then attempt, then start time; unknown comes first', () => {
    const newer = (theirs: RunStamp | null, ours: RunStamp | null) => compareRuns(theirs, ours) > 0
    // A newer head commit's run starts later, so its run id is larger, whatever its attempt.
    expect(newer(stamp(11, 1), stamp(10, 5))).toBe(true)
    expect(newer(stamp(10, 5), stamp(11, 1))).toBe(false)
    // A later run of the same commit: a re-run attempt.
    expect(newer(stamp(10, 2), stamp(10, 1))).toBe(true)
    expect(newer(stamp(10, 1), stamp(10, 1))).toBe(false)
    const late = '2026-11-20T09:05:00.000Z'
    expect(newer(stamp(null, null, late), stamp(null, null, AT))).toBe(true)
    expect(newer(stamp(null, null, AT), stamp(null, null, late))).toBe(false)
    // A total order, so that racing runs rank reports alike: a run id known beats one unknown.
    expect(newer(stamp(null, null, late), stamp(10, 1, AT))).toBe(false)
    expect(newer(stamp(10, 1, late), stamp(10, 1, AT))).toBe(true)
    expect(newer(null, stamp(10, 1))).toBe(false)
    expect(newer(stamp(10, 1), null)).toBe(true)
  })

  it('ranks reports by their runs, then the comment written last; a newer one is kept', () => {
    const report = (id: number, runId: number) => ({
      id,
      body: `${MARKER}\n${stampLine(stamp(runId, 1))}\n## report`
    })
    expect(compareReports(report(5, 11), report(9, 10))).toBeGreaterThan(0)
    expect(compareReports(report(5, 10), report(9, 10))).toBeLessThan(0)
    expect(isNewerReport(report(5, 11), report(9, 10))).toBe(true)
    expect(isNewerReport(report(9, 10), report(5, 11))).toBe(false)
    expect(isNewerReport({ id: 1, body: null }, report(9, 10))).toBe(false)
  })
})

describe('the carried state', () => {
  it('reads back what it wrote, in one HTML comment of base64 only', () => {
    const written = state(created(3))
    const { line, forgotten } = stateLine(written, 45_000)
    expect(forgotten).toBe(0)
    expect(line).toMatch(/^<!-- datafold-diff-gate:state v2 [A-Za-z0-9+/=]+ -->$/)
    expect(readState(`${MARKER}\n## Report\n${line}\n`)).toEqual(written)
  })

  it.each([1_200, 5_000])('keeps %i created diffs in about six characters each', (count) => {
    const written = state(created(count))
    const { line, forgotten } = stateLine(written, 45_000)
    expect(forgotten).toBe(0)
    expect(line.length).toBeLessThan(count * 7 + 200)
    expect(readState(line)).toEqual(written)
  })

  it('keeps the first diffs that fit when all do not, and counts the rest', () => {
    const all = created(10_000)
    const { line, forgotten } = stateLine(state(all), 20_000)
    expect(line.length).toBeLessThanOrEqual(20_000)
    const read = readState(line)
    expect(read?.forgotten).toBe(forgotten)
    expect((read?.created.size ?? 0) + forgotten).toBe(10_000)
    expect(forgotten).toBeGreaterThan(0)
    expect([...(read?.created ?? [])]).toEqual([...all].slice(0, read?.created.size))
  })

  it('carries nothing when there is nothing, or no room even for the commit', () => {
    expect(stateLine(state(new Map()), 45_000)).toEqual({ line: '', forgotten: 0 })
    expect(stateLine(state(created(4)), 20)).toEqual({ line: '', forgotten: 4 })
  })

  it.each([
    ['no state', '## Report'],
    ['not base64 of deflate', '<!-- datafold-diff-gate:state v2 AAAA -->'],
    ['not JSON', `<!-- datafold-diff-gate:state v2 ${deflateRawSync('{').toString('base64')} -->`],
    ['keys and ids that disagree', packed({ sha: SHA, fp: 'AAAAAA==', ids: [1, 2] })],
    ['an id below 1', packed({ sha: SHA, fp: 'AAAAAA==', ids: [-3] })],
    ['an id that is not a whole number', packed({ sha: SHA, fp: 'AAAAAA==', ids: [1.5] })],
    ['no commit', packed({ fp: 'AAAAAA==', ids: [3] })],
    ['another version', '<!-- datafold-diff-gate:state v3 AAAA -->']
  ])('reads nothing from %s', (_what, body) => {
    expect(readState(body)).toBeNull()
  })

  it('refuses to inflate a block that would grow past 4 MiB (a deflate bomb)', () => {
    const bomb = deflateRawSync(`{"sha":"${'a'.repeat(5 * 1024 * 1024)}"}`).toString('base64')
    expect(bomb.length).toBeLessThan(20_000)
    expect(readState(`<!-- datafold-diff-gate:state v2 ${bomb} -->`)).toBeNull()
  })
})

describe('what the report found, carried for the next one', () => {
  /** `count` tables not within their limits, with long names and a few figures each. */
  const figures = (count: number, tables = 5_000): ReportFigures => ({
    tables,
    over: count,
    unchecked: 0,
    problems: Array.from({ length: count }, (_, i) => ({
      name: `analytics.marts.fct_orders_${String(i).padStart(5, '0')}_${'x'.repeat(60)}`,
      state: 'over' as const,
      figures: [
        { metric: 'rows-changed', value: 31_000 + i, percent: 3.1234 },
        { metric: 'column-match:amount', value: 200, percent: 97.5 }
      ]
    })),
    more: 0
  })

  it('reads back the counts and each problem with its figures, shares to two decimals', () => {
    const report = figures(2, 12)
    const { line } = stateLine({ ...state(created(3)), report }, 45_000)
    const read = readState(line)
    expect(read?.created).toEqual(created(3))
    expect(read?.report).toEqual({
      ...report,
      problems: report.problems.map((p) => ({
        ...p,
        figures: [
          { metric: 'rows-changed', value: p.figures[0]?.value, percent: 3.12 },
          { metric: 'column-match:amount', value: 200, percent: 97.5 }
        ]
      }))
    })
  })

  it('travels without any created diff: a run of diffs given by id says what changed too', () => {
    const report = figures(1, 3)
    const read = readState(stateLine({ ...state(new Map()), report }, 45_000).line)
    expect(read?.created.size).toBe(0)
    expect(read?.report?.problems.map((p) => p.name)).toEqual([report.problems[0]?.name])
  })

  it(`keeps at most ${MAX_PROBLEMS} problems and counts the rest`, () => {
    const read = readState(stateLine({ ...state(new Map()), report: figures(250) }, 45_000).line)
    expect(read?.report?.problems).toHaveLength(MAX_PROBLEMS)
    expect(read?.report?.more).toBe(150)
    expect(read?.report?.over).toBe(250)
  })

  it('gives the created diffs their room first: the figures are cut, then dropped, before a diff is forgotten', () => {
    const diffs = created(5_000)
    const alone = stateLine(state(diffs), 45_000).line.length
    // Room for every diff and a few problems: the problems are cut.
    const some = stateLine({ ...state(diffs), report: figures(100) }, alone + 600)
    const cut = readState(some.line)
    expect(some.forgotten).toBe(0)
    expect(cut?.created.size).toBe(5_000)
    // Some problems are kept, the rest counted: none is lost from the count.
    expect(cut?.report?.problems.length).toBeGreaterThan(0)
    expect(cut?.report?.more).toBeGreaterThan(0)
    expect((cut?.report?.problems.length ?? 0) + (cut?.report?.more ?? 0)).toBe(100)
    // Room for the diffs alone: the figures are dropped, every diff is kept.
    const none = stateLine({ ...state(diffs), report: figures(100) }, alone)
    expect(none.forgotten).toBe(0)
    expect(readState(none.line)?.report).toBeNull()
    expect(readState(none.line)?.created.size).toBe(5_000)
    // Less room still: the first diffs that fit, and no figures.
    const less = stateLine({ ...state(diffs), report: figures(100) }, alone - 2_000)
    expect(less.forgotten).toBeGreaterThan(0)
    expect(readState(less.line)?.report).toBeNull()
  })

  it.each([
    ['counts that are not counts', [1, -1, 0, 0, []]],
    ['a state it does not know', [1, 1, 0, 0, [['orders', 'x', []]]]],
    [
      'a figure that is not a number',
      [1, 1, 0, 0, [['orders', 'o', [['rows-changed', 'many', null]]]]]
    ],
    ['not a list', { tables: 1 }]
  ])('reads no figures, but still the diffs to reuse, from %s', (_what, r) => {
    const read = readState(packed({ sha: SHA, fp: 'AAAAAA==', ids: [3], r }))
    expect(read?.created.size).toBe(1)
    expect(read?.report).toBeNull()
  })
})
