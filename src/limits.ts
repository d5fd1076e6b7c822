// The limits the user sets, as one shape: read from the inputs and from a plan's entries, checked
// by the thresholds, shown by the report. Types only, so every step may read them.
import type { MetricName } from './metric-spec.js'

/** A limit as the user wrote it: a count (`250`) or a percentage (`1%`). */
export type Limit = { kind: 'count'; value: number } | { kind: 'percent'; value: number }

export interface Thresholds {
  max: Partial<Record<MetricName, Limit>>
  /** Every compared column must match at least this percentage (0 to 100). */
  minColumnMatch: number | null
  /** Column names or `*` globs left out of the column checks. */
  ignoreColumns: string[]
  /**
   * What a count limit is checked against on a sampled diff: the whole-table estimate (the
   * default), or the upper bound of Datafold's interval where it gives one.
   */
  sampledLimit?: SampledLimit
  /**
   * Where a limit came from, by its input name (`max-rows-changed`), when not from the step's
   * inputs: `plan entry`, `plan defaults`, `model meta`, `rule 2`.
   */
  sources?: Partial<Record<string, string>>
}

export type SampledLimit = 'estimate' | 'upper'
