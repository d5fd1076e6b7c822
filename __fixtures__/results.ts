// Hand-built normalised diffs for the pure modules' tests.
import type { DiffResult, ErroredDiff, FinishedDiff, Metrics } from '../src/diff.js'
import type { Thresholds } from '../src/limits.js'
import { METRIC_SPEC } from '../src/metric-spec.js'
import type { PlannedDiff } from '../src/plan/merge.js'
import type { Judged } from '../src/results.js'
import type { RequestedDiff } from '../src/sources/source.js'

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

/** A plan entry named `name`: prod.`name` against pr.`name` on data source 1, keyed by id. */
export function askedFor(
  name: string,
  request: Partial<PlannedDiff> = {},
  thresholds: Thresholds = { max: {}, minColumnMatch: null, ignoreColumns: [] }
): RequestedDiff {
  return {
    kind: 'requested',
    name,
    from: 'plan entry',
    request: {
      name,
      dataSourceA: { id: 1 },
      dataSourceB: { id: 1 },
      datasetA: { table: ['prod', name] },
      datasetB: { table: ['pr', name] },
      primaryKey: ['id'],
      includeColumns: null,
      excludeColumns: null,
      filterA: null,
      filterB: null,
      sampling: null,
      timeTravelA: null,
      timeTravelB: null,
      tags: [],
      thresholds,
      ...request
    }
  }
}

/** A diff a plan entry named `name` asked for, held to its own `thresholds`. */
export function requested(diff: DiffResult, name: string, thresholds: Thresholds): Judged {
  return { diff: { ...diff, name }, origin: 'created', requested: askedFor(name, {}, thresholds) }
}
