// Hand-built normalised diffs for the pure modules' tests.
import type { ErroredDiff, FinishedDiff, Metrics } from '../src/diff.js'
import { METRIC_SPEC } from '../src/metric-spec.js'

export function finishedDiff(
  id: number,
  metrics: Partial<Metrics> = {},
  extra: Partial<FinishedDiff> = {}
): FinishedDiff {
  const zero = Object.fromEntries(
    METRIC_SPEC.map((spec) => [spec.name, { value: 0, percent: spec.base === null ? null : 0 }])
  ) as Metrics
  return {
    id,
    url: `https://app.datafold.com/datadiffs/${id}/overview`,
    target: { datasetA: 'analytics.prod.orders', datasetB: 'analytics.pr.orders', kind: 'in_db' },
    warnings: [],
    status: 'done',
    rowsA: 10_000,
    rowsB: 10_000,
    sampled: false,
    metrics: { ...zero, ...metrics },
    columns: [],
    schema: { columnsOnlyInA: [], columnsOnlyInB: [], typeChanged: [], typeMismatches: 0 },
    ...extra
  }
}

export function erroredDiff(
  id: number,
  reason = `diff ${id} failed: QueryError`,
  extra: Partial<ErroredDiff> = {}
): ErroredDiff {
  return {
    id,
    url: `https://app.datafold.com/datadiffs/${id}/overview`,
    target: { datasetA: null, datasetB: null, kind: null },
    warnings: [],
    status: 'error',
    reason,
    ...extra
  }
}
