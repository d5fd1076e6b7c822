// The verdict where GitHub gates, on the bundle against the fakes: a commit status on the PR's
// head (never GITHUB_SHA) from a run `on: status`, a check run whose annotations point at the
// changed dbt models' files and the plan entries' lines, 120 breaches annotated over several
// requests, a token without the permissions warned of once each, and the step's own annotations
// within GitHub's ten per kind.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { changedProject, writeJson } from '../../__fixtures__/dbt-manifests.js'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import type { CreateScript } from '../../__fixtures__/fake-datafold.js'
import type { FakeGitHubOptions } from '../../__fixtures__/fake-github.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { NEXT_SHA, planRun, SHA } from '../../__fixtures__/plan-run.js'

const harness = sweptHarness(suiteSecrets('gate'))

/** The default branch's last commit: GITHUB_SHA of a run `on: status`. */
const MAIN = '0123456789abcdef0123456789abcdef01234567'

/** Every created diff changed 250 of its 125,430 rows: 0.2%. */
const CHANGED_250: CreateScript['summary'] = (_body, id) =>
  sameDbDone({ id, differences: { amount: 250 } })

const start = (github: FakeGitHubOptions = {}) =>
  harness.start({
    datafold: { dataSources: dataSources(), create: { polls: 0, summary: CHANGED_250 } },
    github
  })

const commandLines = (stdout: string, command: string) =>
  stdout.split('\n').filter((line) => line.startsWith(command))

/** `count` entries of a plan, each held to 100 changed rows: every one breaches. */
const breachingPlan = (count: number) =>
  `defaults:\n  primary-key: id\n  max-rows-changed: 100\ndiffs:\n${Array.from(
    { length: count },
    (_, i) => `  - name: t${i}\n    table-a: a.prod.t${i}\n    table-b: a.pr.t${i}`
  ).join('\n')}\n`

describe('the commit status', () => {
  it('a run on: status posts exactly one status, on the PR head, with the verdict and a link to the report', async () => {
    const fakes = await start({ pulls: [{ number: 482, headSha: SHA }] })
    const { github } = fakes

    const run = await fakes.run('', {
      ...planRun(harness, github, breachingPlan(1)),
      eventName: 'status',
      payload: { sha: SHA, state: 'success', context: 'dbt Cloud CI', target_url: null },
      env: { ...planRun(harness, github, breachingPlan(1)).env, GITHUB_SHA: MAIN }
    })

    expect(run.code).toBe(1)
    expect(github.statuses.map((s) => [s.sha, s.context, s.state])).toEqual([
      [SHA, 'Datafold diff gate', 'failure']
    ])
    const [status] = github.statuses
    // The PR was found from the commit: the report is on it, and the status links there.
    const [comment] = github.commentsOn(482)
    expect(status?.target_url).toBe(comment?.html_url)
    expect(status?.description).toMatch(/^❌ 1 table over its limits/)
    expect(status?.description?.length).toBeLessThanOrEqual(140)
  }, 120_000)

  it('is pending while the diffs run, then final; by default none on a pull_request run', async () => {
    const fakes = await harness.start({
      datafold: { dataSources: dataSources(), create: { polls: 1, summary: CHANGED_250 } }
    })
    const { github } = fakes
    const plan = breachingPlan(1)

    await fakes.run('', planRun(harness, github, plan))
    expect(github.statuses).toEqual([])

    // A new commit: its diff is created anew, and runs for a moment.
    await fakes.run('', planRun(harness, github, plan, { 'commit-status': 'true' }, NEXT_SHA))
    expect(github.statuses.map((s) => [s.sha, s.state])).toEqual([
      [NEXT_SHA, 'pending'],
      [NEXT_SHA, 'failure']
    ])
  }, 120_000)
})

describe('the check run', () => {
  it('annotates the changed dbt models on their files, in a project in a subfolder', async () => {
    const fakes = await start()
    const { github } = fakes
    const dir = harness.tempDir()
    const { prod, pr } = changedProject(12)
    writeJson(join(dir, 'transform', 'prod'), 'manifest.json', prod)
    writeJson(join(dir, 'transform', 'target'), 'manifest.json', pr)
    // Each model's file, with its config on line 3.
    for (const model of ['marts/orders', 'marts/customers', 'marts/payments']) {
      const file = join(dir, 'transform', 'models', `${model}.sql`)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `-- ${model}\n\n{{ config(materialized='table') }}\nselect 1\n`)
    }

    const run = await fakes.run('', {
      inputs: {
        'dbt-prod-manifest': 'transform/prod/manifest.json',
        'dbt-manifest': 'transform/target/manifest.json',
        'data-source': 'warehouse',
        'max-rows-changed': '0.1%',
        'check-run': 'Datafold data diffs'
      },
      payload: { pull_request: { number: 482, head: { sha: SHA } } },
      serverUrl: github.serverUrl,
      env: { GITHUB_WORKSPACE: dir }
    })

    const [check, ...others] = github.checkRuns
    expect(others).toEqual([])
    expect(check).toMatchObject({
      name: 'Datafold data diffs',
      head_sha: SHA,
      conclusion: 'failure'
    })
    const breached = check?.annotations.filter((a) => a.annotation_level === 'failure') ?? []
    expect(breached.length).toBeGreaterThan(0)
    for (const annotation of breached) {
      expect(annotation.path).toMatch(/^transform\/models\/marts\/\w+\.sql$/)
      expect(annotation.start_line).toBe(3)
    }
    // The models not compared for want of a key are warnings on their files too.
    const unchecked = check?.annotations.filter((a) => a.annotation_level === 'warning') ?? []
    expect(unchecked.map((a) => a.path)).toContain('transform/models/marts/events.sql')
    expect(run.code).toBe(1)
  }, 120_000)

  it("annotates each plan entry's breach at the entry's line of the plan file", async () => {
    const fakes = await start()
    const { github } = fakes
    const plan = `defaults:\n  primary-key: id\ndiffs:\n  - name: orders\n    table-a: a.prod.orders\n    table-b: a.pr.orders\n  - name: payments\n    table-a: a.prod.payments\n    table-b: a.pr.payments\n    max-rows-changed: 100\n`
    await fakes.run('', planRun(harness, github, plan, { 'check-run': 'Datafold data diffs' }))

    const annotations = github.checkRuns[0]?.annotations ?? []
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ['.github/datafold-plan.yml', 7, 'failure']
    ])
    expect(annotations[0]?.message).toContain('payments')
  }, 120_000)

  it('gives 120 breaches 120 annotations, over three requests; the step itself writes ten', async () => {
    const fakes = await start()
    const { github } = fakes
    const run = await fakes.run('', {
      ...planRun(harness, github, breachingPlan(120), { 'check-run': 'Datafold data diffs' }),
      timeoutMs: 300_000
    })

    const [check] = github.checkRuns
    expect(check?.annotations).toHaveLength(120)
    const writes = github.requests.filter((r) => r.path.includes('/check-runs'))
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH'])
    // GitHub shows ten error annotations per step: nine breaches and one line counting the rest.
    // The failure message, which breaches alone caused, is a line of the log.
    const errors = commandLines(run.stdout, '::error')
    expect(errors).toHaveLength(10)
    expect(errors[9]).toContain('111 more errors are not shown here')
    expect(run.stdout).toMatch(/^120 thresholds exceeded: this step's error annotations name each/m)
  }, 600_000)

  it('a token without the permissions gets one warning each, and the same report', async () => {
    const payload = { pull_request: { number: 482, head: { sha: SHA } } }
    const inputs = { 'check-run': 'Datafold data diffs', 'commit-status': 'true' }
    const allowed = await start()
    const withPermissions = await allowed.run('101', { payload, inputs })
    const denied = await start({ deny: { statuses: 'write', checks: 'write' } })
    const run = await denied.run('101', { payload, inputs })

    expect(denied.github.statuses).toEqual([])
    expect(denied.github.checkRuns).toEqual([])
    const warnings = commandLines(run.stdout, '::warning::')
    expect(warnings.filter((w) => w.includes('`statuses: write`'))).toHaveLength(1)
    expect(warnings.filter((w) => w.includes('`checks: write`'))).toHaveLength(1)
    // The same outputs, but for where each fake lives.
    const local = (outputs: Record<string, string>) =>
      JSON.stringify(outputs)
        .replace(/127\.0\.0\.1:\d+/g, 'loopback')
        .replace(/run-\w+/g, 'run')
    expect(local(run.outputs)).toBe(local(withPermissions.outputs))
    const report = (body = '') =>
      body
        .split('\n')
        .slice(2)
        .join('\n')
        .replace(/127\.0\.0\.1:\d+/g, 'loopback')
        // The two runs can start either side of a minute.
        .replace(/ · \d{4}-\d\d-\d\d \d\d:\d\d UTC · /, ' · (when) · ')
    expect(report(denied.github.commentsOn()[0]?.body)).toBe(
      report(allowed.github.commentsOn()[0]?.body)
    )
    expect(allowed.github.statuses).toHaveLength(1)
    expect(allowed.github.checkRuns).toHaveLength(1)
  }, 120_000)
})
