// A dbt model's own settings, where the model is defined (read from the PR build): Datafold's
// `meta.datafold.datadiff` keys, this action's thresholds from `meta.datafold_diff_gate`, and the
// plan's first `rules` entry that matches the model. Pure.
//
// Datafold's keys (docs.datafold.com/deployment_testing/configuration/model-specific_ci_configuration
// and the Classic pages …/configuration/model-specific-ci/*):
//   meta: {datafold: {datadiff: {filter: "user_id > 2350", include_columns: [a, b],
//     exclude_columns: [c], never_diff: true, prod_time_travel: [2022-02-07T00:00:00],
//     pr_time_travel: [2022-02-07T00:00:00]}}}
// The time travel values are one-item lists there; a bare value is taken too.
import { z } from 'zod'
import { globMatcher } from '../glob.js'
import type { Thresholds } from '../limits.js'
import type { RawDefaults } from '../plan/schema.js'
import {
  ruleName,
  schemaOfKey,
  thresholdsSchema,
  THRESHOLD_KEYS,
  type DbtRule
} from '../plan/schema.js'
import { suggestKey } from '../plan/suggest.js'
import { layerThresholds, type ThresholdLayer } from '../plan/thresholds.js'
import type { DbtNode } from './manifest.js'

export interface ModelSettings {
  neverDiff: boolean
  filter: string | null
  includeColumns: string[] | null
  excludeColumns: string[] | null
  prodTimeTravel: number | string | null
  prTimeTravel: number | string | null
  /** `meta.datafold_diff_gate`, its valid keys. */
  thresholds: ThresholdLayer['given']
}

const text = z.string({ error: 'expected some text' }).min(1, 'expected some text')
const columns = z.union([text, z.array(text)], { error: 'expected a column name or a list' })
const point = z.union([z.number().int(), text], {
  error: 'expected a negative offset, a UTC timestamp or a time point'
})
const timeTravel = z.union([point, z.tuple([point])], { error: 'expected one time point' })

const datadiffSchema = z.object({
  filter: text.optional(),
  include_columns: columns.optional(),
  exclude_columns: columns.optional(),
  never_diff: z.boolean({ error: 'expected true or false' }).optional(),
  prod_time_travel: timeTravel.optional(),
  pr_time_travel: timeTravel.optional()
})

/** The model's settings; `report` gets each bad value, which is then left out. */
export function modelSettings(
  node: DbtNode,
  report: (field: string, problem: string) => void
): ModelSettings {
  const datadiff = recordAt(node.meta, ['datafold', 'datadiff']) ?? {}
  // Datafold has more keys (time_column, …): only those this action applies are read.
  const known = Object.entries(datadiff).filter(([key]) => Object.hasOwn(datadiffSchema.shape, key))
  const settings = datadiffSchema.parse(
    validEntries(known, datadiffSchema.shape, 'meta.datafold.datadiff', report)
  )
  const list = (value: string | string[] | undefined) =>
    value === undefined ? null : Array.isArray(value) ? value : [value]
  const travel = (value: z.infer<typeof timeTravel> | undefined) =>
    (Array.isArray(value) ? value[0] : value) ?? null
  return {
    neverDiff: settings.never_diff === true,
    filter: settings.filter ?? null,
    includeColumns: list(settings.include_columns),
    excludeColumns: list(settings.exclude_columns),
    prodTimeTravel: travel(settings.prod_time_travel),
    prTimeTravel: travel(settings.pr_time_travel),
    thresholds: gateThresholds(node.meta.datafold_diff_gate, report)
  }
}

/** `meta.datafold_diff_gate`, read as a plan's thresholds are. */
function gateThresholds(
  raw: unknown,
  report: (field: string, problem: string) => void
): ThresholdLayer['given'] {
  if (raw === undefined) return {}
  const field = 'meta.datafold_diff_gate'
  const record = recordOf(raw)
  if (record === undefined) {
    report(field, 'expected thresholds by their input names (max-rows-changed: 5%)')
    return {}
  }
  for (const key of Object.keys(record).filter((k) => !Object.hasOwn(thresholdsSchema.shape, k))) {
    const suggestion = suggestKey(key, THRESHOLD_KEYS)
    report(`${field}.${key}`, `unknown key${suggestion ? `; did you mean ${suggestion}?` : ''}`)
  }
  const known = Object.entries(record).filter(([key]) => Object.hasOwn(thresholdsSchema.shape, key))
  return thresholdsSchema.parse(validEntries(known, thresholdsSchema.shape, field, report))
}

/** The entries whose value its key's schema takes; each other one is reported. */
function validEntries(
  entries: [string, unknown][],
  shape: object,
  field: string,
  report: (field: string, problem: string) => void
): Record<string, unknown> {
  const valid = entries.filter(([key, value]) => {
    const parsed = schemaOfKey(shape, key)?.safeParse(value)
    if (parsed?.success === false)
      report(`${field}.${key}`, parsed.error.issues[0]?.message ?? 'invalid')
    return parsed?.success === true
  })
  return Object.fromEntries(valid)
}

/** Which rule applies to a model: the first that matches it, with its index; null for none. */
export function ruleFinder(
  rules: DbtRule[]
): (node: DbtNode) => { rule: DbtRule; index: number } | null {
  const matchers = rules.map((rule, index) => {
    const glob = (text: string | undefined) =>
      text === undefined ? null : globMatcher(text, { folders: true, ignoreCase: false })
    const name = glob(rule.match.name)
    const path = glob(rule.match.path)
    const { tag } = rule.match
    return {
      rule,
      index,
      matches: (node: DbtNode) =>
        (name === null || name(node.name)) &&
        (path === null || path(node.path)) &&
        (tag === undefined || node.tags.includes(tag))
    }
  })
  return (node) => matchers.find((m) => m.matches(node)) ?? null
}

/** The step's thresholds under the plan's defaults, the matching rule and the model's meta. */
export function modelThresholds(
  step: Thresholds,
  defaults: RawDefaults,
  rule: { rule: DbtRule; index: number } | null,
  meta: ThresholdLayer['given']
): Thresholds {
  return layerThresholds(step, [
    { source: 'plan defaults', given: defaults },
    ...(rule === null ? [] : [{ source: ruleName(rule.index, rule.rule.match), given: rule.rule }]),
    { source: 'model meta', given: meta }
  ])
}

function recordAt(value: unknown, path: string[]): Record<string, unknown> | undefined {
  return path.reduce<Record<string, unknown> | undefined>(
    (at, key) => recordOf(at?.[key]),
    recordOf(value)
  )
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
