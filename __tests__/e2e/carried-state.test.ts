// What the report comment carries between runs, on the bundle against the fakes: a plan of
// thousands of entries leaves one comment GitHub accepts, with the verdict and the problems in it,
// and a re-run for the same commit reuses every diff; an older run whose listing GitHub answers
// late leaves the newer run's report; a diff that failed with a retryable error is created again
// rather than reused; and a comment GitHub refuses fails the step, saying so everywhere.
import { describe, expect, it } from '@jest/globals'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { failedSummary, sameDbDone } from '../../__fixtures__/diffs.js'
import type { CreateScript } from '../../__fixtures__/fake-datafold.js'
import {
  commentRefused,
  MAX_COMMENT_LENGTH,
  reportMarker,
  type RecordedGitHubRequest
} from '../../__fixtures__/fake-github.js'
import { firstError } from '../../__fixtures__/harness.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { creates, planRun } from '../../__fixtures__/plan-run.js'

/** The token of workflow run `runId`; the secret sweep knows each. */
const tokenOf = (runId: number) => `ghs_e2e_state_run_${String(runId)}_0123456789`

const harness = sweptHarness(
  suiteSecrets(
    'state',
    [1_000, 1_001, 1_002].map((id) => tokenOf(id))
  )
)

/** Every created diff changed 250 of its 125 430 rows: 0.2%. */
const CHANGED_250: CreateScript['summary'] = (_body, id) =>
  sameDbDone({ id, differences: { amount: 250 } })

const start = (create: CreateScript = {}) =>
  harness.start({
    scenarios: {},
    datafold: { dataSources: dataSources(), create: { polls: 0, summary: CHANGED_250, ...create } }
  })

/** `count` entries; every 1,000th (and the 7th) holds its diff to 100 changed rows, so it fails. */
function manyEntries(count: number): string {
  const entries = Array.from({ length: count }, (_, i) => {
    const limit = i % 1_000 === 6 ? '\n    max-rows-changed: 100' : ''
    return `  - name: model_${i}\n    table-a: analytics.prod.model_${i}\n    table-b: analytics.pr.model_${i}${limit}`
  })
  return `defaults:\n  primary-key: id\ndiffs:\n${entries.join('\n')}\n`
}

describe('the carried state on the bundle', () => {
  it.each([1_200, 5_000])(
    'a plan of %i entries: one comment GitHub accepts, with the verdict and every breach; a re-run reuses every diff',
    async (count) => {
      const fakes = await start()
      const { datafold, github } = fakes
      const plan = manyEntries(count)
      const failing = Math.ceil(count / 1_000)

      const first = await fakes.run('', { ...planRun(harness, github, plan), timeoutMs: 900_000 })

      expect(creates(datafold)).toHaveLength(count)
      expect(first.code).toBe(1)
      const [comment, ...others] = github.commentsOn()
      expect(others).toEqual([])
      const body = comment?.body ?? ''
      expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH)
      expect(body).toContain(
        `\n### ❌ ${failing} of ${count.toLocaleString('en-US')} tables over their limits\n`
      )
      // Every breach's row, and why it is one.
      for (let i = 6; i < count; i += 1_000) {
        expect(body).toMatch(new RegExp(`\\| ❌ \\[model_(<wbr>)?${i}\\]`))
        expect(body).toMatch(
          new RegExp(`<summary>❌ model_${i}: over its limit on rows changed</summary>`)
        )
      }
      expect(body).not.toContain('could not be remembered')

      const again = await fakes.run('', { ...planRun(harness, github, plan), timeoutMs: 900_000 })

      expect(creates(datafold)).toHaveLength(count)
      expect(again.outputs['created-diff-ids']).toBe('')
      expect(again.outputs['diff-ids']).toBe(first.outputs['diff-ids'])
      expect(again.outputs['breach-count']).toBe(String(failing))
      expect(github.commentsOn()).toHaveLength(1)
    },
    1_800_000
  )

  it("an older run whose listing GitHub answers late leaves the newer run's report", async () => {
    const fakes = await harness.start({
      // Each run has a token of its own, so that every request tells which run sent it.
      github: { token: undefined }
    })
    const { github } = fakes
    const runOf = (runId: number) => ({
      inputs: { 'github-token': tokenOf(runId) },
      env: { GITHUB_RUN_ID: String(runId) }
    })
    const byRun = (runId: number) => (r: RecordedGitHubRequest) =>
      r.headers.authorization === `token ${tokenOf(runId)}`
    // Run 1000's report is on the PR when the two others start.
    await fakes.run('101', runOf(1_000))
    const [report] = github.commentsOn()
    // Run 1001 lists the comments before it writes, and GitHub answers that listing only after
    // run 1002 has written its report.
    const release = github.holdAnswers((r) => byRun(1_001)(r) && r.path.includes('?'))

    const older = fakes.run('101', runOf(1_001))
    await until(() => github.requests.some(byRun(1_001)))
    const newer = await fakes.run('101', runOf(1_002))
    expect(newer.stdout).toContain('Comment updated')
    release()
    const olderRun = await older

    const [left, ...more] = github.commentsOn()
    expect(more).toEqual([])
    expect(left?.id).toBe(report?.id)
    expect(left?.body.startsWith(reportMarker())).toBe(true)
    expect(left?.body).toContain('"runId":1002')
    expect(olderRun.stdout).toContain('was written by a newer run (run 1002')
    expect(github.requests.filter((r) => byRun(1_001)(r) && r.method !== 'GET')).toEqual([])
  }, 180_000)

  it.each([
    [true, 'a re-run creates it again', 2],
    [false, 'a re-run reuses it', 1]
  ])(
    'a diff that failed with is_retryable %s: %s',
    async (retryable, _what, createdInAll) => {
      const fakes = await start({
        summary: () => failedSummary({ error_type: 'ConnectionError', is_retryable: retryable })
      })
      const { datafold, github } = fakes
      const plan = manyEntries(1)

      const first = await fakes.run('', planRun(harness, github, plan))

      expect(first.outputs.result).toBe('error')
      const advice =
        'Datafold says the error is retryable: re-running this job creates the diff again'
      if (retryable) expect(github.commentsOn()[0]?.body).toContain(advice)
      else expect(github.commentsOn()[0]?.body).not.toContain('re-running this job')

      await fakes.run('', planRun(harness, github, plan))
      expect(creates(datafold)).toHaveLength(createdInAll)
    },
    120_000
  )

  it('a comment GitHub refuses fails the step: the log, the job summary and the outputs say so', async () => {
    const fakes = await start()
    const { github } = fakes
    github.failWrites(1, commentRefused(), 'POST')

    const run = await fakes.run('', planRun(harness, github, manyEntries(2)))

    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['comment-error']).toContain('GitHub refused the report comment')
    expect(firstError(run)).toContain('GitHub refused the report comment')
    expect(run.summary).toContain('> [!CAUTION]\n> GitHub refused the report comment')
    expect(github.commentsOn()).toEqual([])
  }, 120_000)
})

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}
