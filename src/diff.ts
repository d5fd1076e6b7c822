// The normalised diff: what the action knows about one data diff once Datafold's answer has been
// read, in the action's own words. Every later step (thresholds, report, outputs) reads this.
import type { MetricName } from './metric-spec.js'

/** A measured count, and its share of the base it is counted against (null: a count only). */
export interface Measure {
  value: number
  percent: number | null
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
  /** Percentage of cells that matched, 0 to 100. */
  match: number
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
  id: number
  /** The diff's page at Datafold. */
  url: string
  target: DiffTarget
  /** Things the user should know that do not change the verdict. */
  warnings: string[]
  /** The plan entry's name, for a diff the plan created. */
  entry?: string
}

export interface FinishedDiff extends DiffBase {
  status: 'done'
  rowsA: number | null
  rowsB: number | null
  metrics: Metrics
  columns: ColumnStat[]
  schema: SchemaChanges | null
}

export interface ErroredDiff extends DiffBase {
  status: 'error'
  /** One line, for a person. */
  reason: string
}

export type DiffResult = FinishedDiff | ErroredDiff
