// Reads a plan: YAML text in, the diffs to create out, each merged with `defaults` and the step's
// inputs (entry > defaults > inputs), and the `defaults` and `rules` dbt mode applies to models. Every problem is found before any request and reported at
// once, naming the entry and the field in the plan's own words: `entry 2 (orders): table-b: ...`.
// Pure: the run's values (PR, commit, environment, the step's inputs) come in.
import { LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { InputError } from '../inputs.js'
import type { Thresholds } from '../limits.js'
import { entryLines } from './entry-lines.js'
import { mergeEntry, type PlannedDiff } from './merge.js'
import { fillPlaceholders, type PlanContext } from './placeholders.js'
import {
  DEFAULTS_KEYS,
  defaultsSchema,
  ENTRY_KEYS,
  entrySchema,
  MATCH_KEYS,
  planSchema,
  RULE_KEYS,
  ruleName,
  ruleSchema,
  schemaOfKey,
  type DbtRule,
  type RawDefaults
} from './schema.js'
import { suggestKey } from './suggest.js'

export interface PlanOptions {
  /** Where the plan came from, for the message: `plan-file .github/datafold-plan.yml`. */
  source: string
  context: PlanContext
  /** The step's `data-source` input; '' when not set. */
  dataSource: string
  thresholds: Thresholds
}

/** A plan that cannot be used: every problem, one line each. `what` names it: `dbt project`. */
export class PlanError extends InputError {
  constructor(source: string, problems: string[], what = 'plan') {
    super(problems)
    this.name = 'PlanError'
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`
    this.message = `Invalid ${what} (${source}), ${count}; no diff was created:\n${problems
      .map((p) => `- ${p}`)
      .join('\n')}`
  }
}

export interface ParsedPlan {
  /** In plan order. */
  diffs: PlannedDiff[]
  /** As written (its valid fields), for dbt mode's models. */
  defaults: RawDefaults
  /** In plan order, for dbt mode's models. */
  rules: DbtRule[]
  /** The line each entry starts on in the plan's text, by the entry's name: where a check run's
   * annotation of its diff points. */
  lines?: ReadonlyMap<string, number>
}

/** The plan's diffs, defaults and rules; throws PlanError listing every problem. */
export function parsePlan(text: string, options: PlanOptions): ParsedPlan {
  const problems: string[] = []
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter })
  for (const error of document.errors) problems.push(error.message.split('\n')[0] ?? error.message)
  if (problems.length > 0) throw new PlanError(options.source, problems)

  let written: unknown
  try {
    written = document.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // Aliases that would expand without bound (a "billion laughs" document).
    throw new PlanError(options.source, [error instanceof Error ? error.message : String(error)])
  }
  const named = (list: string, index: number): string => {
    if (list === 'rules')
      return ruleName(index, recordOf(recordOf(itemOf(written, list, index))?.match))
    const name = recordOf(itemOf(written, list, index))?.name
    return typeof name === 'string' && name !== ''
      ? `entry ${index + 1} (${name})`
      : `entry ${index + 1}`
  }
  const filled = fillAll(written, options.context, [], (path, problem) => {
    problems.push(`${describePath(path, named)}: ${problem}`)
  })
  const top = planSchema.safeParse(filled)
  if (!top.success) problems.push(...top.error.issues.flatMap((i) => describeIssue(i, named)))

  const defaults = usableDefaults(recordOf(filled)?.defaults)
  const rawEntries = recordOf(filled)?.diffs
  const planned: PlannedDiff[] = []
  const lines = new Map<string, number>()
  const startLines = entryLines(document, lineCounter)
  if (Array.isArray(rawEntries)) {
    const seen = new Set<string>()
    rawEntries.forEach((raw, index) => {
      const entry = entrySchema.safeParse(raw)
      if (!entry.success) return
      const report = (field: string, problem: string): void => {
        problems.push(`${named('diffs', index)}: ${field}: ${problem}`)
      }
      if (seen.has(entry.data.name))
        report('name', 'another entry has this name; names must differ')
      seen.add(entry.data.name)
      const diff = mergeEntry(entry.data, defaults, options, report)
      if (!diff) return
      planned.push(diff)
      lines.set(diff.name, startLines[index] ?? 1)
    })
  }
  const rawRules = recordOf(filled)?.rules
  const rules = Array.isArray(rawRules)
    ? rawRules.flatMap((raw) => {
        const rule = ruleSchema.safeParse(raw)
        return rule.success ? [rule.data] : []
      })
    : []
  if (problems.length > 0) throw new PlanError(options.source, problems)
  return { diffs: planned, defaults, rules, lines }
}

/** The defaults' fields that are valid: a mistake there is reported once, and the entries are
 * still checked against the rest. */
function usableDefaults(raw: unknown): RawDefaults {
  const record = recordOf(raw) ?? {}
  const valid = Object.entries(record).filter(
    ([key, value]) => schemaOfKey(defaultsSchema.shape, key)?.safeParse(value).success
  )
  return defaultsSchema.parse(Object.fromEntries(valid))
}

/** Every text in the document with its placeholders filled in. */
function fillAll(
  value: unknown,
  context: PlanContext,
  path: (string | number)[],
  report: (path: (string | number)[], problem: string) => void
): unknown {
  if (typeof value === 'string') {
    const filled = fillPlaceholders(value, context)
    if (filled.ok) return filled.text
    for (const problem of filled.problems) report(path, problem)
    return value
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => fillAll(item, context, [...path, i], report))
  }
  const record = recordOf(value)
  if (!record) return value
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => [
      key,
      fillAll(item, context, [...path, key], report)
    ])
  )
}

type Named = (list: string, index: number) => string

function describeIssue(issue: z.core.$ZodIssue, named: Named): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const suggestion = suggestKey(key, keysAt(issue.path))
      const hint = suggestion === null ? '' : `; did you mean ${suggestion}?`
      return `${describePath([...issue.path, key], named)}: unknown key${hint}`
    })
  }
  return [`${describePath(issue.path, named)}: ${issue.message}`]
}

/** The keys that may stand where an unknown key was found. */
function keysAt(path: PropertyKey[]): readonly string[] {
  if (path[0] === 'diffs') return ENTRY_KEYS
  if (path[0] === 'rules') return path[2] === 'match' ? MATCH_KEYS : RULE_KEYS
  return DEFAULTS_KEYS
}

/** `entry 2 (orders): table-b`, `rule 1 (tag: finance): max-rows`, `primary-key item 2`. */
function describePath(path: PropertyKey[], named: Named): string {
  const parts: string[] = []
  let rest = path
  if ((path[0] === 'diffs' || path[0] === 'rules') && typeof path[1] === 'number') {
    parts.push(named(path[0], path[1]))
    rest = path.slice(2)
  }
  for (const key of rest) {
    if (typeof key === 'number') parts.push(`item ${key + 1}`)
    else parts.push(String(key))
  }
  return parts.length === 0 ? 'plan' : parts.join(': ').replace(/: item/g, ' item')
}

function itemOf(plan: unknown, list: string, index: number): unknown {
  const items = recordOf(plan)?.[list]
  return Array.isArray(items) ? (items[index] as unknown) : undefined
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
