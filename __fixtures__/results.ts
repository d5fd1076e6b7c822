// Hand-built normalised diffs for the pure modules' tests.
import type { DiffResult, ErroredDiff, FinishedDiff, Metrics } from '../src/diff.js'
import type { Thresholds } from '../src/limits.js'
import { METRIC_SPEC } from '../src/metric-spec.js'
import type { Judged } from '../src/results.js'

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

/** A diff a plan entry (or a dbt model) named `name` asked for, held to its own `thresholds`. */
export function requested(diff: DiffResult, name: string, thresholds: Thresholds): Judged {
  const table = { table: ['analytics', 'prod', name] }
  return {
    diff: { ...diff, name },
    origin: 'created',
    requested: {
      kind: 'requested',
      name,
      from: 'plan entry',
      request: {
        name,
        dataSourceA: { id: 1 },
        dataSourceB: { id: 1 },
        datasetA: table,
        datasetB: table,
        primaryKey: ['id'],
        includeColumns: null,
        excludeColumns: null,
        filterA: null,
        filterB: null,
        sampling: null,
        timeTravelA: null,
        timeTravelB: null,
        tags: [],
        thresholds
      }
    }
  }
}
