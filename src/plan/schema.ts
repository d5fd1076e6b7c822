// The plan's shape, as the user writes it in YAML: optional `defaults`, a list of `diffs`, and
// `rules` giving dbt mode's models their thresholds. One zod schema checks a plan and is published as a JSON Schema (plan.schema.json) for editors,
// so the two cannot drift. Rules across fields (one table or query per side, a key unless
// inferred) are checked once an entry is merged with its defaults, in plan.ts.
import { z } from 'zod'
import { limitOf, list, minColumnMatch } from '../inputs.js'
import { METRIC_SPEC } from '../metric-spec.js'

const text = z.string().min(1, 'expected some text')
const oneOrMore = (what: string) =>
  z.union([text, z.array(text).min(1)], { error: `expected ${what}, or a list of them` })
const columnNames = oneOrMore('a column name').meta({
  description:
    'A column name, or a list. On Snowflake a name without double quotes is sent upper-case, as Snowflake stores it; `\'"Order ID"\'` keeps its case.'
})

const dataSource = z
  .union([text, z.number().int().positive()], {
    error: 'expected a data source name or id'
  })
  .meta({ description: 'A Datafold data source, by its exact name or its id.' })

const tablePath = z
  .union([text, z.array(text).min(1)], {
    error: 'expected a table path (analytics.prod.orders) or a list of its segments'
  })
  .meta({
    description:
      'A table: `analytics.prod.orders`, or a list of segments. A double-quoted segment keeps its dots and its letter case; on Snowflake a segment without quotes is sent upper-case, as Snowflake stores it.'
  })

const timeTravel = z.union([z.number().int(), text], {
  error: 'expected a negative offset, a UTC timestamp or a time point (Snowflake, Databricks)'
})

const sampling = z
  .strictObject({
    tolerance: z.number().gt(0).lt(1).optional(),
    confidence: z.number().gt(0).lt(100).optional(),
    ratio: z.number().gt(0).lt(1).optional(),
    'max-rows': z.number().int().positive().optional()
  })
  .meta({
    description:
      'Sample instead of comparing every row: `tolerance` (0 to 1) with `confidence` (0 to 100), or `ratio` (0 to 1), or `max-rows`.'
  })

/** A threshold as the inputs take it; a number stands for the same text, null for none. */
function threshold(parser: z.ZodType, description: string) {
  return z
    .union([z.string(), z.number().nonnegative(), z.array(z.string()), z.null()], {
      error: 'expected a threshold as the step input of that name takes it'
    })
    .superRefine((value, ctx) => {
      const parsed = parser.safeParse(thresholdText(value))
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid' })
      }
    })
    .optional()
    .meta({ description })
}

/** A threshold value as the step input's text: `250`, `5%`, `a, b`, '' for none. */
export function thresholdText(value: string | number | string[] | null): string {
  if (value === null) return ''
  if (Array.isArray(value)) return value.join(',')
  return String(value)
}

export const THRESHOLD_KEYS = [
  ...METRIC_SPEC.map((spec) => spec.input),
  'min-column-match',
  'ignore-columns'
] as const

export type ThresholdKey = (typeof THRESHOLD_KEYS)[number]

const thresholds = {
  ...Object.fromEntries(
    METRIC_SPEC.map((spec) => [
      spec.input,
      threshold(limitOf(spec), `Most ${spec.words} allowed for this diff, as the step input.`)
    ])
  ),
  'min-column-match': threshold(minColumnMatch, 'Least match percentage of every column.'),
  'ignore-columns': threshold(list, 'Columns or `*` globs left out of the column checks.')
} as Record<ThresholdKey, ReturnType<typeof threshold>>

/** What an entry may take from `defaults`. */
const shared = {
  'data-source': dataSource.optional(),
  'data-source-b': dataSource
    .optional()
    .meta({ description: "Dataset B's data source, for a cross-database diff." }),
  'primary-key': columnNames.optional(),
  'infer-primary-key': z.boolean().optional(),
  'include-columns': columnNames.optional(),
  'exclude-columns': columnNames.optional(),
  filter: text.optional().meta({ description: 'A WHERE condition for both sides.' }),
  'filter-a': text.optional(),
  'filter-b': text.optional(),
  sampling: sampling.optional(),
  'time-travel-a': timeTravel.optional(),
  'time-travel-b': timeTravel.optional(),
  tags: z.array(text).optional(),
  ...thresholds
}

export const defaultsSchema = z.strictObject(shared)

export const entrySchema = z.strictObject({
  name: text.meta({ description: 'Names the diff in the report.' }),
  'table-a': tablePath.optional(),
  'table-b': tablePath.optional(),
  'query-a': text.optional(),
  'query-b': text.optional(),
  ...shared
})

const glob = (over: string) =>
  text.meta({
    description: `A glob over the model's ${over}: \`*\` and \`?\` stay within a folder, \`**\` crosses folders.`
  })

export const matchSchema = z
  .strictObject(
    {
      name: glob('name').optional(),
      path: glob('file path (models/staging/stg_orders.sql)').optional(),
      tag: text.optional().meta({ description: 'A dbt tag the model has.' })
    },
    { error: 'expected name, path or tag to match' }
  )
  .refine((match) => Object.keys(match).length > 0, {
    message: 'give name, path or tag',
    // A misspelt key is reported as such, not as a match with no keys.
    when: (payload) => payload.issues.length === 0
  })
  .meta({ description: 'Which dbt models the rule is for: all of its keys must match.' })

/** dbt mode: thresholds for the models a match selects; the first matching rule applies. */
export const ruleSchema = z.strictObject({ match: matchSchema, ...thresholds }).meta({
  description:
    "dbt mode: thresholds for the models `match` selects, over the plan's defaults; a model's own meta is stronger. The first matching rule applies."
})

export const planSchema = z
  .strictObject({
    defaults: defaultsSchema.optional(),
    diffs: z.array(entrySchema).min(1, 'list at least one diff').optional(),
    rules: z.array(ruleSchema).optional()
  })
  .refine((plan) => plan.diffs !== undefined || plan.rules !== undefined, {
    message: 'none given: list the diffs to create, or rules for dbt mode, or both',
    path: ['diffs']
  })
  .meta({
    title: 'datafold-diff-gate plan',
    description:
      'The data diffs datafold-diff-gate creates at Datafold and gates a pull request on.'
  })

export type RawPlan = z.infer<typeof planSchema>
export type RawEntry = z.infer<typeof entrySchema>
export type RawDefaults = z.infer<typeof defaultsSchema>
export type DbtRule = z.infer<typeof ruleSchema>

/** A layer's thresholds as the plan's parsers check them: for a dbt model's meta. */
export const thresholdsSchema = z.strictObject(thresholds)

/**
 * The schema of one key of an object schema's shape, or undefined for a key it does not take. A
 * key is what the user wrote: `constructor` or `__proto__` is not the shape's, whatever its
 * prototype holds.
 */
export function schemaOfKey(shape: object, key: string): z.ZodType | undefined {
  return Object.hasOwn(shape, key) ? (shape as Record<string, z.ZodType>)[key] : undefined
}

/** Every key each part takes, for suggestions on a misspelt one. */
export const ENTRY_KEYS: readonly string[] = Object.keys(entrySchema.shape)
export const DEFAULTS_KEYS: readonly string[] = Object.keys(defaultsSchema.shape)
export const RULE_KEYS: readonly string[] = Object.keys(ruleSchema.shape)
export const MATCH_KEYS: readonly string[] = ['name', 'path', 'tag']

/** A rule as the report and the problems name it: `rule 2 (name: stg_*, tag: finance)`. */
export function ruleName(
  index: number,
  match: Partial<Record<string, unknown>> | undefined
): string {
  const parts = MATCH_KEYS.flatMap((key) =>
    typeof match?.[key] === 'string' ? [`${key}: ${match[key]}`] : []
  )
  return parts.length === 0 ? `rule ${index + 1}` : `rule ${index + 1} (${parts.join(', ')})`
}

/** The JSON Schema published as plan.schema.json. */
export function planJsonSchema(): object {
  return z.toJSONSchema(planSchema, { io: 'input' })
}
