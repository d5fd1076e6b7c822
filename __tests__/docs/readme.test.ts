// The README is what a team copies from: its input and output tables must say what action.yml
// says, and every workflow snippet must parse and use only inputs the action has.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { parse, parseDocument } from 'yaml'
import { yamlBlocks } from '../../__fixtures__/readme-run.js'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const ACTION = 'datafold-diff-gate/datafold-diff-gate'
const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')

/** The lines of one `## ` section, without its heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  if (start === -1) throw new Error(`README has no "## ${heading}" section`)
  const rest = markdown.slice(start + heading.length + 5)
  const end = rest.search(/^## /m)
  return end === -1 ? rest : rest.slice(0, end)
}

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

function readmeInputs(markdown: string): Map<string, string> {
  const rows = tableRows(section(markdown, 'Inputs'), 'input')
  return new Map(rows.map(([name = '', fallback = '']) => [codeName(name), fallback]))
}

function readmeOutputs(markdown: string): string[] {
  return tableRows(section(markdown, 'Outputs'), 'output').map(([name = '']) => codeName(name))
}

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

describe('README inputs table', () => {
  const inputs = readmeInputs(readme)

  it('lists exactly the inputs action.yml declares, each once', () => {
    const rows = tableRows(section(readme, 'Inputs'), 'input')
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
    expect(section(readme, 'Inputs')).toContain(
      '| input | default | meaning |\n| --- | --- | --- |'
    )
  })
})

describe('README outputs table', () => {
  it('lists exactly the outputs action.yml declares, each once', () => {
    const outputs = readmeOutputs(readme)
    expect(outputs.length).toBe(new Set(outputs).size)
    expect([...outputs].sort()).toEqual(Object.keys(action.outputs).sort())
    expect(section(readme, 'Outputs')).toContain('| output | meaning |\n| --- | --- |')
  })
})

describe('README yaml snippets', () => {
  const blocks = yamlBlocks(readme)

  it('all parse', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8)
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

describe('README', () => {
  it('keeps the section an error message in src/github/errors.ts points to', () => {
    expect(readme).toContain('\n## Fork pull requests and permissions\n')
    expect(readFileSync('src/github/errors.ts', 'utf8')).toContain(
      'README section "Fork pull requests and permissions"'
    )
  })

  it('links only to headings and files that exist', () => {
    const headings = new Set(
      [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchor(match[1] ?? ''))
    )
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '')
    const broken = links.filter((link) =>
      link.startsWith('#')
        ? !headings.has(link.slice(1))
        : !/^https?:/.test(link) && !existsSync(link)
    )
    expect(broken).toEqual([])
  })

  it('keeps the Development commands', () => {
    const development = section(readme, 'Development')
    expect(development).toContain('npm ci && npm run demo ')
    expect(development).toContain('npm run check ')
  })
})
