// What changed since the last report: the report keeps what it found in the comment's carried
// state (figuresOf), and the next one compares its own tables with it (whatChanged), table by
// table: fixed, newly over, could not be checked now, and each breached figure as it was → is.
// GitHub notifies no one of an edited comment: this is how a reviewer sees that a push changed
// the verdict. Pure.
import type { ProblemFigures, ReportFigures } from '../comment-state.js'
import type { FinishedDiff } from '../diff.js'
import { formatMeasure, formatNumber, formatPercent, plural } from '../format.js'
import { METRIC_SPEC } from '../metric-spec.js'
import type { Breach, DiffEvaluation, Evaluation } from '../thresholds.js'
import { outcomeOf, uncheckedCount, type Outcome, type Tally } from './headline.js'
import { cell, escapeMarkdown } from './markdown.js'

/** The name a table goes by from one report to the next: its entry's or model's, else the
 * production table's, else its diff's. */
function tableName({ diff }: DiffEvaluation): string {
  return (
    diff.name ??
    diff.target.datasetA ??
    diff.target.datasetB ??
    (diff.id === null ? 'unknown' : `diff ${diff.id}`)
  )
}

/** A breach's metric as the carried figures name it: `rows-changed`, `column-match:amount`. */
const metricKey = (b: Breach): string =>
  b.metric === 'column-match' ? `column-match:${b.column ?? ''}` : b.metric

const STATE: Record<Exclude<Outcome, 'within'>, ProblemFigures['state']> = {
  over: 'over',
  error: 'error',
  unmeasured: 'unmeasured'
}

/** What this report found, for the next one: the counts, and its problems, worst first. */
export function figuresOf(evaluation: Evaluation, counts: Tally): ReportFigures {
  const rank = { over: 0, error: 1, unmeasured: 2 }
  const problems = evaluation.diffs.flatMap((d): ProblemFigures[] => {
    const outcome = outcomeOf(d)
    if (outcome === 'within') return []
    const figures = d.breaches.map((b) => ({
      metric: metricKey(b),
      value: b.value,
      percent: b.percent
    }))
    return [{ name: tableName(d), state: STATE[outcome], figures }]
  })
  problems.sort((a, b) => rank[a.state] - rank[b.state])
  return {
    tables: counts.tables,
    over: counts.over,
    unchecked: uncheckedCount(counts),
    problems,
    more: 0
  }
}

/** A table whose outcome and breached figures are as they were. */
const UNCHANGED = Symbol('unchanged')

/** The most changes listed; the rest are counted. */
const MOST_LISTED = 10

/**
 * The section that says what changed since `previous` (the report for commit `previousSha`), or
 * null when nothing did and the commit is the same (a re-run that found what the last run found).
 * `commitLink` writes a commit as a link.
 */
export function whatChanged(
  previous: { sha: string; report: ReportFigures },
  evaluation: Evaluation,
  sameCommit: boolean,
  commitLink: (sha: string) => string
): string | null {
  const before = new Map(previous.report.problems.map((p) => [p.name, p]))
  const lines: string[] = []
  let unchanged = 0
  const seen = new Set<string>()
  for (const d of evaluation.diffs) {
    const name = tableName(d)
    seen.add(name)
    const line = changeOf(before.get(name), d, previous.report.more > 0)
    if (line === UNCHANGED) unchanged += 1
    else if (line !== null) lines.push(line)
  }
  for (const [name, problem] of before) {
    if (!seen.has(name))
      lines.push(`${cell(name, 100)} is no longer in the report (it ${was(problem)})`)
  }
  if (lines.length === 0 && sameCommit) return null
  const { tables, over, unchecked } = previous.report
  const then = [
    over > 0 ? `❌ ${formatNumber(over)} of ${formatNumber(tables)} over their limits` : null,
    unchecked > 0 ? `⚠️ ${formatNumber(unchecked)} not checked` : null,
    over === 0 && unchecked === 0 ? `✅ ${formatNumber(tables)} within their limits` : null
  ].filter((part) => part !== null)
  const title = `**Since the last report** (${sameCommit ? 'this commit' : `commit ${commitLink(previous.sha)}`}: ${then.join(', ')})`
  if (lines.length === 0) return `${title}: no table changed its outcome or its breached figures.`
  const shown = lines.slice(0, MOST_LISTED)
  const rest = lines.length - shown.length
  const tail = [
    ...(rest > 0 ? [plural(rest, 'more change')] : []),
    ...(unchanged > 0 ? [`${formatNumber(unchanged)} still as they were`] : [])
  ]
  return [
    `${title}:`,
    '',
    ...shown.map((line) => `- ${line}`),
    ...(tail.length > 0 ? [`- … and ${tail.join('; ')}`] : [])
  ].join('\n')
}

/** One table's change, a line; UNCHANGED; or null when it was and is within its limits. */
function changeOf(
  before: ProblemFigures | undefined,
  now: DiffEvaluation,
  listCut: boolean
): string | null | typeof UNCHANGED {
  const outcome = outcomeOf(now)
  const name = `**${cell(tableName(now), 100)}**`
  const nowFigures = now.breaches.map((b) => figureText(metricKey(b), b.value, b.percent))
  if (before === undefined) {
    // Not among the last report's problems: within its limits then, unless that list was cut.
    const since = listCut ? '' : ' now'
    if (outcome === 'within') return null
    if (outcome === 'over') return `❌ ${name} is over its limits${since}: ${nowFigures.join(', ')}`
    if (outcome === 'error') return `⚠️ ${name} could not be checked${since}`
    return `⚠️ ${name} is not fully checked${since}`
  }
  if (outcome === 'within') {
    const figures = before.figures.map(
      (f) => `${figureText(f.metric, f.value, f.percent)} → ${currentFigure(now, f.metric)}`
    )
    return `✅ ${name} is within its limits now${figures.length > 0 ? `: ${figures.join(', ')}` : ` (it ${was(before)})`}`
  }
  if (outcome === 'error') {
    return before.state === 'error'
      ? UNCHANGED
      : `⚠️ ${name} could not be checked now (it ${was(before)})`
  }
  if (outcome === 'unmeasured') {
    return before.state === 'unmeasured'
      ? UNCHANGED
      : `⚠️ ${name} is not fully checked now (it ${was(before)})`
  }
  if (before.state !== 'over') {
    return `❌ ${name} is over its limits now (it ${was(before)}): ${nowFigures.join(', ')}`
  }
  // Over then and now: each figure as it was → as it is, and those breached only now.
  const previous = new Map(before.figures.map((f) => [f.metric, f]))
  const changes: string[] = []
  for (const b of now.breaches) {
    const metric = metricKey(b)
    const then = previous.get(metric)
    previous.delete(metric)
    const figure = figureText(metric, b.value, b.percent)
    if (then === undefined) changes.push(`${figure} (newly over)`)
    else if (then.value !== b.value)
      changes.push(
        `${figureText(metric, then.value, then.percent)} → ${valueText(metric, b.value, b.percent)}`
      )
  }
  for (const then of previous.values()) {
    changes.push(
      `${figureText(then.metric, then.value, then.percent)} → ${currentFigure(now, then.metric)} (within its limit now)`
    )
  }
  return changes.length === 0
    ? UNCHANGED
    : `❌ ${name} is still over its limits: ${changes.join(', ')}`
}

function was(problem: ProblemFigures): string {
  if (problem.state === 'error') return 'could not be checked'
  if (problem.state === 'unmeasured') return 'was not fully checked'
  const figures = problem.figures.map((f) => figureText(f.metric, f.value, f.percent))
  return `was over its limits${figures.length > 0 ? `: ${figures.join(', ')}` : ''}`
}

/** `rows changed 3,120 (0.72%)`, `column amount match 97.50%`. */
function figureText(metric: string, value: number, percent: number | null): string {
  return `${metricWords(metric)} ${valueText(metric, value, percent)}`
}

function valueText(metric: string, value: number, percent: number | null): string {
  if (metric.startsWith('column-match:'))
    return percent === null ? formatNumber(value) : formatPercent(percent)
  return formatMeasure(value, percent)
}

function metricWords(metric: string): string {
  if (metric.startsWith('column-match:')) {
    return `column ${escapeMarkdown(metric.slice('column-match:'.length))} match`
  }
  return METRIC_SPEC.find((spec) => spec.name === metric)?.words ?? escapeMarkdown(metric)
}

/** A metric's figure in this run, to set beside what it was. */
function currentFigure(now: DiffEvaluation, metric: string): string {
  if (now.diff.status !== 'done') return 'not measured'
  const diff: FinishedDiff = now.diff
  if (metric.startsWith('column-match:')) {
    const column = diff.columns.find((c) => c.name === metric.slice('column-match:'.length))
    return column === undefined ? 'not compared' : formatPercent(column.match)
  }
  const spec = METRIC_SPEC.find((s) => s.name === metric)
  const measure = spec === undefined ? null : diff.metrics[spec.name]
  return measure === null ? 'not measured' : formatMeasure(measure.value, measure.percent)
}
