// The plan's part of a run, pure pieces: which PR and commit the placeholders and tags name, and
// what the created block keeps for the next run.
import { describe, expect, it } from '@jest/globals'
import type { PlannedOutcome } from '../../src/datafold/create-diffs.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import { readCreatedBlock } from '../../src/plan/created-block.js'
import { blockFor, planContext } from '../../src/run-plan.js'

const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const inputs = (prNumber = '') =>
  parseInputs({ ...empty, 'api-key': 'k', plan: 'diffs: []', 'pr-number': prNumber })

function io(eventName: string, payload: Record<string, unknown>, env: Record<string, string>) {
  return {
    github: { eventName, payload, owner: 'acme', repo: 'dbt', serverUrl: '', runId: '' },
    env,
    info: () => undefined,
    warning: () => undefined,
    createGitHubClient: () => Promise.reject(new Error('no GitHub here'))
  }
}

describe('planContext', () => {
  it('names the PR and its head commit, not the merge commit GITHUB_SHA names', () => {
    const context = planContext(
      inputs(),
      io(
        'pull_request',
        { pull_request: { number: 7, head: { sha: 'head' } } },
        { GITHUB_SHA: 'merge' }
      )
    )
    expect(context).toMatchObject({ pr: 7, sha: 'head' })
  })

  it('takes GITHUB_SHA on other events, and says why there is no PR', () => {
    const context = planContext(inputs(), io('push', {}, { GITHUB_SHA: 'pushed' }))
    expect(context).toMatchObject({ pr: null, sha: 'pushed' })
    expect(context.noPrReason).toContain('push')
  })

  it('takes the pr-number input when given', () => {
    expect(planContext(inputs('12'), io('push', {}, {})).pr).toBe(12)
  })
})

describe('blockFor', () => {
  const outcome = (entry: string, id: number | null): PlannedOutcome => ({
    entry,
    id,
    created: true,
    fingerprint: `f-${entry}`,
    error: id === null ? 'refused' : null
  })

  it("keeps this commit's diffs, less those not created and those cancelled", () => {
    const block = blockFor([outcome('a', 1), outcome('b', null), outcome('c', 3)], 'sha', [3])
    expect(readCreatedBlock(block)).toEqual([{ entry: 'a', fingerprint: 'f-a', sha: 'sha', id: 1 }])
  })

  it('keeps nothing without a commit to tie the diffs to', () => {
    expect(blockFor([outcome('a', 1)], null, [])).toBeNull()
  })
})
