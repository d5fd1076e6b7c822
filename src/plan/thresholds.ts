// A plan's thresholds over the step's: the keys an entry (or `defaults`, a dbt rule, a model's
// meta) sets replace the weaker ones, read by the same parsers as the inputs of the same names,
// and each limit keeps where it came from, for the report. Pure.
import { limitOf, list, minColumnMatch } from '../inputs.js'
import { METRIC_SPEC } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import { thresholdText, type ThresholdKey } from './schema.js'

type ThresholdValue = string | number | string[] | null | undefined

/** Thresholds as one place sets them, and that place in the user's words: `plan defaults`. */
export interface ThresholdLayer {
  source: string
  given: Partial<Record<ThresholdKey, ThresholdValue>>
}

/** The step's thresholds with each layer's over them, weakest first. */
export function layerThresholds(base: Thresholds, layers: ThresholdLayer[]): Thresholds {
  return layers.reduce(applyThresholds, base)
}

/**
 * `base` with every threshold `layer` sets; an empty or null value means "not checked". A limit
 * with no recorded source is the step input's.
 */
function applyThresholds(base: Thresholds, layer: ThresholdLayer): Thresholds {
  const { given, source } = layer
  const sources = { ...base.sources }
  const set = (key: ThresholdKey): boolean => {
    if (given[key] === undefined) return false
    sources[key] = source
    return true
  }
  const max: Thresholds['max'] = {}
  for (const spec of METRIC_SPEC) {
    const limit = set(spec.input)
      ? limitOf(spec).parse(thresholdText(given[spec.input] ?? null))
      : base.max[spec.name]
    if (limit) max[spec.name] = limit
  }
  return {
    ...base,
    max,
    minColumnMatch: set('min-column-match')
      ? minColumnMatch.parse(thresholdText(given['min-column-match'] ?? null))
      : base.minColumnMatch,
    ignoreColumns: set('ignore-columns')
      ? list.parse(thresholdText(given['ignore-columns'] ?? null))
      : base.ignoreColumns,
    sources
  }
}
