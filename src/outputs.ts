// The step's outputs, as strings, from the evaluation. Pure.
import { TOTALLED_METRICS, type TotalledMetric } from './metric-spec.js'
import type { Evaluation } from './thresholds.js'

export interface PublishedComment {
  id: number
  url: string
}

export const OUTPUT_NAMES = [
  'result',
  'breach-count',
  'breaches',
  ...TOTALLED_METRICS,
  'diffs',
  'report-path',
  'comment-id',
  'comment-url',
  'diff-ids',
  'created-diff-ids'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

export function buildOutputs(
  evaluation: Evaluation,
  reportPath: string,
  comment: PublishedComment | null,
  /** Every diff gated (given, then the plan's) and those this run created. */
  ids: { all: number[]; created: number[] } = { all: [], created: [] }
): Record<OutputName, string> {
  const totals = Object.fromEntries(
    TOTALLED_METRICS.map((metric) => [
      metric,
      String(
        evaluation.diffs.reduce(
          (sum, { diff }) =>
            sum + (diff.status === 'done' ? (diff.metrics[metric]?.value ?? 0) : 0),
          0
        )
      )
    ])
  ) as Record<TotalledMetric, string>
  return {
    result: evaluation.result,
    'breach-count': String(evaluation.breaches.length),
    breaches: JSON.stringify(
      evaluation.breaches.map((breach) => ({
        diffId: breach.diffId,
        metric: breach.metric,
        value: breach.value,
        percentage: breach.percent,
        limit: breach.limit,
        ...(breach.column === undefined ? {} : { column: breach.column })
      }))
    ),
    ...totals,
    diffs: JSON.stringify(evaluation.diffs.map(diffOutput)),
    'report-path': reportPath,
    'comment-id': comment ? String(comment.id) : '',
    'comment-url': comment?.url ?? '',
    'diff-ids': ids.all.join(','),
    'created-diff-ids': ids.created.join(',')
  }
}

// Columns are left out: with hundreds of diffs they would outgrow the outputs limit, and the
// report holds them.
function diffOutput({ diff, verdict, breaches, notMeasured }: Evaluation['diffs'][number]) {
  const common = {
    id: diff.id,
    ...(diff.entry === undefined ? {} : { name: diff.entry }),
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
    metrics: diff.metrics,
    schema: diff.schema,
    breachCount: breaches.length,
    notMeasured
  }
}
