// The normalised diff: what the action knows about one data diff once Datafold's answer has been
// read, in the action's own words. Every later step (thresholds, report, outputs) reads this.
import type { MetricName } from './metric-spec.js'

/**
 * A count of the whole table, and its share of the base it is counted against (null: a count
 * only). For a sampled diff the count is estimated from the sample: `sample` says how.
 */
export interface Measure {
  /** A whole number: a count, or a whole-table estimate. */
  value: number
  percent: number | null
  /** Null and duplicate keys: each side's count and share, A then B; `value` is the larger count. */
  sides?: readonly [SideMeasure, SideMeasure]
  /** Set when `value` is estimated from a sample rather than counted. */
  sample?: SampleFigure
}

export interface SideMeasure {
  value: number
  percent: number
}

/** What a sample showed, and how the whole-table figure was had from it. */
export interface SampleFigure {
  /** The count within the sample, as Datafold gave it. */
  value: number
  /** What the sample held (rows or values): the sample count is a share of this. */
  base: number
  /**
   * `estimate`: Datafold's own estimate for the whole table (per column, summed for values);
   * `scaled`: the sample's share applied to the table, where Datafold gives no estimate.
   */
  method: 'estimate' | 'scaled'
  /** Datafold's interval for the estimate, where it gives one. */
  interval: EstimateInterval | null
}

export interface EstimateInterval {
  min: number
  max: number
  /** A fraction: 0.95. */
  confidence: number
}

/** `null` where the block the metric comes from is absent: not measured. */
export type Metrics = Record<MetricName, Measure | null>

export interface SampledEstimate {
  estimate: number
  confidence: number
  min: number
  max: number
}

export interface ColumnStat {
  name: string
  /** Percentage of cells that matched, 0 to 100 (of the sample, for a sampled diff). */
  match: number
  /** Values that differ (in the sample, for a sampled diff). */
  valuesDifferent: number
  estimate: SampledEstimate | null
}

export interface SchemaChanges {
  columnsOnlyInA: string[]
  columnsOnlyInB: string[]
  typeChanged: string[]
  typeMismatches: number
}

/** What was compared, from the diff record; null fields were not told. */
export interface DiffTarget {
  datasetA: string | null
  datasetB: string | null
  kind: 'in_db' | 'cross_db' | null
}

interface DiffBase {
  target: DiffTarget
  /** Things the user should know that do not change the verdict. */
  warnings: string[]
  /** The plan entry's or dbt model's name, for a diff the action was asked to create. */
  name?: string
}

export interface FinishedDiff extends DiffBase {
  status: 'done'
  id: number
  /** The diff's page at Datafold. */
  url: string
  rowsA: number | null
  rowsB: number | null
  /** Datafold compared values on a sample of the rows: value counts are estimates. */
  sampled: boolean
  metrics: Metrics
  columns: ColumnStat[]
  schema: SchemaChanges | null
}

export interface ErroredDiff extends DiffBase {
  status: 'error'
  /** Null when the diff was never created (Datafold refused the create). */
  id: number | null
  url: string | null
  /** One line, for a person. */
  reason: string
}

export type DiffResult = FinishedDiff | ErroredDiff
