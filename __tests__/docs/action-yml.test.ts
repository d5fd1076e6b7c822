// action.yml is what GitHub reads: its inputs and outputs must be exactly the ones the code
// reads and writes, and its defaults must mean what the code does with an empty input.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import { OUTPUT_NAMES } from '../../src/outputs.js'

interface ActionYml {
  name: string
  description: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml

describe('action.yml', () => {
  it('has a name and a description the Marketplace takes (description under 125 characters)', () => {
    expect(action.name).toBeTruthy()
    expect(action.description.length).toBeGreaterThan(20)
    expect(action.description.length).toBeLessThan(125)
  })

  it('runs dist/index.js on node24, with branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding.icon).toBeTruthy()
    expect(action.branding.color).toBeTruthy()
  })

  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort())
  })

  it('declares exactly the outputs the code sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
  })

  it('describes every input and output, in kebab-case', () => {
    for (const [name, spec] of [
      ...Object.entries(action.inputs),
      ...Object.entries(action.outputs)
    ]) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/)
      expect(spec.description.length).toBeGreaterThan(10)
    }
  })

  it('requires no input by itself: diff-ids, plan or plan-file, one at least, is checked in code', () => {
    const required = Object.entries(action.inputs).filter(([, spec]) => spec.required === true)
    expect(required.map(([name]) => name)).toEqual([])
  })

  it('has defaults that parse to what the code does with an empty input', () => {
    const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
    const base = { ...empty, 'diff-ids': '1', 'api-key': 'key-1234' }
    const fromDefaults = Object.fromEntries(
      INPUT_NAMES.map((name) => [name, action.inputs[name]?.default ?? ''])
    ) as RawInputs
    // GitHub fills in the github-token expression; the code treats the token as given.
    const withYmlDefaults = parseInputs({
      ...fromDefaults,
      'diff-ids': '1',
      'api-key': 'key-1234',
      'github-token': ''
    })
    expect(withYmlDefaults).toEqual(parseInputs(base))
    expect(action.inputs['github-token']?.default).toBe('${{ github.token }}')
  })
})
