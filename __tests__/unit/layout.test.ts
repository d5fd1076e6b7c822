// The shape of src/, as the owners' guide sets it: the flow runs one way, each layer importing
// only the earlier layers listed for it, no import cycle, and small modules. Read from the source
// itself, so a new import or a grown module fails here before review.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

const SRC = join(REPO_ROOT, 'src')
const MAX_LINES = 250
/** The input parser and the report document may be longer. */
const MAY_BE_LONGER = new Set(['inputs.ts', 'report/document.ts'])

/**
 * The layers of src/, in the order data moves through a run, and which modules each holds. The
 * adapters, `datafold/`, `github/` and `dbt-cloud/`, speak to the outside; every other layer is
 * pure.
 */
const LAYERS = {
  /** Words every layer uses. */
  vocabulary: (m: string) =>
    // What every client shares (Datafold's, dbt Cloud's): reading answers, retrying, the proxy.
    m.startsWith('http/') ||
    [
      'metric-spec.ts',
      'diff.ts',
      'limits.ts',
      'text.ts',
      'format.ts',
      'clock.ts',
      'redact.ts',
      'concurrency.ts',
      'glob.ts',
      'letter-case.ts',
      'github/comment-modes.ts'
    ].includes(m),
  /** What the report comment carries between runs: one owner. */
  'comment state': (m: string) => m === 'comment-state.ts' || m === 'comment-figures.ts',
  /** What the run was given: the inputs, the files they name, and the event's PR and commit. */
  inputs: (m: string) => ['inputs.ts', 'input-files.ts', 'pull-request.ts'].includes(m),
  /** The sources of diffs: ids, a plan, dbt manifests (from files, or from dbt Cloud). */
  sources: (m: string) => /^(sources|plan|dbt|dbt-cloud)\//.test(m),
  /** The adapter to Datafold: create or reuse, wait, read. */
  datafold: (m: string) => m.startsWith('datafold/'),
  normalised: (m: string) => m === 'normalise.ts' || m === 'results.ts',
  thresholds: (m: string) => m === 'thresholds.ts',
  report: (m: string) => m.startsWith('report/'),
  /** The adapter to GitHub: the thread, the comment, the client. */
  github: (m: string) => m.startsWith('github/'),
  publish: (m: string) => ['publish.ts', 'publish-gate.ts', 'outputs.ts'].includes(m),
  verdict: (m: string) => m === 'verdict.ts',
  /** They run the layers in order, so they may import any module; no layer imports them. */
  driver: (m: string) => ['index.ts', 'main.ts', 'run.ts', 'run-io.ts'].includes(m)
} as const

type Layer = keyof typeof LAYERS

/**
 * Which layers each layer may import besides its own: only layers before it, and of those only
 * the ones it needs. A new arrow between layers is a decision: it is made here, in review.
 */
const MAY_IMPORT: Record<Exclude<Layer, 'driver'>, readonly Layer[]> = {
  vocabulary: [],
  'comment state': ['vocabulary'],
  inputs: ['vocabulary'],
  sources: ['vocabulary', 'inputs'],
  datafold: ['vocabulary', 'comment state', 'sources'],
  normalised: ['vocabulary', 'sources', 'datafold'],
  thresholds: ['vocabulary', 'normalised'],
  report: ['vocabulary', 'comment state', 'sources', 'thresholds'],
  github: ['vocabulary', 'comment state', 'inputs', 'thresholds', 'report'],
  publish: ['vocabulary', 'comment state', 'inputs', 'thresholds', 'report', 'github'],
  verdict: ['vocabulary', 'thresholds', 'report']
}

const LAYER_ORDER = Object.keys(LAYERS) as Layer[]

function layerOf(module: string): Layer | null {
  return LAYER_ORDER.find((layer) => LAYERS[layer](module)) ?? null
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
    // On the real source: the action's dynamic import of the run, and the flow's last step.
    expect(IMPORTS.get('main.ts')).toContain('run.ts')
    expect(IMPORTS.get('run.ts')).toContain('verdict.ts')
  })

  it('imports only modules that exist', () => {
    const missing = MODULES.flatMap((m) =>
      (IMPORTS.get(m) ?? []).filter((target) => !SOURCES.has(target)).map((t) => `${m} → ${t}`)
    )
    expect(missing).toEqual([])
  })

  it('places every module in a layer', () => {
    expect(MODULES.filter((m) => layerOf(m) === null)).toEqual([])
  })

  it(`keeps every module to ${MAX_LINES} lines, but the input parser and the report document`, () => {
    const long = MODULES.filter((m) => !MAY_BE_LONGER.has(m)).flatMap((m) => {
      const lines = (SOURCES.get(m) ?? '').replace(/\n$/, '').split('\n').length
      return lines > MAX_LINES ? [`${m}: ${lines} lines`] : []
    })
    expect(long).toEqual([])
  })

  it('lets each layer import only earlier layers, and of those only the ones listed', () => {
    for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
      const at = LAYER_ORDER.indexOf(layer as Layer)
      expect([layer, allowed.filter((other) => LAYER_ORDER.indexOf(other) >= at)]).toEqual([
        layer,
        []
      ])
    }
    const wrong = MODULES.flatMap((m) => {
      const from = layerOf(m)
      if (from === null || from === 'driver') return []
      return (IMPORTS.get(m) ?? []).flatMap((target) => {
        const to = layerOf(target)
        if (to === null || to === from || MAY_IMPORT[from].includes(to)) return []
        return [`${m} (${from}) → ${target} (${to})`]
      })
    })
    expect(wrong).toEqual([])
  })

  it('holds the sources of diffs in one place: a source is one module, chosen in one list', () => {
    const chooser = SOURCES.get('sources/read-sources.ts') ?? ''
    const list = /const SOURCES[^=]*=\s*\[([^\]]*)\]/.exec(chooser)?.[1] ?? ''
    const chosen = list
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
    expect(chosen.length).toBeGreaterThanOrEqual(3)
    for (const name of chosen) {
      const module = MODULES.find(
        (m) =>
          m.startsWith('sources/') &&
          new RegExp(`export (async )?function ${name}\\b`).test(SOURCES.get(m) ?? '')
      )
      expect([name, module === undefined ? 'no module' : 'a module']).toEqual([name, 'a module'])
    }
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
