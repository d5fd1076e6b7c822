// The README and docs/ are what a team copies from: the reference's input and output tables (and
// the README's short one) must say what action.yml says, every workflow snippet must parse and use
// only inputs the action has, every link must lead somewhere, and the README must stay short.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse, parseDocument } from 'yaml'
import { docSection, yamlBlocks } from '../../__fixtures__/readme-run.js'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const ACTION = 'datafold-diff-gate/datafold-diff-gate'
const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')
const REFERENCE = 'docs/reference.md'
/** The README and every page of docs/, by path. */
const PAGES = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
]
const MAX_README_LINES = 300

/** The body rows of the first table in `text` whose header starts with `firstColumn`, as cells. */
function tableRows(text: string, firstColumn: string): string[][] {
  const lines = text.split('\n')
  const header = lines.findIndex((line) => line.startsWith(`| ${firstColumn} |`))
  if (header === -1) throw new Error(`no table with a "${firstColumn}" column`)
  const rows: string[][] = []
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split('|')
        .map((cell) => cell.trim())
    )
  }
  return rows
}

/** `` `diff-ids` `` → `diff-ids`; a name cell must be exactly one code span. */
function codeName(cell: string): string {
  const match = /^`([^`]+)`$/.exec(cell)
  if (!match?.[1]) throw new Error(`expected a \`name\` cell, got "${cell}"`)
  return match[1]
}

function referenceInputs(): Map<string, string> {
  const rows = tableRows(docSection(REFERENCE, 'Inputs'), 'input')
  return new Map(rows.map(([name = '', fallback = '']) => [codeName(name), fallback]))
}

function referenceOutputs(): string[] {
  return tableRows(docSection(REFERENCE, 'Outputs'), 'output').map(([name = '']) => codeName(name))
}

/** `` `a`, `b` `` → `a`, `b`: a name cell of the README's short tables may group several. */
const codeNames = (cell: string): string[] => cell.split(', ').map(codeName)

/** Every mapping in a parsed YAML value whose `uses:` names this action. */
function actionSteps(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(actionSteps)
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  const own =
    typeof record.uses === 'string' && record.uses.startsWith(`${ACTION}@`) ? [record] : []
  return [...own, ...Object.values(record).flatMap(actionSteps)]
}

/**
 * What the README's default column may say for an input, given action.yml: `(required)` for a
 * required input; for an empty default `(none)`, or where the value comes from instead (an
 * environment variable the action.yml description also names, or the event); else the literal
 * default, exactly.
 */
function defaultProblem(
  name: string,
  spec: ActionYml['inputs'][string],
  cell: string
): string | null {
  if (spec.required === true) {
    return cell === '(required)' ? null : `${name} is required: the README should say (required)`
  }
  if (cell === '(required)') return `${name} is not required in action.yml`
  const literal = spec.default ?? ''
  if (literal === '') {
    if (cell === '(none)' || cell === '(from the event)') return null
    const envs = [...cell.matchAll(/env `([A-Z0-9_]+)`/g)].map((match) => match[1] ?? '')
    if (envs.length === 0) {
      return `${name} has no default in action.yml, but the README says "${cell}"`
    }
    const missing = envs.filter((env) => !spec.description.includes(env))
    return missing.length === 0
      ? null
      : `${name}: the README names ${missing.join(', ')}, which action.yml does not mention`
  }
  const shown = /^`([^`]+)`$/.exec(cell)?.[1] ?? cell
  return shown === literal ? null : `${name}: action.yml default "${literal}", README "${cell}"`
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

describe('the reference inputs table', () => {
  const inputs = referenceInputs()

  it('lists exactly the inputs action.yml declares, each once', () => {
    const rows = tableRows(docSection(REFERENCE, 'Inputs'), 'input')
    expect(rows.length).toBe(inputs.size)
    expect([...inputs.keys()].sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it('shows each default as action.yml has it', () => {
    const problems = Object.entries(action.inputs).map(([name, spec]) =>
      defaultProblem(name, spec, inputs.get(name) ?? '(missing)')
    )
    expect(problems.filter(Boolean)).toEqual([])
  })

  it('has the format | input | default | meaning |', () => {
    expect(docSection(REFERENCE, 'Inputs')).toContain(
      '| input | default | meaning |\n| --- | --- | --- |'
    )
  })
})

describe('the reference outputs table', () => {
  it('lists exactly the outputs action.yml declares, each once', () => {
    const outputs = referenceOutputs()
    expect(outputs.length).toBe(new Set(outputs).size)
    expect([...outputs].sort()).toEqual(Object.keys(action.outputs).sort())
    expect(docSection(REFERENCE, 'Outputs')).toContain('| output | meaning |\n| --- | --- |')
  })
})

describe("the README's inputs and outputs", () => {
  const text = docSection('README.md', 'Inputs and outputs')

  it('names only inputs action.yml declares, each default as action.yml has it', () => {
    const rows = tableRows(text, 'input')
    expect(rows.length).toBeGreaterThanOrEqual(8)
    const problems = rows.flatMap(([names = '', fallback = '']) =>
      codeNames(names).map((name) => {
        const spec = action.inputs[name]
        return spec ? defaultProblem(name, spec, fallback) : `${name} is no input of action.yml`
      })
    )
    expect(problems.filter(Boolean)).toEqual([])
  })

  it('names only outputs action.yml declares, and links to the full reference', () => {
    const outputs = tableRows(text, 'output').flatMap(([names = '']) => codeNames(names))
    expect(outputs.filter((name) => !(name in action.outputs))).toEqual([])
    expect(outputs).toContain('result')
    expect(text).toContain('](docs/reference.md)')
  })
})

describe('the yaml snippets of the README and docs/', () => {
  const blocks = PAGES.flatMap((page) => yamlBlocks(readFileSync(page, 'utf8')))

  it('all parse', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(16)
    for (const block of blocks) {
      const document = parseDocument(block)
      expect({ block, errors: document.errors.map((error) => error.message) }).toEqual({
        block,
        errors: []
      })
    }
  })

  it('use the action at @v1, with diff-ids, a plan, dbt mode or dbt Cloud mode, and only inputs action.yml declares', () => {
    const steps = blocks.flatMap((block) => actionSteps(parse(block)))
    expect(steps.length).toBeGreaterThanOrEqual(8)
    const declared = new Set(Object.keys(action.inputs))
    for (const step of steps) {
      expect(step.uses).toBe(`${ACTION}@v1`)
      const keys = Object.keys(step.with ?? {})
      expect({ uses: step.uses, unknown: keys.filter((key) => !declared.has(key)) }).toEqual({
        uses: step.uses,
        unknown: []
      })
      const sources = ['diff-ids', 'plan', 'plan-file', 'dbt-prod-manifest', 'dbt-cloud-token']
      expect(keys.filter((key) => sources.includes(key))).not.toEqual([])
    }
  })
})

/** Every heading anchor of a markdown page, as GitHub makes them (a repeated one gets -1, -2…). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const found = new Set<string>()
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '')
  for (const match of prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = anchor(match[1] ?? '')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    found.add(count === 0 ? slug : `${slug}-${String(count)}`)
  }
  return found
}

/** The relative links of a page that lead nowhere: no such file, or no such heading in it. */
function brokenLinks(page: string, markdown = readFileSync(page, 'utf8')): string[] {
  const text = markdown.replace(/^```[\s\S]*?^```$/gm, '')
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '')
  return links.filter((link) => {
    if (/^[a-z]+:/.test(link)) return false
    const [path = '', hash] = link.split('#')
    const target = path === '' ? null : join(dirname(page), path)
    if (target !== null && !existsSync(target)) return true
    const headings = anchors(target === null ? markdown : readFileSync(target, 'utf8'))
    return hash !== undefined && !headings.has(hash)
  })
}

describe('README', () => {
  it(`stays at most ${String(MAX_README_LINES)} lines: the rest is in docs/`, () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(MAX_README_LINES)
  })

  it('keeps the section an error message in src/github/errors.ts points to', () => {
    expect(readme).toContain('\n## Fork pull requests and permissions\n')
    expect(readFileSync('src/github/errors.ts', 'utf8')).toContain(
      'README section "Fork pull requests and permissions"'
    )
  })

  it.each(PAGES)('%s links only to files and headings that exist', (page) => {
    expect(brokenLinks(page)).toEqual([])
  })

  it('finds a broken link when there is one', () => {
    const text = [
      '# Page\n\n## Two words\n',
      '[ok](#two-words) [ok](reference.md#inputs) [ok](../README.md#development) [ok](https://x.y/#z)',
      '[no file](nowhere.md) [no heading](reference.md#nowhere) [no anchor](#page-1)',
      '```\n# not a heading\n[not a link](nowhere-either.md)\n```\n'
    ].join('\n')
    expect(brokenLinks('docs/page.md', text)).toEqual([
      'nowhere.md',
      'reference.md#nowhere',
      '#page-1'
    ])
    expect(anchors('# A\n## A\n')).toEqual(new Set(['a', 'a-1']))
  })

  it('links every page of docs/ from the README or another page', () => {
    const linked = new Set(
      PAGES.flatMap((page) =>
        [...readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)].map((m) =>
          join(dirname(page), m[1] ?? '')
        )
      )
    )
    expect(PAGES.filter((page) => page !== 'README.md' && !linked.has(page))).toEqual([])
  })

  it('keeps the Development commands', () => {
    const development = docSection('README.md', 'Development')
    expect(development).toContain('npm ci && npm run demo ')
    expect(development).toContain('npm run check ')
  })
})
