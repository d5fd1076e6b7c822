// Every lookup by a key the user wrote (a plan's keys, a dbt model's meta, a manifest's adapter
// and schema URL) treats the key as data: `constructor`, `__proto__` or `toString` is an unknown
// key like any other, never a property of Object.prototype, and never a crash.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { node } from '../../__fixtures__/dbt-model.js'
import { ManifestError } from '../../src/dbt/manifest.js'
import { manifestVersion } from '../../src/dbt/manifest-version.js'
import { modelSettings } from '../../src/dbt/model-settings.js'
import { tablePath } from '../../src/dbt/relation.js'
import { parsePlan, PlanError } from '../../src/plan/plan.js'
import {
  DEFAULTS_KEYS,
  ENTRY_KEYS,
  MATCH_KEYS,
  RULE_KEYS,
  THRESHOLD_KEYS
} from '../../src/plan/schema.js'

/** Every name Object.prototype answers to. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype)

const OPTIONS = {
  source: 'plan-file p.yml',
  context: { pr: 1, sha: 'a1b2c3d', env: {} },
  dataSource: 'warehouse',
  thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] }
}

const ENTRY = 'name: orders\n    table-a: a.orders\n    table-b: b.orders\n    primary-key: id'

/** A plan with `key` (JSON-quoted, so any text is a key) at one place, and where that place is. */
const PLACES: {
  place: string
  named: string
  keys: readonly string[]
  plan: (key: string) => string
}[] = [
  {
    place: 'defaults',
    named: 'defaults',
    keys: DEFAULTS_KEYS,
    plan: (key) => `defaults:\n  ${key}: 1\ndiffs:\n  - ${ENTRY}\n`
  },
  {
    place: 'an entry',
    named: 'entry 1 (orders)',
    keys: ENTRY_KEYS,
    plan: (key) => `diffs:\n  - ${ENTRY}\n    ${key}: 1\n`
  },
  {
    place: 'sampling',
    named: 'entry 1 (orders): sampling',
    keys: ['ratio', 'tolerance', 'confidence', 'max-rows'],
    plan: (key) => `diffs:\n  - ${ENTRY}\n    sampling: { ${key}: 1 }\n`
  },
  {
    place: 'a rule',
    named: 'rule 1 (name: stg_*)',
    keys: RULE_KEYS,
    plan: (key) => `rules:\n  - match: { name: stg_* }\n    ${key}: 1\n`
  },
  {
    place: 'match',
    named: 'rule 1: match',
    keys: MATCH_KEYS,
    plan: (key) => `rules:\n  - match: { ${key}: x }\n`
  },
  {
    place: 'the top',
    named: '',
    keys: ['defaults', 'diffs', 'rules'],
    plan: (key) => `${key}: 1\ndiffs:\n  - ${ENTRY}\n`
  }
]

/** The plan's problems; anything thrown but a PlanError fails the test. */
function problemsOf(text: string): string[] {
  try {
    parsePlan(text, OPTIONS)
    return []
  } catch (error) {
    if (error instanceof PlanError) return error.problems
    throw error
  }
}

const key = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 20 }))

describe('a plan key', () => {
  it.each(PLACES)('under $place: Object.prototype names are unknown keys', ({ named, plan }) => {
    for (const name of PROTOTYPE_NAMES) {
      const where = named === '' ? '' : `${named}: `
      expect(problemsOf(plan(JSON.stringify(name)))).toContainEqual(
        expect.stringMatching(new RegExp(`^${escape(where + name)}: unknown key`))
      )
    }
  })

  it.each(PLACES)('under $place: any key is known, or an unknown key', ({ keys, plan }) => {
    fc.assert(
      fc.property(key, (name) => {
        const problems = problemsOf(plan(JSON.stringify(name)))
        if (!keys.includes(name)) {
          expect(problems.some((p) => p.includes(`${name}: unknown key`))).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe("a dbt model's meta", () => {
  it('takes any key under meta.datafold.datadiff and meta.datafold_diff_gate without a crash', () => {
    fc.assert(
      fc.property(key, (name) => {
        const problems: string[] = []
        modelSettings(
          node({
            meta: { datafold: { datadiff: { [name]: 1 } }, datafold_diff_gate: { [name]: 1 } }
          }),
          (field, problem) => problems.push(`${field}: ${problem}`)
        )
        if (!THRESHOLD_KEYS.includes(name as (typeof THRESHOLD_KEYS)[number])) {
          expect(problems).toContainEqual(
            expect.stringMatching(
              new RegExp(`^meta\\.datafold_diff_gate\\.${escape(name)}: unknown key`)
            )
          )
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe("a manifest's own names", () => {
  it.each(PROTOTYPE_NAMES)('adapter %s sends the names as written', (adapter) => {
    expect(tablePath(node({ name: 'orders' }), adapter)).toEqual(['analytics', 'prod', 'orders'])
  })

  it.each(PROTOTYPE_NAMES)('schema URL of kind %s is named as such', (kind) => {
    const metadata = { dbt_schema_version: `https://schemas.getdbt.com/dbt/${kind}/v1.json` }
    expect(() => manifestVersion('m.json', metadata)).toThrow(ManifestError)
    expect(() => manifestVersion('m.json', metadata)).toThrow(`a dbt ${kind} artifact`)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
