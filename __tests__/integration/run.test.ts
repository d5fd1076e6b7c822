// run() end to end inside the process: nock plays Datafold and GitHub, a recording RunIO plays
// the runner. Assertions are on what was sent and what was written.
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { diffRecord, failedSummary, sameDbDone } from '../../__fixtures__/diffs.js'
import { createGitHubClient } from '../../src/github/octokit.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import type { GitHubContext } from '../../src/github/context.js'
import type { RunIO } from '../../src/run-io.js'
import { run } from '../../src/run.js'

const DATAFOLD = 'https://app.datafold.com'
const GITHUB = 'https://api.github.com'
const API_KEY = 'dfk_SECRET_4b1d'
const TOKEN = 'ghs_TOKEN_9c2e'
const MARKER = '<!-- datafold-diff-gate:default -->'

interface Recorded {
  info: string[]
  warnings: string[]
  annotations: string[]
  outputs: Record<string, string>
  failed: string | null
  /** Whether the failure message was written as an error annotation. */
  failureAnnotated: boolean | null
  summary: string
  reports: Record<string, string>
}

/** What a run that wrote nothing leaves. */
const nothingWritten = (): Recorded => ({
  info: [],
  warnings: [],
  annotations: [],
  outputs: {},
  failed: null,
  failureAnnotated: null,
  summary: '',
  reports: {}
})

function recordingIO(github: Partial<GitHubContext> = {}): { io: RunIO; seen: Recorded } {
  const seen = nothingWritten()
  const io: RunIO = {
    info: (m) => seen.info.push(m),
    warning: (m) => seen.warnings.push(m),
    annotate: (m) => seen.annotations.push(m),
    setOutput: (name, value) => {
      seen.outputs[name] = value
    },
    setFailed: (m, options) => {
      seen.failed = m
      seen.failureAnnotated = options?.annotate ?? true
    },
    appendSummary: async (md) => {
      seen.summary += md
      await Promise.resolve()
    },
    writeReport: async (name, md) => {
      seen.reports[name] = md
      await Promise.resolve()
      return `/runner/temp/${name}`
    },
    fetch: globalThis.fetch,
    createGitHubClient: (token) =>
      createGitHubClient(token, { baseUrl: GITHUB, fetch: globalThis.fetch, pacing: 'none' }),
    github: {
      eventName: 'pull_request',
      payload: { pull_request: { number: 42 } },
      owner: 'acme',
      repo: 'warehouse',
      serverUrl: 'https://github.com',
      runId: '555',
      ...github
    },
    sleep: async () => {
      await Promise.resolve()
    }
  }
  return { io, seen }
}

function inputs(overrides: Partial<RawInputs> = {}) {
  const raw = Object.fromEntries(INPUT_NAMES.map((n) => [n, ''])) as RawInputs
  return parseInputs({
    ...raw,
    'diff-ids': '12',
    'api-key': API_KEY,
    'github-token': TOKEN,
    ...overrides
  })
}

/** A finished diff of 10,000 rows: `removed` of them gone, `changed` with another amount. */
function doneBody(removed: number, changed: number) {
  return sameDbDone({ rowsA: 10_000, removed, differences: { amount: changed } })
}

function datafoldDiff(id: number, body: object) {
  const scope = nock(DATAFOLD, { reqheaders: { authorization: `Key ${API_KEY}` } })
  scope.get(`/api/v1/datadiffs/${id}/summary_results`).reply(200, body)
  scope.get(`/api/v1/datadiffs/${id}`).reply(
    200,
    diffRecord({
      id,
      table1: ['analytics', 'prod', `model_${id}`],
      table2: ['analytics', 'pr_42', `model_${id}`]
    })
  )
  return scope
}

/** The PR's comments answer empty, before and after the one posted, which is kept. */
function commentOnce(): { body: () => string; scope: nock.Scope } {
  let posted = ''
  const scope = nock(GITHUB)
    .get('/repos/acme/warehouse/issues/42/comments')
    .query(true)
    .reply(200, [])
    .post('/repos/acme/warehouse/issues/42/comments', (body: { body: string }) => {
      posted = body.body
      return true
    })
    .reply(201, {
      id: 901,
      html_url: 'https://github.com/acme/warehouse/pull/42#issuecomment-901',
      body: '',
      user: { login: 'github-actions[bot]', type: 'Bot' }
    })
    // One more look after creating, for a concurrent run's comment: only this run's.
    .get('/repos/acme/warehouse/issues/42/comments')
    .query(true)
    .reply(200, () => [
      {
        id: 901,
        html_url: 'https://github.com/acme/warehouse/pull/42#issuecomment-901',
        body: posted,
        user: { login: 'github-actions[bot]', type: 'Bot' }
      }
    ])
  return { body: () => posted, scope }
}

beforeEach(() => {
  nock.disableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
  nock.enableNetConnect()
})

// Hands Node's http back: the next file's nock patches it afresh (jest runs files in one process).
afterAll(() => {
  nock.restore()
})

describe('run', () => {
  it('passes, creates the comment, writes the summary, the report and every output', async () => {
    datafoldDiff(12, doneBody(0, 0))
    const comment = commentOnce()
    const { io, seen } = recordingIO()
    const evaluation = await run(inputs({ 'max-rows-removed': '0' }), io)

    expect(evaluation?.result).toBe('pass')
    expect(seen.failed).toBeNull()
    expect(comment.scope.isDone()).toBe(true)
    expect(comment.body().startsWith(MARKER)).toBe(true)
    expect(comment.body()).toContain('analytics.prod.model_12')
    expect(seen.summary).toContain('analytics.prod.model_12')
    expect(seen.reports['datafold-diff-gate-default.md']).toBe(seen.summary)
    expect(seen.outputs).toMatchObject({
      result: 'pass',
      'breach-count': '0',
      breaches: '[]',
      'rows-removed': '0',
      'report-path': '/runner/temp/datafold-diff-gate-default.md',
      'comment-id': '901',
      'comment-url': 'https://github.com/acme/warehouse/pull/42#issuecomment-901'
    })
  })

  it('fails after publishing when a threshold is exceeded: an annotation per breach, and a failure that counts them without a second annotation', async () => {
    datafoldDiff(12, doneBody(3, 250))
    const { io, seen } = recordingIO()
    await run(
      inputs({ 'max-rows-removed': '0', 'max-rows-changed': '1%', 'comment-mode': 'off' }),
      io
    )

    expect(seen.outputs.result).toBe('fail')
    expect(seen.outputs['breach-count']).toBe('2')
    expect(seen.annotations).toEqual([
      'diff 12 (analytics.prod.model_12): rows-removed 3 (0.03%) > max 0',
      'diff 12 (analytics.prod.model_12): rows-changed 250 (2.50%) > max 1%'
    ])
    expect(seen.failed).toBe(
      "2 thresholds exceeded: this step's error annotations name each, and the report is in the job summary"
    )
    expect(seen.failureAnnotated).toBe(false)
    expect(seen.summary).toContain('❌')
  })

  it('annotates the failure when it says more than the breaches: a diff that could not be checked', async () => {
    datafoldDiff(12, doneBody(3, 0))
    datafoldDiff(
      13,
      failedSummary({ error_type: 'QueryError', error_value: 'relation does not exist' })
    )
    const { io, seen } = recordingIO()
    await run(inputs({ 'diff-ids': '12,13', 'max-rows-removed': '0', 'comment-mode': 'off' }), io)
    expect(seen.annotations).toHaveLength(1)
    expect(seen.failed).toMatch(
      /^1 threshold exceeded: .*\n1 diff could not be checked:\n {2}diff 13 /
    )
    expect(seen.failureAnnotated).toBe(true)
  })

  it.each([
    ['true', 'true', 'failed'],
    ['false', 'true', null],
    ['true', 'false', 'failed'],
    ['false', 'false', null]
  ])(
    'a breach with fail-on-breach %s and fail-on-error %s → %s',
    async (failOnBreach, failOnError, expected) => {
      datafoldDiff(12, doneBody(3, 0))
      const { io, seen } = recordingIO()
      await run(
        inputs({
          'max-rows-removed': '0',
          'comment-mode': 'off',
          'fail-on-breach': failOnBreach,
          'fail-on-error': failOnError
        }),
        io
      )
      expect(seen.outputs.result).toBe('fail')
      expect(seen.failed === null ? null : 'failed').toBe(expected)
    }
  )

  it.each([
    ['true', 'failed'],
    ['false', null]
  ])('a failed diff with fail-on-error %s → %s', async (failOnError, expected) => {
    datafoldDiff(
      12,
      failedSummary({ error_type: 'QueryError', error_value: 'relation does not exist' })
    )
    const { io, seen } = recordingIO()
    await run(inputs({ 'comment-mode': 'off', 'fail-on-error': failOnError }), io)
    expect(seen.outputs.result).toBe('error')
    expect(seen.failed === null ? null : 'failed').toBe(expected)
    expect(seen.summary).toContain('relation does not exist')
  })

  it('writes no comment and calls no GitHub API without a pull request', async () => {
    datafoldDiff(12, doneBody(0, 0))
    const { io, seen } = recordingIO({ eventName: 'push', payload: {} })
    await run(inputs(), io)
    expect(seen.info.some((line) => line.includes('No PR comment') && line.includes('push'))).toBe(
      true
    )
    expect(seen.outputs['comment-id']).toBe('')
    expect(seen.outputs.result).toBe('pass')
    expect(nock.pendingMocks()).toEqual([])
  })

  it('warns when the runner takes no job summary, and still writes the outputs and fails the step', async () => {
    datafoldDiff(12, doneBody(3, 0))
    const { io, seen } = recordingIO({ eventName: 'push', payload: {} })
    io.appendSummary = () =>
      Promise.reject(new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.'))
    await run(inputs({ 'max-rows-removed': '0' }), io)
    expect(seen.warnings).toContain(
      'Could not write the job summary: Unable to find environment variable for $GITHUB_STEP_SUMMARY.'
    )
    expect(seen.outputs.result).toBe('fail')
    expect(seen.outputs['rows-removed']).toBe('3')
    expect(seen.annotations.join('\n')).toContain('rows-removed 3')
    expect(seen.failed).toContain('1 threshold exceeded')
  })

  it('warns and still decides the check when the token cannot write (fork PR)', async () => {
    datafoldDiff(12, doneBody(3, 0))
    nock(GITHUB)
      .get('/repos/acme/warehouse/issues/42/comments')
      .query(true)
      .reply(200, [])
      .post('/repos/acme/warehouse/issues/42/comments')
      .reply(403, { message: 'Resource not accessible by integration' })
    const { io, seen } = recordingIO()
    await run(inputs({ 'max-rows-removed': '0' }), io)
    expect(seen.warnings.some((w) => w.includes('pull-requests: write'))).toBe(true)
    expect(seen.outputs['comment-id']).toBe('')
    expect(seen.summary).not.toBe('')
    expect(seen.failed).toContain('1 threshold exceeded')
  })

  /** A diff whose `count` columns all differ, each named `column_00001_with_a_long_name`. */
  function wideBody(count: number) {
    const body = doneBody(0, 10)
    if (!body.values) throw new Error('the done body has a values block')
    body.values.columns_diff_stats = Array.from({ length: count }, (_, i) => ({
      column_name: `column_${String(i).padStart(5, '0')}_with_a_long_name`,
      match: 99,
      values_different: 10
    }))
    return body
  }

  it('points the shortened comment to the report file when no job summary was written', async () => {
    datafoldDiff(12, wideBody(3_000))
    const comment = commentOnce()
    const { io, seen } = recordingIO()
    await run(inputs({ 'job-summary': 'false' }), io)
    expect(seen.summary).toBe('')
    expect(comment.body()).toContain(
      "The full report is in the report file (/runner/temp/datafold-diff-gate-default.md, the step's report-path output)."
    )
    expect(comment.body()).not.toContain('job summary')
  })

  it('points the shortened comment to the job summary when it holds the full report', async () => {
    datafoldDiff(12, wideBody(3_000))
    const comment = commentOnce()
    const { io, seen } = recordingIO()
    await run(inputs(), io)
    expect(seen.summary).toBe(seen.reports['datafold-diff-gate-default.md'])
    expect(comment.body()).toContain(
      'The full report is in the [job summary](https://github.com/acme/warehouse/actions/runs/555).'
    )
  })

  it('keeps the job summary under 1 MiB, says so, and then points the comment to the report file', async () => {
    datafoldDiff(12, wideBody(25_000))
    const comment = commentOnce()
    const { io, seen } = recordingIO()
    await run(inputs(), io)
    const report = seen.reports['datafold-diff-gate-default.md'] ?? ''
    expect(Buffer.byteLength(report)).toBeGreaterThan(1024 * 1024)
    expect(Buffer.byteLength(seen.summary)).toBeLessThan(1024 * 1024)
    expect(seen.summary).toContain('Shortened to fit the job summary (GitHub takes at most 1 MiB)')
    expect(seen.warnings).toContain(
      "The job summary was shortened to fit GitHub's 1 MiB limit; the report file has it all"
    )
    expect(comment.body()).toContain('The full report is in the report file (/runner/temp/')
  }, 30_000)

  it('never writes the API key or the token anywhere, even when Datafold echoes the key', async () => {
    datafoldDiff(
      12,
      failedSummary({
        error_type: 'AuthError',
        error_value: `bad key ${API_KEY} (${Buffer.from(API_KEY).toString('base64')})`
      })
    )
    const { io, seen } = recordingIO({ eventName: 'push', payload: {} })
    await run(inputs(), io)
    const written = JSON.stringify(seen)
    expect(written).toContain('bad key ***')
    for (const secret of [API_KEY, TOKEN]) {
      expect(written).not.toContain(secret)
      expect(written).not.toContain(Buffer.from(secret).toString('base64'))
    }
  })

  it.each([
    ['dbt Cloud', 'pending', /^dbt Cloud run 4242 has not finished/],
    ['ci/circleci', 'success', /^The commit status "ci\/circleci" is not dbt Cloud's/]
  ])(
    'ends a dbt Cloud run on a %s status that is %s there, writing nothing and sending nothing',
    async (context, state, said) => {
      const sha = 'c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f901'
      // The status event's PR, asked of GitHub with the run's target: the one request.
      const pulls = nock(GITHUB)
        .get(`/repos/acme/warehouse/commits/${sha}/pulls`)
        .reply(200, [{ number: 42, state: 'open', head: { sha } }])
      const { io, seen } = recordingIO({
        eventName: 'status',
        payload: {
          sha,
          context,
          state,
          target_url: 'https://ab123.us1.dbt.com/deploy/70403/projects/1001/runs/4242/'
        }
      })
      const origins: string[] = []
      io.fetchFor = (origin) => {
        origins.push(origin)
        return Promise.resolve(globalThis.fetch)
      }
      const evaluation = await run(
        inputs({ 'diff-ids': '', 'dbt-cloud-token': 'dbtc_T0k3nV4lu3x9', 'data-source': 'w' }),
        io
      )
      expect(evaluation).toBeNull()
      expect(seen.info).toEqual([expect.stringMatching(said)])
      expect({ ...seen, info: [] }).toEqual(nothingWritten())
      expect([pulls.isDone(), nock.pendingMocks(), origins]).toEqual([true, [], []])
    }
  )
})
