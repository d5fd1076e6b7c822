// The check run against the fake GitHub over HTTP, through the action's own GitHub client, fed by
// the annotations' places: 120 breaches of dbt models in a project folder (a manifest written on
// Windows) become 120 annotations on their files over three requests; plan entries are annotated
// at their lines of the plan file, an inline plan not at all; a token without `checks: write`, or
// an update GitHub refuses, costs one warning and never a throw.
import { afterEach, describe, expect, it } from '@jest/globals'
import { fakeGitHubPool } from '../../__fixtures__/fake-github.js'
import { gitHubWithClient } from '../../__fixtures__/gate-client.js'
import { postCheckRun, type CheckRunRequest } from '../../src/github/check-run.js'
import { parsePlan } from '../../src/plan/plan.js'
import { locateFindings, type Finding } from '../../src/report/annotations.js'

const pool = fakeGitHubPool()
afterEach(async () => {
  await pool.closeAll()
})

const TOKEN = 'ghs_check_run_token_3a9e1f'
const HEAD = 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe'
const RUN = 'https://github.com/acme/analytics-dbt/actions/runs/9001'
const FAILED = { result: 'fail' as const, breaches: 120, unchecked: 0, failed: true }

const setUp = () => gitHubWithClient(pool, TOKEN, { pulls: [{ number: 482, headSha: HEAD }] })

function request(overrides: Partial<CheckRunRequest>): CheckRunRequest {
  return {
    owner: 'acme',
    repo: 'analytics-dbt',
    sha: HEAD,
    name: 'Datafold data diffs',
    verdict: FAILED,
    headline: '❌ 120 of 150 tables over their limits',
    summary: '## ❌ 120 of 150 tables over their limits\n\n| table | rows changed |\n|---|---|',
    annotations: [],
    notes: [],
    detailsUrl: RUN,
    ...overrides
  }
}

/** 120 models of a project in `transform/`, their paths as a manifest written on Windows has them. */
const MODELS = Array.from(
  { length: 120 },
  (_, i) => `models\\marts\\fct_${String(i).padStart(3, '0')}.sql`
)
const FILES = Object.fromEntries(
  MODELS.map((model, i) => [
    `transform/${model.replaceAll('\\', '/')}`,
    i % 2 === 0
      ? `-- model ${i}\n\n{{ config(materialized='table', meta={'datafold': {'max-rows-changed': '1%'}}) }}\nselect 1`
      : 'select 1'
  ])
)

describe('postCheckRun over HTTP', () => {
  it('puts 120 breaches on their dbt model files: created with 50, then two updates, in order', async () => {
    const { gh, github, io, log } = await setUp()
    const findings: Finding[] = MODELS.map((model, i) => ({
      at: { model },
      level: 'failure',
      title: 'Datafold threshold exceeded',
      message: `diff ${1000 + i} (analytics.fct_${i}): rows-changed ${i + 2}% > max 1%`
    }))
    const located = await locateFindings(findings, {
      dbt: { projectDir: null, manifest: 'transform\\target\\manifest.json' },
      plan: null,
      readFile: (path) => Promise.resolve(FILES[path] ?? null)
    })
    const posted = await postCheckRun(
      github,
      request({ ...located, startedAt: '2026-11-20T09:00:00Z' }),
      io
    )

    expect(gh.requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH'])
    const sizes = gh.requests.map(
      (r) => (r.body as { output: { annotations: unknown[] } }).output.annotations.length
    )
    expect(sizes).toEqual([50, 50, 20])
    expect(gh.requests[0]?.body).toMatchObject({
      name: 'Datafold data diffs',
      head_sha: HEAD,
      status: 'completed',
      conclusion: 'failure',
      started_at: '2026-11-20T09:00:00Z',
      details_url: RUN,
      output: {
        title: '❌ 120 of 150 tables over their limits',
        summary: expect.stringContaining('| table | rows changed |')
      }
    })
    const [run] = gh.checkRuns
    expect(gh.checkRuns).toHaveLength(1)
    expect(run?.conclusion).toBe('failure')
    expect(run?.annotations).toHaveLength(120)
    expect(run?.annotations.slice(0, 2)).toEqual([
      {
        path: 'transform/models/marts/fct_000.sql',
        start_line: 3,
        end_line: 3,
        annotation_level: 'failure',
        title: 'Datafold threshold exceeded',
        message: 'diff 1000 (analytics.fct_0): rows-changed 2% > max 1%'
      },
      expect.objectContaining({ path: 'transform/models/marts/fct_001.sql', start_line: 1 })
    ])
    expect(run?.annotations.map((a) => a.message)).toEqual(findings.map((f) => f.message))
    expect(posted).toEqual({
      id: run?.id,
      url: `${gh.serverUrl}/acme/analytics-dbt/runs/${String(run?.id)}`,
      conclusion: 'failure',
      annotations: 120
    })
    expect(log.warnings).toEqual([])
  }, 60_000)

  it('puts plan entries at their lines of the plan file; an inline plan gets a note instead', async () => {
    const { gh, github, io } = await setUp()
    const yaml = [
      'defaults:',
      '  data-source: warehouse',
      '  primary-key: id',
      'diffs:',
      '  - name: orders',
      '    table-a: prod.orders',
      '    table-b: pr.orders',
      '  # events moved to the new schema',
      '  - name: events',
      '    table-a: prod.events',
      '    table-b: pr.events'
    ].join('\n')
    const plan = parsePlan(yaml, {
      source: 'plan-file',
      context: { pr: 482, sha: HEAD, env: {} },
      dataSource: '',
      thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] }
    })
    const findings: Finding[] = ['orders', 'events'].map((entry) => ({
      at: { planEntry: entry },
      level: 'failure',
      title: 'Datafold threshold exceeded',
      message: `${entry}: rows-removed 3 > max 0`
    }))
    const fromFile = await locateFindings(findings, {
      dbt: null,
      plan: { file: '.github/datafold-plan.yml', lines: plan.lines ?? new Map() },
      readFile: () => Promise.resolve(null)
    })
    await postCheckRun(github, request({ ...fromFile, verdict: { ...FAILED, breaches: 2 } }), io)
    expect(gh.checkRuns[0]?.annotations.map((a) => [a.path, a.start_line, a.message])).toEqual([
      ['.github/datafold-plan.yml', 5, 'orders: rows-removed 3 > max 0'],
      ['.github/datafold-plan.yml', 9, 'events: rows-removed 3 > max 0']
    ])

    const inline = await locateFindings(findings, {
      dbt: null,
      plan: { inline: true },
      readFile: () => Promise.resolve(null)
    })
    await postCheckRun(github, request({ ...inline, verdict: { ...FAILED, breaches: 2 } }), io)
    const second = gh.requests.at(-1)?.body as {
      output: { summary: string; annotations?: unknown }
    }
    expect(second.output.annotations).toBeUndefined()
    expect(second.output.summary).toContain(
      'The plan was given inline (the `plan` input), which has no file to annotate'
    )
    expect(gh.checkRuns[1]?.annotations).toEqual([])
  }, 60_000)

  it('gives one warning with the permission line when the token lacks checks: write, and never throws', async () => {
    const { gh, github, io, log } = await setUp()
    gh.deny('checks')
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: `m${i}.sql`,
      line: 1,
      level: 'failure' as const,
      title: 't',
      message: 'm'
    }))
    await expect(postCheckRun(github, request({ annotations }), io)).resolves.toBeNull()
    expect(log.warnings).toHaveLength(1)
    expect(log.warnings[0]).toContain(
      'Could not create the check run: GitHub answered 403 (Resource not accessible by integration)'
    )
    expect(log.warnings[0]).toContain(
      "add `checks: write` to the workflow's or the job's `permissions:` block"
    )
    expect(gh.requests).toHaveLength(1)
    expect(gh.checkRuns).toEqual([])
  }, 30_000)

  it('keeps the check run and its verdict when an update is refused, with one warning', async () => {
    const { gh, github, io, log } = await setUp()
    gh.failWrites(1, { status: 422, body: { message: 'Validation Failed' } }, 'PATCH')
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: `m${i}.sql`,
      line: 1,
      level: 'failure' as const,
      title: 't',
      message: `m${i}`
    }))
    const posted = await postCheckRun(github, request({ annotations }), io)
    expect(posted).toMatchObject({ conclusion: 'failure', annotations: 50 })
    expect(gh.checkRuns[0]?.conclusion).toBe('failure')
    expect(gh.checkRuns[0]?.annotations).toHaveLength(50)
    expect(log.warnings).toEqual([
      'Could not add annotations 51 to 120 to the check run: GitHub answered 422: Validation Failed; the report lists every finding'
    ])
    // It stops at the first refusal: no update after it.
    expect(gh.requests.map((r) => r.method)).toEqual(['POST', 'PATCH'])
  }, 30_000)

  it('scrubs the token from the title, summary and annotations', async () => {
    const { gh, github, io } = await setUp()
    await postCheckRun(
      github,
      request({
        headline: `❌ failed with ${TOKEN}`,
        summary: `report quoting ${TOKEN}`,
        notes: [`note with ${TOKEN}`],
        annotations: [
          { path: 'm.sql', line: 1, level: 'failure', title: `t ${TOKEN}`, message: `m ${TOKEN}` }
        ]
      }),
      io
    )
    expect(JSON.stringify(gh.requests.map((r) => r.body))).not.toContain(TOKEN)
    expect(gh.checkRuns[0]?.output.summary).toContain('report quoting')
  }, 30_000)
})
