// A plan's thresholds over the step's: the keys an entry (or `defaults`) sets replace the
// step's, read by the same parsers as the inputs of the same names. Pure.
import { limitOf, list, minColumnMatch } from '../inputs.js'
import { METRIC_SPEC } from '../metric-spec.js'
import type { Thresholds } from '../limits.js'
import { thresholdText, type ThresholdKey } from './schema.js'

type ThresholdValue = string | number | string[] | null | undefined

/** `base` with every threshold `given` sets; an empty or null value means "not checked". */
export function applyThresholds(
  base: Thresholds,
  given: Partial<Record<ThresholdKey, ThresholdValue>>
): Thresholds {
  const max: Thresholds['max'] = {}
  for (const spec of METRIC_SPEC) {
    const value = given[spec.input]
    const limit =
      value === undefined ? base.max[spec.name] : limitOf(spec).parse(thresholdText(value))
    if (limit) max[spec.name] = limit
  }
  const minMatch = given['min-column-match']
  const ignore = given['ignore-columns']
  return {
    max,
    minColumnMatch:
      minMatch === undefined ? base.minColumnMatch : minColumnMatch.parse(thresholdText(minMatch)),
    ignoreColumns: ignore === undefined ? base.ignoreColumns : list.parse(thresholdText(ignore))
  }
}
