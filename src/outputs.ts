// The step's outputs, as strings, from the evaluation. Pure.
import { TOTALLED_METRICS, type TotalledMetric } from './metric-spec.js'
import { tally, uncheckedCount, type Tally } from './report/headline.js'
import type { Evaluation } from './thresholds.js'

/** What publishing left for the outputs to name. */
export interface PublishedReport {
  /** Null when the report file could not be written. */
  reportPath: string | null
  comment: { id: number; url: string } | null
  /** Why GitHub refused the report comment; null when it did not. */
  commentRefused: string | null
}

export const OUTPUT_NAMES = [
  'result',
  'breach-count',
  'unchecked-count',
  'breaches',
  ...TOTALLED_METRICS,
  'sampled-diffs',
  'diffs',
  'report-path',
  'comment-id',
  'comment-url',
  'comment-error',
  'diff-ids',
  'created-diff-ids',
  'skipped-models',
  'dbt-cloud-run-id',
  'dbt-cloud-prod-run-id'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

/** GitHub takes at most 1 MB per output; a list longer than this is cut. */
export const MAX_OUTPUT_BYTES = 1_000_000

/** The dbt Cloud runs compared: the CI run and production's. */
export interface DbtCloudRunIds {
  runId: number
  prodRunId: number
}

/** What the outputs name beyond the evaluation, in the modes that have it. */
export interface OutputExtras {
  /** dbt mode's changed models that were not compared. */
  skipped?: readonly { name: string; path: string; reason: string; detail: string }[]
  /** What the report's heading counts (the diffs alone when not given). */
  counts?: Tally
  /** dbt Cloud mode: the two runs compared. */
  dbtCloud?: DbtCloudRunIds | null
}

export function buildOutputs(
  evaluation: Evaluation,
  published: PublishedReport,
  { skipped = [], counts = tally(evaluation), dbtCloud = null }: OutputExtras = {}
): Record<OutputName, string> {
  const { comment } = published
  // Every diff gated, in report order, once; and those this run created.
  const ids = (keep: (d: Evaluation['diffs'][number]) => boolean) => [
    ...new Set(evaluation.diffs.flatMap((d) => (d.diff.id === null || !keep(d) ? [] : [d.diff.id])))
  ]
  const totals = Object.fromEntries(
    TOTALLED_METRICS.map((metric) => [metric, totalOf(evaluation, metric).total])
  ) as Record<TotalledMetric, string>
  return {
    result: evaluation.result,
    'breach-count': String(evaluation.breaches.length),
    'unchecked-count': String(uncheckedCount(counts)),
    breaches: jsonList(
      evaluation.breaches.map((breach) => ({
        diffId: breach.diffId,
        metric: breach.metric,
        value: breach.value,
        percentage: breach.percent,
        limit: breach.limit,
        ...(breach.column === undefined ? {} : { column: breach.column }),
        ...(breach.sample === undefined ? {} : { estimatedFromSample: breach.sample })
      }))
    ),
    ...totals,
    'sampled-diffs': jsonList(
      evaluation.diffs.flatMap(({ diff }) =>
        diff.status === 'done' && diff.sampled ? [diff.id] : []
      )
    ),
    diffs: jsonList(evaluation.diffs.map(diffOutput)),
    'report-path': published.reportPath ?? '',
    'comment-id': comment ? String(comment.id) : '',
    'comment-url': comment?.url ?? '',
    'comment-error': published.commentRefused ?? '',
    'diff-ids': ids(() => true).join(','),
    'created-diff-ids': ids((d) => d.origin === 'created').join(','),
    'skipped-models': jsonList(
      skipped.map(({ name, path, reason, detail }) => ({ name, path, reason, detail }))
    ),
    'dbt-cloud-run-id': dbtCloud ? String(dbtCloud.runId) : '',
    'dbt-cloud-prod-run-id': dbtCloud ? String(dbtCloud.prodRunId) : ''
  }
}

/**
 * A metric summed over the diffs that measured it, exactly (BigInt, so past 2^53 too), and the
 * diffs left out. Empty when no diff measured it: `0` would read as "measured, nothing changed".
 */
function totalOf(
  evaluation: Evaluation,
  metric: TotalledMetric
): { total: string; leftOut: string[] } {
  let sum = 0n
  let measured = 0
  const leftOut: string[] = []
  for (const { diff } of evaluation.diffs) {
    const measure = diff.status === 'done' ? diff.metrics[metric] : null
    if (measure === null) {
      leftOut.push(diff.id === null ? `${diff.name ?? '?'} (not created)` : String(diff.id))
    } else {
      sum += BigInt(Math.round(measure.value))
      measured += 1
    }
  }
  return { total: measured === 0 ? '' : sum.toString(), leftOut }
}

/**
 * A warning for each group of totals that leave out some diffs (not all: an empty total says
 * that by itself), naming the diffs: `The outputs rows-changed, values-changed total 4 of 5
 * diffs: diff 105 did not measure them and is left out`.
 */
export function totalsWarnings(evaluation: Evaluation): string[] {
  const count = evaluation.diffs.length
  const groups = new Map<string, { metrics: string[]; leftOut: string[] }>()
  for (const metric of TOTALLED_METRICS) {
    const { leftOut } = totalOf(evaluation, metric)
    if (leftOut.length === 0 || leftOut.length === count) continue
    const key = leftOut.join(',')
    const group = groups.get(key) ?? { metrics: [], leftOut }
    group.metrics.push(metric)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ metrics, leftOut }) => {
    const ids =
      leftOut.slice(0, 20).join(', ') +
      (leftOut.length > 20 ? ` and ${leftOut.length - 20} more` : '')
    const them = metrics.length === 1 ? 'it' : 'them'
    const which =
      leftOut.length === 1
        ? `diff ${ids} did not measure ${them} and is`
        : `diffs ${ids} did not measure ${them} and are`
    return `The ${metrics.length === 1 ? 'output' : 'outputs'} ${metrics.join(', ')} total ${count - leftOut.length} of ${count} diffs: ${which} left out`
  })
}

/**
 * A JSON array of at most MAX_OUTPUT_BYTES (UTF-8). When the whole list is longer, as many items
 * as fit are kept, in order, and a last item `{"leftOut": N}` says how many were cut.
 */
export function jsonList(items: readonly unknown[], maxBytes = MAX_OUTPUT_BYTES): string {
  const parts = items.map((item) => JSON.stringify(item))
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8')
  // Brackets and commas, then each item.
  let length = 2 + Math.max(0, parts.length - 1)
  for (const part of parts) length += bytes(part)
  if (length <= maxBytes) return `[${parts.join(',')}]`
  // Room for the closing item, whatever the count.
  let used = 2 + bytes(`,{"leftOut":${items.length}}`)
  let kept = 0
  for (const part of parts) {
    const next = used + bytes(part) + (kept > 0 ? 1 : 0)
    if (next > maxBytes) break
    used = next
    kept += 1
  }
  return `[${[...parts.slice(0, kept), JSON.stringify({ leftOut: items.length - kept })].join(',')}]`
}

// Columns are left out: with hundreds of diffs they would outgrow the outputs limit, and the
// report holds them.
function diffOutput({ diff, verdict, breaches, notMeasured }: Evaluation['diffs'][number]) {
  // A diff Datafold refused to create has no id and no URL.
  const common = {
    id: diff.id,
    ...(diff.name === undefined ? {} : { name: diff.name }),
    url: diff.url,
    result: verdict,
    datasetA: diff.target.datasetA,
    datasetB: diff.target.datasetB,
    kind: diff.target.kind
  }
  if (diff.status === 'error') return { ...common, error: diff.reason }
  return {
    ...common,
    rowsA: diff.rowsA,
    rowsB: diff.rowsB,
    sampled: diff.sampled,
    // Each metric is the whole-table figure; a sampled one carries the sample's own count too.
    metrics: diff.metrics,
    schema: diff.schema,
    breachCount: breaches.length,
    notMeasured
  }
}
