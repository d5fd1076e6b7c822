// The plan's inputs: `plan` (inline YAML), `plan-file` and `data-source`, and diff-ids beside
// them: at least one of diff-ids, plan and plan-file.
import { describe, expect, it } from '@jest/globals'
import { inputProblems } from '../../__fixtures__/input-problems.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'

const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const base: RawInputs = { ...empty, 'api-key': 'dfkey-123' }

function problemsOf(overrides: Partial<RawInputs>): string[] {
  return inputProblems(() => parseInputs({ ...base, ...overrides }))
}

describe('plan inputs', () => {
  it('takes an inline plan as written, its indentation kept', () => {
    const text = 'diffs:\n  - name: orders\n'
    expect(parseInputs({ ...base, plan: text }).plan).toEqual({ input: 'plan', text })
  })

  it('takes a plan file of the repository', () => {
    expect(parseInputs({ ...base, 'plan-file': ' .github/datafold-plan.yml ' }).plan).toEqual({
      input: 'plan-file',
      path: '.github/datafold-plan.yml'
    })
  })

  it('gates given diff ids beside a plan, and needs neither alone', () => {
    const inputs = parseInputs({ ...base, 'diff-ids': '5, 6', 'plan-file': 'plan.yml' })
    expect(inputs.diffIds).toEqual([5, 6])
    expect(parseInputs({ ...base, 'plan-file': 'plan.yml' }).diffIds).toEqual([])
  })

  it('keeps the data-source input for entries that name none', () => {
    expect(parseInputs({ ...base, plan: 'x', 'data-source': ' warehouse ' }).dataSource).toBe(
      'warehouse'
    )
  })

  it.each([
    [
      {},
      'diff-ids: at least one diff ID is required, or a plan (plan or plan-file), or dbt-prod-manifest, or dbt-cloud-token (got "")'
    ],
    [{ plan: 'diffs: []', 'plan-file': 'p.yml' }, 'plan, plan-file: give one of them, not both'],
    [{ 'plan-file': '../secrets.yml' }, 'plan-file: give a path inside the repository'],
    [{ 'plan-file': '/etc/passwd' }, 'plan-file: give a path inside the repository'],
    [{ 'plan-file': 'a/../../b.yml' }, 'plan-file: give a path inside the repository']
  ])('refuses %j', (overrides, problem) => {
    expect(problemsOf(overrides)).toEqual(
      expect.arrayContaining([expect.stringContaining(problem)])
    )
  })
})
