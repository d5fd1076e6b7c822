// The fake GitHub's statuses, check runs and pulls of a commit, checked against GitHub's own
// OpenAPI description (@octokit/openapi): its answers fit the operations' response schemas, the
// requests the action's client sends fit their request schemas, and GitHub's limits there are the
// ones the code uses. Then the fake behaves as GitHub does: its 422s at those limits, its 403 for
// a token without the permission, statuses newest first, the combined state, appended annotations.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  answerProblems,
  githubOpenApi,
  operationPath,
  requestProblems
} from '../../__fixtures__/github-contract.js'
import { fakeGitHubPool, type FakeGitHubOptions } from '../../__fixtures__/fake-github.js'
import {
  MAX_ANNOTATIONS_PER_REQUEST,
  MAX_SUMMARY_LENGTH,
  postCheckRun,
  type CheckConclusion
} from '../../src/github/check-run.js'
import {
  MAX_STATUS_DESCRIPTION,
  postCommitStatus,
  type StatusState
} from '../../src/github/commit-status.js'
import { createGitHubClient } from '../../src/github/octokit.js'

const pool = fakeGitHubPool()
afterEach(async () => {
  await pool.closeAll()
})

const SHA = '5f2c1e9a0b7d4c3e8f6a1b2c3d4e5f60718293a4'
const OTHER = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807'
const REPO = '/repos/acme/analytics-dbt'

type Schema = Record<string, unknown>
const at = (schema: unknown, ...keys: string[]): Schema =>
  keys.reduce<Schema>((node, key) => (node[key] ?? {}) as Schema, schema as Schema)
const operation = (path: string, method: string) => at(githubOpenApi().paths, path, method)
const requestSchema = (path: string, method: string) =>
  at(operation(path, method), 'requestBody', 'content', 'application/json', 'schema')

async function send(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown)
  }
}

const annotation = (i: number) => ({
  path: `models/marts/m${i}.sql`,
  start_line: 1 + (i % 7),
  end_line: 1 + (i % 7),
  annotation_level: 'failure',
  title: 'Datafold threshold exceeded',
  message: `diff ${i}: rows-changed 2% > max 1%`
})

describe("GitHub's limits, as its OpenAPI description states them", () => {
  const create = requestSchema('/repos/{owner}/{repo}/check-runs', 'post')
  const update = requestSchema('/repos/{owner}/{repo}/check-runs/{check_run_id}', 'patch')
  const status = requestSchema('/repos/{owner}/{repo}/statuses/{sha}', 'post')

  it('50 annotations per check run request, create and update alike', () => {
    expect(at(create, 'properties', 'output', 'properties', 'annotations').maxItems).toBe(
      MAX_ANNOTATIONS_PER_REQUEST
    )
    expect(at(update, 'properties', 'output', 'properties', 'annotations').maxItems).toBe(
      MAX_ANNOTATIONS_PER_REQUEST
    )
  })

  it('65,535 characters of summary (and of text)', () => {
    for (const schema of [create, update]) {
      expect(at(schema, 'properties', 'output', 'properties', 'summary').maxLength).toBe(
        MAX_SUMMARY_LENGTH
      )
      expect(at(schema, 'properties', 'output', 'properties', 'text').maxLength).toBe(
        MAX_SUMMARY_LENGTH
      )
    }
  })

  it('no length for a status description: 140 is what the API answers (if it is ever written down, it is the same)', () => {
    const description = at(status, 'properties', 'description')
    expect(description.type).toBe('string')
    expect(description.maxLength ?? MAX_STATUS_DESCRIPTION).toBe(MAX_STATUS_DESCRIPTION)
  })

  it('the states and conclusions the action sends are among those GitHub takes', () => {
    const states: StatusState[] = ['pending', 'success', 'failure', 'error']
    expect(at(status, 'properties', 'state').enum).toEqual(expect.arrayContaining(states))
    const conclusions: CheckConclusion[] = ['success', 'failure', 'neutral']
    expect(at(create, 'properties', 'conclusion').enum).toEqual(expect.arrayContaining(conclusions))
  })

  it('tells a path as sent from its operation, and finds a body that does not fit', () => {
    expect(operationPath('GET', `/api/v3${REPO}/commits/${SHA}/status?per_page=5`)).toBe(
      '/repos/{owner}/{repo}/commits/{ref}/status'
    )
    expect(operationPath('PATCH', `${REPO}/check-runs/12`)).toBe(
      '/repos/{owner}/{repo}/check-runs/{check_run_id}'
    )
    expect(operationPath('GET', '/nowhere')).toBeNull()
    // The checks can fail: a wrong state, an answer without its required fields.
    expect(requestProblems('POST', `${REPO}/statuses/${SHA}`, { state: 'green' })).not.toEqual([])
    expect(answerProblems('POST', `${REPO}/check-runs`, 201, { id: 1, name: 'x' })).not.toEqual([])
  })
})

describe("the fake's answers fit GitHub's OpenAPI description", () => {
  const start = (options: FakeGitHubOptions = {}) =>
    pool.start({
      pulls: [
        { number: 482, headSha: SHA, headRef: 'feature/orders' },
        { number: 17, headSha: OTHER, state: 'closed' }
      ],
      statuses: [
        {
          sha: SHA,
          state: 'pending',
          context: 'dbt Cloud CI',
          target_url: 'https://cloud.getdbt.com/#/runs/1'
        },
        { sha: SHA, state: 'success', context: 'dbt Cloud CI', description: 'Run #1 succeeded' },
        {
          sha: SHA,
          state: 'failure',
          context: 'ci/lint',
          creator: { login: 'lint-bot', type: 'Bot' }
        }
      ],
      ...options
    })

  it.each<[string, string, string, unknown]>([
    [
      'a new status',
      'POST',
      `${REPO}/statuses/${SHA}`,
      {
        state: 'failure',
        context: 'Datafold diff gate',
        description: '❌ 2 of 12 tables over their limits',
        target_url: 'https://github.com/acme/analytics-dbt/pull/482#issuecomment-1'
      }
    ],
    [
      'a status with nulls',
      'POST',
      `${REPO}/statuses/${SHA}`,
      { state: 'pending', description: null, target_url: null }
    ],
    ['the statuses of a commit', 'GET', `${REPO}/commits/${SHA}/statuses`, undefined],
    [
      'the statuses of a branch',
      'GET',
      `${REPO}/commits/feature%2Forders/statuses?per_page=2`,
      undefined
    ],
    ['the statuses of a commit with none', 'GET', `${REPO}/commits/${OTHER}/statuses`, undefined],
    ['the combined status', 'GET', `${REPO}/commits/${SHA}/status`, undefined],
    [
      'the combined status of a commit with none',
      'GET',
      `${REPO}/commits/${OTHER}/status`,
      undefined
    ],
    ['the pull requests of a commit', 'GET', `${REPO}/commits/${SHA}/pulls`, undefined],
    ['no pull request', 'GET', `${REPO}/commits/${'0'.repeat(40)}/pulls`, undefined],
    [
      'a completed check run',
      'POST',
      `${REPO}/check-runs`,
      {
        name: 'Datafold data diffs',
        head_sha: SHA,
        status: 'completed',
        conclusion: 'neutral',
        details_url: 'https://github.com/acme/analytics-dbt/actions/runs/1',
        output: {
          title: '⚠️ 1 could not be checked',
          summary: 'report',
          annotations: Array.from({ length: 50 }, (_, i) => annotation(i))
        }
      }
    ],
    [
      'a queued check run',
      'POST',
      `${REPO}/check-runs`,
      { name: 'Datafold data diffs', head_sha: OTHER }
    ]
  ])('%s', async (_case, method, path, body) => {
    const gh = await start()
    const answer = await send(gh.url, method, path, body)
    expect(answer.status).toBeLessThan(300)
    expect(requestProblems(method, path, body)).toEqual([])
    expect(answerProblems(method, path, answer.status, answer.body)).toEqual([])
  })

  it('an update of a check run', async () => {
    const gh = await start()
    const created = await send(gh.url, 'POST', `${REPO}/check-runs`, {
      name: 'n',
      head_sha: SHA,
      status: 'in_progress'
    })
    const path = `${REPO}/check-runs/${String((created.body as { id: number }).id)}`
    const body = {
      status: 'completed',
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: [annotation(1)] }
    }
    const answer = await send(gh.url, 'PATCH', path, body)
    expect(answer.status).toBe(200)
    expect(requestProblems('PATCH', path, body)).toEqual([])
    expect(answerProblems('PATCH', path, 200, answer.body)).toEqual([])
  })

  it("what the action's client sends, and the fake answers, for a status and a check run of 120 annotations", async () => {
    const gh = await start()
    const github = await createGitHubClient('ghs_contract', {
      baseUrl: gh.url,
      fetch: globalThis.fetch
    })
    const io = {
      info: () => undefined,
      warning: (m: string) => {
        throw new Error(m)
      },
      redact: (t: string) => t
    }
    const verdict = { result: 'fail' as const, breaches: 120, unchecked: 0, failed: true }
    await postCommitStatus(
      github,
      {
        owner: 'acme',
        repo: 'analytics-dbt',
        sha: SHA,
        commentKey: 'dbt',
        verdict,
        headline: '❌ 120 of 150 tables over their limits',
        commentUrl: null,
        runUrl: 'https://github.com/acme/analytics-dbt/actions/runs/9'
      },
      io
    )
    await postCheckRun(
      github,
      {
        owner: 'acme',
        repo: 'analytics-dbt',
        sha: SHA,
        name: 'Datafold data diffs',
        verdict,
        headline: '❌ 120 of 150 tables over their limits',
        summary: '## report',
        notes: [],
        annotations: Array.from({ length: 120 }, (_, i) => ({
          path: `models/m${i}.sql`,
          line: 2,
          level: 'failure' as const,
          title: 'Datafold threshold exceeded',
          message: `diff ${i}`
        })),
        detailsUrl: 'https://github.com/acme/analytics-dbt/actions/runs/9',
        startedAt: '2026-11-20T09:00:00Z'
      },
      io
    )
    expect(
      gh.requests.map((r) => `${r.method} ${operationPath(r.method, r.path) ?? r.path}`)
    ).toEqual([
      'POST /repos/{owner}/{repo}/statuses/{sha}',
      'POST /repos/{owner}/{repo}/check-runs',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
    ])
    for (const request of gh.requests) {
      expect(requestProblems(request.method, request.path, request.body)).toEqual([])
      expect(
        answerProblems(
          request.method,
          request.path,
          request.answer?.status ?? 0,
          request.answer?.body
        )
      ).toEqual([])
    }
  }, 60_000)
})

describe('the fake behaves as GitHub does', () => {
  it('refuses a description over 140 characters, counted as GitHub counts them', async () => {
    const gh = await pool.start()
    const post = (description: string) =>
      send(gh.url, 'POST', `${REPO}/statuses/${SHA}`, { state: 'success', description })
    expect((await post('😀'.repeat(140))).status).toBe(201)
    const refused = await post('x'.repeat(141))
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'Status',
          field: 'description',
          message: 'description is too long (maximum is 140 characters)'
        }
      ]
    })
    expect(gh.statuses).toHaveLength(1)
  })

  it('refuses a state it does not know, and a SHA that is not one', async () => {
    const gh = await pool.start()
    expect((await send(gh.url, 'POST', `${REPO}/statuses/${SHA}`, { state: 'green' })).status).toBe(
      422
    )
    const noCommit = await send(gh.url, 'POST', `${REPO}/statuses/main`, { state: 'success' })
    expect(noCommit.status).toBe(422)
    expect(noCommit.body).toMatchObject({ message: 'No commit found for SHA: main' })
  })

  it('lists statuses newest first, and combines the latest of each context', async () => {
    const gh = await pool.start()
    const post = (state: string, context: string) =>
      send(gh.url, 'POST', `${REPO}/statuses/${SHA}`, { state, context })
    const combined = async () =>
      (await send(gh.url, 'GET', `${REPO}/commits/${SHA}/status`)).body as {
        state: string
        total_count: number
        statuses: { context: string; state: string }[]
      }
    expect(await combined()).toMatchObject({ state: 'pending', total_count: 0, statuses: [] })
    await post('pending', 'Datafold diff gate')
    expect((await combined()).state).toBe('pending')
    await post('success', 'Datafold diff gate')
    expect((await combined()).state).toBe('success')
    await post('error', 'dbt Cloud CI')
    expect(await combined()).toMatchObject({
      state: 'failure',
      total_count: 2,
      statuses: [
        { context: 'dbt Cloud CI', state: 'error' },
        { context: 'Datafold diff gate', state: 'success' }
      ]
    })
    const listed = (await send(gh.url, 'GET', `${REPO}/commits/${SHA}/statuses`)).body as {
      state: string
      creator: { login: string }
    }[]
    expect(listed.map((s) => s.state)).toEqual(['error', 'success', 'pending'])
    expect(listed[0]?.creator.login).toBe('github-actions[bot]')
  })

  it('serves seeded statuses, by SHA and by the branch of a seeded pull request', async () => {
    const gh = await pool.start({
      pulls: [{ number: 482, headSha: SHA, headRef: 'feature/orders' }]
    })
    gh.seedStatus({
      sha: SHA,
      state: 'success',
      context: 'dbt Cloud CI',
      description: 'Run #88 succeeded'
    })
    const byBranch = await send(gh.url, 'GET', `${REPO}/commits/feature%2Forders/statuses`)
    expect(byBranch.body).toEqual([
      expect.objectContaining({
        state: 'success',
        context: 'dbt Cloud CI',
        creator: expect.objectContaining({ login: 'dbt-cloud' })
      })
    ])
    expect((await send(gh.url, 'GET', `${REPO}/commits/no-such-branch/status`)).status).toBe(404)
  })

  it('finds the open and closed pull requests whose head is a commit', async () => {
    const gh = await pool.start({
      pulls: [
        { number: 482, headSha: SHA },
        { number: 480, headSha: SHA, state: 'closed' },
        { number: 9, headSha: OTHER }
      ]
    })
    const found = (await send(gh.url, 'GET', `${REPO}/commits/${SHA}/pulls`)).body as {
      number: number
      state: string
      head: { sha: string }
    }[]
    expect(found.map((p) => [p.number, p.state, p.head.sha])).toEqual([
      [482, 'open', SHA],
      [480, 'closed', SHA]
    ])
  })

  it('appends each update’s annotations, and refuses more than 50 in one request or a summary over 65,535', async () => {
    const gh = await pool.start({ pulls: [{ number: 482, headSha: SHA }] })
    const output = (n: number, from = 0, summary = 'report') => ({
      title: 't',
      summary,
      annotations: Array.from({ length: n }, (_, i) => annotation(from + i))
    })
    const tooMany = await send(gh.url, 'POST', `${REPO}/check-runs`, {
      name: 'n',
      head_sha: SHA,
      output: output(51)
    })
    expect(tooMany.status).toBe(422)
    const tooLong = await send(gh.url, 'POST', `${REPO}/check-runs`, {
      name: 'n',
      head_sha: SHA,
      output: output(1, 0, 's'.repeat(65_536))
    })
    expect(tooLong.status).toBe(422)
    expect(gh.checkRuns).toHaveLength(0)

    const created = await send(gh.url, 'POST', `${REPO}/check-runs`, {
      name: 'n',
      head_sha: SHA,
      conclusion: 'failure',
      output: output(50)
    })
    expect(created.body).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { annotations_count: 50 },
      pull_requests: [{ number: 482 }]
    })
    const id = String((created.body as { id: number }).id)
    const updated = await send(gh.url, 'PATCH', `${REPO}/check-runs/${id}`, {
      output: output(50, 50)
    })
    expect(updated.body).toMatchObject({
      conclusion: 'failure',
      output: { annotations_count: 100 }
    })
    expect(gh.checkRuns[0]?.annotations.map((a) => a.message)).toEqual(
      Array.from({ length: 100 }, (_, i) => annotation(i).message)
    )
    expect(
      (await send(gh.url, 'PATCH', `${REPO}/check-runs/${id}`, { output: output(51) })).status
    ).toBe(422)
    expect(
      (await send(gh.url, 'PATCH', `${REPO}/check-runs/999`, { output: output(1) })).status
    ).toBe(404)
  })

  it.each([
    ['statuses', 'POST', `${REPO}/statuses/${SHA}`, { state: 'success' }, 'statuses=write'],
    ['checks', 'POST', `${REPO}/check-runs`, { name: 'n', head_sha: SHA }, 'checks=write']
  ] as const)(
    'answers 403 for a token without %s: write, as GitHub does',
    async (permission, method, path, body, accepted) => {
      const gh = await pool.start({ deny: { [permission]: 'write' } })
      const refused = await send(gh.url, method, path, body)
      expect(refused.status).toBe(403)
      expect(refused.body).toMatchObject({
        message: 'Resource not accessible by integration',
        status: '403'
      })
      expect(refused.headers.get('x-accepted-github-permissions')).toBe(accepted)
      gh.allow(permission)
      expect((await send(gh.url, method, path, body)).status).toBe(201)
    }
  )

  it('refuses reads too when a permission is denied for reading, and every write when read-only', async () => {
    const gh = await pool.start({ pulls: [{ number: 482, headSha: SHA }] })
    gh.deny('statuses', 'read')
    expect((await send(gh.url, 'GET', `${REPO}/commits/${SHA}/statuses`)).status).toBe(403)
    expect((await send(gh.url, 'GET', `${REPO}/commits/${SHA}/status`)).status).toBe(403)
    gh.deny('pull-requests', 'read')
    expect((await send(gh.url, 'GET', `${REPO}/commits/${SHA}/pulls`)).status).toBe(403)
    gh.allow('statuses')
    gh.readOnly = true
    expect((await send(gh.url, 'GET', `${REPO}/commits/${SHA}/statuses`)).status).toBe(200)
    expect(
      (await send(gh.url, 'POST', `${REPO}/statuses/${SHA}`, { state: 'success' })).status
    ).toBe(403)
    expect(
      (await send(gh.url, 'POST', `${REPO}/check-runs`, { name: 'n', head_sha: SHA })).status
    ).toBe(403)
  })
})
