// What a report found, packed for the comment's carried state (comment-state.ts, its one owner,
// writes and reads it): the counts, and each table not within its limits with its breached
// figures, bounded so that a report of thousands of problems still takes few characters. Pure.

/** What a report found, in few characters: its counts, and the tables not within their limits. */
export interface ReportFigures {
  /** Tables judged, over their limits, and not (fully) checked. */
  tables: number
  over: number
  unchecked: number
  /** The tables not within their limits, by name, at most MAX_PROBLEMS of them. */
  problems: ProblemFigures[]
  /** Problems left out of `problems`. */
  more: number
}

export interface ProblemFigures {
  /** The plan entry's or model's name, else what was compared: at most NAME_MAX characters. */
  name: string
  /** Over its limits, could not be checked, or a limit of it Datafold did not measure. */
  state: 'over' | 'error' | 'unmeasured'
  /** Each breached figure: the metric, or `column-match:<column>`, its value and share. */
  figures: { metric: string; value: number; percent: number | null }[]
}

/** Bounds on what the figures take: they are a convenience, the created diffs are not. */
export const MAX_PROBLEMS = 100
const NAME_MAX = 100
const FIGURES_MAX = 8

/** The figures within their bounds: at most MAX_PROBLEMS problems, names and figures cut. */
export function bounded(report: ReportFigures): ReportFigures {
  const kept = report.problems.slice(0, MAX_PROBLEMS)
  return {
    ...report,
    problems: kept.map((p) => ({
      name: Array.from(p.name).slice(0, NAME_MAX).join(''),
      state: p.state,
      figures: p.figures.slice(0, FIGURES_MAX).map((f) => ({
        metric: Array.from(f.metric).slice(0, NAME_MAX).join(''),
        value: f.value,
        percent: f.percent === null ? null : Math.round(f.percent * 100) / 100
      }))
    })),
    more: report.more + report.problems.length - kept.length
  }
}

export function cutFigures(report: ReportFigures, count: number): ReportFigures {
  return {
    ...report,
    problems: report.problems.slice(0, count),
    more: report.more + report.problems.length - count
  }
}

const STATES = { over: 'o', error: 'e', unmeasured: 'u' } as const

/** `[tables, over, unchecked, more, [[name, state, [[metric, value, percent], …]], …]]` */
export function packFigures(report: ReportFigures): unknown[] {
  return [
    report.tables,
    report.over,
    report.unchecked,
    report.more,
    report.problems.map((p) => [
      p.name,
      STATES[p.state],
      p.figures.map((f) => [f.metric, f.value, f.percent])
    ])
  ]
}

/** The figures packFigures wrote; null when they do not read. */
export function unpackFigures(packed: unknown): ReportFigures | null {
  if (!Array.isArray(packed) || packed.length !== 5) return null
  const [tables, over, unchecked, more, problems] = packed as unknown[]
  const counts = [tables, over, unchecked, more]
  if (!counts.every(isCount) || !Array.isArray(problems)) return null
  const read: ProblemFigures[] = []
  for (const problem of problems.slice(0, MAX_PROBLEMS) as unknown[]) {
    if (!Array.isArray(problem)) return null
    const [name, code, figures] = problem as unknown[]
    const state = (Object.keys(STATES) as ProblemFigures['state'][]).find(
      (key) => STATES[key] === code
    )
    if (typeof name !== 'string' || state === undefined || !Array.isArray(figures)) return null
    const parsed = (figures as unknown[]).slice(0, FIGURES_MAX).map((figure) => {
      const [metric, value, percent] = Array.isArray(figure) ? (figure as unknown[]) : []
      return typeof metric === 'string' &&
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (percent === null || (typeof percent === 'number' && Number.isFinite(percent)))
        ? { metric: metric.slice(0, NAME_MAX), value, percent }
        : null
    })
    if (parsed.some((f) => f === null)) return null
    read.push({ name: name.slice(0, NAME_MAX), state, figures: parsed.filter((f) => f !== null) })
  }
  const [t, o, u, m] = counts
  return { tables: t ?? 0, over: o ?? 0, unchecked: u ?? 0, more: m ?? 0, problems: read }
}

const isCount = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
