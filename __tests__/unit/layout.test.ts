// The shape of src/, as the owners' guide sets it: the flow runs one way (no import from an
// earlier step to a later one), no import cycle, and small modules. Read from the source itself,
// so a new import or a grown module fails here before review.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

const SRC = join(REPO_ROOT, 'src')
const MAX_LINES = 250
/** The input parser and the report document may be longer. */
const MAY_BE_LONGER = new Set(['inputs.ts', 'report/document.ts'])

/** The flow's steps in order; a module may import its own step's and earlier steps' modules. */
const STEPS: { step: string; modules: (module: string) => boolean }[] = [
  { step: 'inputs', modules: (m) => m === 'inputs.ts' },
  // The plan, from a plan file or from dbt's manifests (read from files, or from dbt Cloud).
  {
    step: 'plan',
    modules: (m) => m.startsWith('plan/') || m.startsWith('dbt/') || m.startsWith('dbt-cloud/')
  },
  // create, wait, read
  { step: 'Datafold', modules: (m) => m.startsWith('datafold/') },
  { step: 'normalised summary', modules: (m) => m === 'normalise.ts' },
  { step: 'thresholds', modules: (m) => m === 'thresholds.ts' },
  { step: 'report', modules: (m) => m.startsWith('report/') },
  {
    step: 'publish',
    modules: (m) => m.startsWith('github/') || m === 'outputs.ts' || m === 'publish.ts'
  },
  { step: 'verdict', modules: (m) => m === 'verdict.ts' }
]

/** Words every step uses; they import nothing but one another. */
const VOCABULARY = new Set([
  'metric-spec.ts',
  'diff.ts',
  'limits.ts',
  'text.ts',
  'format.ts',
  'clock.ts',
  'redact.ts',
  'concurrency.ts',
  // Reading answers and retrying requests, for every client.
  'http/body.ts',
  'http/retry.ts',
  'github/comment-modes.ts'
])

/** Not steps: they run the steps in order, so they may import any module; no step imports them. */
const DRIVERS = new Set(['index.ts', 'run.ts', 'run-io.ts', 'run-plan.ts', 'run-dbt.ts'])

type Place = { kind: 'vocabulary' } | { kind: 'driver' } | { kind: 'step'; index: number }

function placeOf(module: string): Place | null {
  if (VOCABULARY.has(module)) return { kind: 'vocabulary' }
  if (DRIVERS.has(module)) return { kind: 'driver' }
  const index = STEPS.findIndex(({ modules }) => modules(module))
  return index === -1 ? null : { kind: 'step', index }
}

function modulesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return modulesIn(path)
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : []
  })
}

/** Every module of src/ another module imports, static (`import … from`, `export … from`,
 * `import '…'`) or dynamic (`import('…')`); type-only imports count too. */
function importsOf(module: string, source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*'([^']+)'/gm),
    ...source.matchAll(/^\s*import\s*'([^']+)'/gm),
    ...source.matchAll(/\bimport\(\s*(?:\/\*[^*]*\*\/\s*)?'([^']+)'\s*\)/g)
  ].map((match) => match[1] ?? '')
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) =>
      posix.normalize(posix.join(posix.dirname(module), specifier)).replace(/\.js$/, '.ts')
    )
}

const MODULES = modulesIn(SRC).sort()
const SOURCES = new Map(MODULES.map((m) => [m, readFileSync(join(SRC, m), 'utf8')]))
const IMPORTS = new Map(MODULES.map((m) => [m, [...new Set(importsOf(m, SOURCES.get(m) ?? ''))]]))

describe('the layout of src/', () => {
  it('reads static, type-only, re-exported and dynamic imports', () => {
    expect(importsOf('a/b.ts', "import {\n  x,\n  type Y\n} from '../c.js'\n")).toEqual(['c.ts'])
    expect(importsOf('b.ts', "import type { Y } from './d/e.js'\n")).toEqual(['d/e.ts'])
    expect(importsOf('b.ts', "export { x } from './c.js'\n")).toEqual(['c.ts'])
    expect(importsOf('b.ts', 'await import(/* webpackChunkName: "run" */ \'./run.js\')')).toEqual([
      'run.ts'
    ])
    expect(importsOf('b.ts', "import { z } from 'zod'\n")).toEqual([])
    // On the real source: the entry point's dynamic import, and the flow's last step.
    expect(IMPORTS.get('index.ts')).toContain('run.ts')
    expect(IMPORTS.get('run.ts')).toContain('verdict.ts')
  })

  it('imports only modules that exist', () => {
    const missing = MODULES.flatMap((m) =>
      (IMPORTS.get(m) ?? []).filter((target) => !SOURCES.has(target)).map((t) => `${m} → ${t}`)
    )
    expect(missing).toEqual([])
  })

  it('places every module in a step, the vocabulary, or among the drivers', () => {
    expect(MODULES.filter((m) => placeOf(m) === null)).toEqual([])
  })

  it(`keeps every module to ${MAX_LINES} lines, but the input parser and the report document`, () => {
    const long = MODULES.filter((m) => !MAY_BE_LONGER.has(m)).flatMap((m) => {
      const lines = (SOURCES.get(m) ?? '').replace(/\n$/, '').split('\n').length
      return lines > MAX_LINES ? [`${m}: ${lines} lines`] : []
    })
    expect(long).toEqual([])
  })

  it('has no import from an earlier step to a later one, nor from a step to a driver', () => {
    const wrong = MODULES.flatMap((m) => {
      const from = placeOf(m)
      if (from === null || from.kind === 'driver') return []
      return (IMPORTS.get(m) ?? []).flatMap((target) => {
        const to = placeOf(target)
        if (to === null || to.kind === 'vocabulary') return []
        if (from.kind === 'vocabulary') return [`${m} (vocabulary) → ${target}`]
        if (to.kind === 'driver') return [`${m} → ${target} (driver)`]
        if (to.index <= from.index) return []
        const [fromStep, toStep] = [STEPS[from.index]?.step, STEPS[to.index]?.step]
        return [`${m} (${fromStep}) → ${target} (${toStep})`]
      })
    })
    expect(wrong).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const done = new Set<string>()
    const visit = (module: string, path: string[]): void => {
      const at = path.indexOf(module)
      if (at !== -1) {
        cycles.push([...path.slice(at), module].join(' → '))
        return
      }
      if (done.has(module)) return
      for (const target of IMPORTS.get(module) ?? []) visit(target, [...path, module])
      done.add(module)
    }
    for (const module of MODULES) visit(module, [])
    expect(cycles).toEqual([])
  })
})
