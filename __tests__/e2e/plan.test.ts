// The plan on the bundle: `node dist/index.js` against the fake Datafold and GitHub. A plan of
// three entries is created, waited for, gated each against its own thresholds and reported by
// name; a re-run for the same commit creates none; a timeout and a SIGTERM cancel exactly the
// diffs the action created; a plan with five mistakes sends no request.
import { describe, expect, it } from '@jest/globals'
import { assertContract } from '../../__fixtures__/contract.js'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import { runningScenario, type CreateScript } from '../../__fixtures__/fake-datafold.js'
import type { FakeGitHub } from '../../__fixtures__/fake-github.js'
import { firstError, type RunOptions } from '../../__fixtures__/harness.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { creates, NEXT_SHA, planRun as runOfPlan, SHA } from '../../__fixtures__/plan-run.js'
import { readState } from '../../src/comment-state.js'

const harness = sweptHarness(suiteSecrets('plan'))

const PLAN = `# yaml-language-server: $schema=../plan.schema.json
defaults:
  primary-key: order_id
diffs:
  - name: orders
    table-a: analytics.prod.orders
    table-b: analytics.dbt_pr_{pr}.orders
  - name: payments
    data-source-b: snowflake-eu
    table-a: analytics.prod.payments
    table-b: analytics."pr.{short-sha}".payments
  - name: customers
    table-a: analytics.prod.customers
    table-b: analytics.dbt_pr_{pr}.customers
    primary-key: customer_id
    max-rows-changed: 100
`

/** Every created diff changed 250 of its 125 430 rows: 0.2%. */
const CHANGED_250: CreateScript['summary'] = (_body, id) =>
  sameDbDone({ id, differences: { amount: 250 } })

/** A Datafold with the data sources that creates the diffs the plan asks for; no diff before. */
const start = (create: CreateScript = {}) =>
  harness.start({
    scenarios: {},
    datafold: { dataSources: dataSources(), create: { polls: 1, summary: CHANGED_250, ...create } }
  })

/** A run of the plan for PR 482 at commit `sha`, with these inputs. */
const planRun = (
  github: FakeGitHub,
  inputs: Record<string, string>,
  sha = SHA,
  plan = PLAN
): RunOptions => runOfPlan(harness, github, plan, inputs, sha)

describe('a plan on the bundle', () => {
  it('creates three diffs, gates each on its own thresholds, reports them by name; a re-run creates none', async () => {
    const fakes = await start()
    const { datafold, github } = fakes
    const first = await fakes.run('', planRun(github, {}))

    const bodies = datafold.created.map((c) => c.body)
    for (const body of bodies) assertContract('ApiDataDiffData', body, { closed: true })
    const tags = [
      'datafold-diff-gate',
      'github-repo:acme/analytics-dbt',
      'github-pr:482',
      `github-sha:${SHA}`
    ]
    /** What the entry asks for: production against the PR's build, dataset B's source and key,
     * named as Snowflake (both data sources) stores names written without quotes. */
    const asked = (table: string, schemaB: string, sourceB: number, key: string) => ({
      data_source1_id: 11,
      data_source2_id: sourceB,
      table1: ['ANALYTICS', 'PROD', table],
      table2: ['ANALYTICS', schemaB, table],
      pk_columns: [key],
      tags
    })
    expect(bodies).toEqual([
      asked('ORDERS', 'DBT_PR_482', 11, 'ORDER_ID'),
      // "pr.{short-sha}" is quoted: as written.
      asked('PAYMENTS', 'pr.a1b2c3d', 12, 'ORDER_ID'),
      asked('CUSTOMERS', 'DBT_PR_482', 11, 'CUSTOMER_ID')
    ])
    const ids = datafold.created.map((c) => c.id)
    expect(first.outputs['diff-ids']).toBe(ids.join(','))
    expect(first.outputs['created-diff-ids']).toBe(ids.join(','))
    // 250 changed rows: within the step's 1%, over customers' own 100.
    expect(first.outputs.result).toBe('fail')
    expect(first.code).toBe(1)
    const diffs = JSON.parse(first.outputs.diffs ?? '[]') as { name: string; result: string }[]
    expect(diffs.map((d) => [d.name, d.result])).toEqual([
      ['orders', 'pass'],
      ['payments', 'pass'],
      ['customers', 'fail']
    ])
    expect(first.stdout).toMatch(
      /::error title=Datafold threshold exceeded::diff \d+ \(customers\): rows-changed 250/
    )
    const [comment] = github.commentsOn()
    // Problems first; each row named as the plan names it, linked to its diff.
    expect(comment?.body).toMatch(
      /\| ❌ \[customers\]\([^)]*\/datadiffs\/\d+\/overview\)<br>[^\n]*\n\| ✅ \[orders\]\(/
    )
    // A row shows its own limit, and where it came from, where the step's differs.
    expect(comment?.body).toContain('**250**&nbsp;❌<br><sub>max&nbsp;100&nbsp;(plan)</sub>')
    expect(comment?.body).toContain('<!-- datafold-diff-gate:state v2 ')
    // The data sources' passwords are masked for the runner, and written nowhere else.
    expect(first.stdout).toContain('::add-mask::sf-Pa55word-planted')
    expect(first.everything.replace(/^::add-mask::.*$/gm, '')).not.toContain('sf-Pa55word')

    const again = await fakes.run('', planRun(github, {}))
    expect(creates(datafold)).toHaveLength(3)
    expect(again.outputs['diff-ids']).toBe(ids.join(','))
    expect(again.outputs['created-diff-ids']).toBe('')
    expect(again.stdout).toContain(`orders: reusing diff ${ids[0]}, created for this commit before`)
    expect(datafold.cancellations).toEqual([])
  }, 70_000)

  it("names tables and columns as each data source's warehouse stores them, a data source given by id too", async () => {
    const fakes = await start()
    const { datafold, github } = fakes
    const plan = `defaults: { primary-key: order_id }
diffs:
  - name: by-name
    table-a: analytics.prod.orders
    table-b: analytics."Dbt_PR".orders
    include-columns: ['"Amount"', status]
  - { name: by-id, data-source: 11, table-a: prod.orders, table-b: pr.orders }
  - { name: postgres, data-source: 21, table-a: prod.orders, table-b: pr."Orders" }
`
    const run = await fakes.run('', planRun(github, {}, SHA, plan))
    expect(run.outputs['created-diff-ids']).not.toBe('')
    const names = datafold.created.map(({ body }) => [
      body.table1,
      body.table2,
      body.pk_columns,
      body.include_columns
    ])
    expect(names).toEqual([
      // warehouse (by name) and 11 (by id) are Snowflake: unquoted names upper-case.
      [
        ['ANALYTICS', 'PROD', 'ORDERS'],
        ['ANALYTICS', 'Dbt_PR', 'ORDERS'],
        ['ORDER_ID'],
        ['Amount', 'STATUS']
      ],
      [['PROD', 'ORDERS'], ['PR', 'ORDERS'], ['ORDER_ID'], undefined],
      // 21 is Postgres: as written, quotes taken off.
      [['prod', 'orders'], ['pr', 'Orders'], ['order_id'], undefined]
    ])
    // One list of the data sources answers the name and both ids' types.
    const lists = datafold.requests.filter((r) => r.path === '/api/v1/data_sources')
    expect(lists).toHaveLength(1)
  }, 60_000)

  it('cancels exactly the diffs it created when wait-timeout ends first, never a given one', async () => {
    const fakes = await start({ polls: 1_000 })
    const { datafold, github } = fakes
    datafold.scenarios[555] = runningScenario(1_000, sameDbDone({ id: 555 }))
    const run = await fakes.run('555', planRun(github, { 'wait-timeout': '4s' }))
    const ids = datafold.created.map((c) => c.id)
    expect(ids).toHaveLength(3)
    expect([...datafold.cancellations].sort()).toEqual([...ids].sort())
    for (const id of ids) {
      expect(run.stdout).toMatch(
        new RegExp(`Cancelled diff ${id} \\(\\w+\\): wait-timeout ended before it finished`)
      )
    }
    expect(run.outputs['diff-ids']).toBe(['555', ...ids].join(','))
    expect(run.outputs.result).toBe('error')
    // Cancelled diffs are not kept for reuse: the state carries only what the report found.
    const carried = readState(github.commentsOn()[0]?.body)
    expect(carried?.created.size).toBe(0)
    expect(carried?.report?.unchecked).toBe(4)
  }, 60_000)

  it('cancels the diffs it created when the job is cancelled (SIGTERM)', async () => {
    const fakes = await start({ polls: 1_000 })
    const { datafold, github } = fakes
    const run = await fakes.run('', {
      ...planRun(github, { 'wait-timeout': '5m' }),
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (datafold.created.length === 3) {
            clearInterval(timer)
            child.kill('SIGTERM')
          }
        }, 50)
        child.on('exit', () => {
          clearInterval(timer)
        })
      }
    })
    const ids = datafold.created.map((c) => c.id)
    expect([...datafold.cancellations].sort()).toEqual([...ids].sort())
    expect(run.stdout).toContain('Received SIGTERM: cancelling the diffs this run created')
    for (const id of ids) {
      expect(run.stdout).toMatch(
        new RegExp(`Cancelled diff ${id} \\(\\w+\\): the job was cancelled`)
      )
    }
    expect(run.code).not.toBe(0)
  }, 60_000)

  it('with wait-timeout 0 cancels nothing; the next commit cancels what is still running', async () => {
    const fakes = await start({ polls: 1_000 })
    const { datafold, github } = fakes
    const first = await fakes.run('', planRun(github, { 'wait-timeout': '0' }))
    const olderIds = datafold.created.map((c) => c.id)
    expect(datafold.cancellations).toEqual([])
    expect(first.outputs.result).toBe('error')
    expect(first.summary).toContain('wait-timeout is 0')

    const next = await fakes.run('', planRun(github, { 'wait-timeout': '0' }, NEXT_SHA))
    expect([...datafold.cancellations].sort()).toEqual([...olderIds].sort())
    for (const id of olderIds) {
      expect(next.stdout).toContain(
        `Cancelled diff ${id} (for commit a1b2c3d): replaced by commit ffeeddc`
      )
    }
    expect(datafold.created).toHaveLength(6)
  }, 60_000)

  it("makes a create Datafold refuses (422) that entry's error, with the detail; the others go on", async () => {
    const fakes = await start({
      refuse: (body) =>
        body.data_source2_id === 12
          ? [
              {
                loc: ['body', 'table2'],
                msg: 'table not found: PR.A1B2C3D.PAYMENTS',
                type: 'value_error'
              }
            ]
          : []
    })
    const { datafold, github } = fakes
    const run = await fakes.run('', planRun(github, {}))
    expect(datafold.created).toHaveLength(2)
    expect(run.outputs.result).toBe('error')
    expect(run.outputs['diff-ids']?.split(',')).toHaveLength(2)
    const reason =
      'payments: could not create the diff: Datafold refused the request (HTTP 422): body.table2: table not found: PR.A1B2C3D.PAYMENTS'
    expect(run.stdout).toContain(reason)
    const body = github.commentsOn()[0]?.body ?? ''
    // The table names the entry and what it meant to compare; the details say why it failed.
    expect(body).toMatch(
      /\| ⚠️ payments <sub>cross-db<\/sub><br><sub>prod → pr\.<wbr>a1b2c3d · could not be checked: could not create the diff: Datafold refused the request &#40;HTTP 422&#41;/
    )
    expect(body).toContain('analytics.prod.payments → analytics.pr.a1b2c3d.payments (cross-db)')
    expect(body).toContain('table not found: PR.A1B2C3D.PAYMENTS')
  }, 60_000)

  it('reports all five mistakes of a plan and sends no request', async () => {
    const fakes = await start()
    const { datafold, github } = fakes
    const run = await fakes.run(
      '',
      planRun(
        github,
        {},
        SHA,
        `
defaults:
  max-rows-changed: lots
diffs:
  - name: orders
    table-a: analytics..orders
    table-b: b.orders
    primary-key: id
  - name: payments
    table-a: a.payments
    table-b: b.payments
  - name: events
    table-a: a.events
    table-b: b.events
    primary-key: id
    max-row-changed: 5%
  - name: orders
    query-a: select 1
    table-b: b.x
    primary-key: id
`
      )
    )
    expect(run.code).toBe(1)
    const message = firstError(run)
    expect(message).toContain('Invalid plan (plan-file .github/datafold-plan.yml), 5 problems')
    for (const problem of [
      'defaults: max-rows-changed: expected a count',
      'entry 1 (orders): table-a: not a table path',
      'entry 2 (payments): primary-key: required',
      'entry 3 (events): max-row-changed: unknown key; did you mean max-rows-changed?',
      'entry 4 (orders): name: another entry has this name'
    ]) {
      expect(message).toContain(problem)
    }
    expect(datafold.requests).toEqual([])
  }, 60_000)

  it('never shows a secret a refused plan quotes, such as the API key pasted as a name', async () => {
    const fakes = await start()
    const key = 'dfk_e2e_plan_0123456789abcdef'
    const run = await fakes.run(
      '',
      planRun(fakes.github, {}, SHA, `diffs:\n  - name: "${key}"\n    table-a: a.b\n`)
    )
    expect(run.code).toBe(1)
    // The plan's problems name the entry by its name: the key, masked by the action itself.
    expect(firstError(run)).toContain('entry 1 (***): table-b: required')
    const shown = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    expect(shown.filter((line) => line.includes(key))).toEqual([])
    expect(fakes.datafold.requests).toEqual([])
  }, 60_000)
})
