// The README's first command: the demo runs the bundle against the embedded demo Datafold API,
// with no credentials and no network, prints the report and the outputs, and exits with the
// action's exit code. Your own plan runs alone against it, read from where you are.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { changedProject, writeManifests } from '../../__fixtures__/dbt-manifests.js'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

/** This environment without a real Datafold's settings, nor the npm run that started jest. */
function demoEnv(extraEnv: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries({ ...process.env, ...extraEnv }).filter(
    ([name]) => !name.startsWith('npm_') && name !== 'INIT_CWD' && !name.startsWith('DATAFOLD_')
  )
  return Object.fromEntries(kept)
}

function demo(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: REPO_ROOT,
    env: demoEnv(extraEnv),
    encoding: 'utf8',
    timeout: 60_000
  })
}

/** `npm run demo -- args` as a newcomer types it, from `cwd`: npm runs it in the repository. */
function npmRunDemo(cwd: string, args: string[]) {
  return spawnSync('npm', ['run', '--prefix', REPO_ROOT, 'demo', '--', ...args], {
    cwd,
    env: demoEnv(),
    encoding: 'utf8',
    timeout: 90_000
  })
}

/** The lines the demo prints for the diffs the action asked the demo Datafold to create. */
function createdLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^\d+: .+ → .+, key /.test(line))
}

/** The plan entries' names in the `diffs` output. */
function gatedNames(stdout: string): (string | undefined)[] {
  const line = /^diffs: (.*)$/m.exec(stdout)?.[1] ?? '[]'
  return (JSON.parse(line) as { name?: string }[]).map((diff) => diff.name)
}

/** A plan of two tables in `dir`/plans/orders.yml, with no data source: the demo's is used. */
function writePlan(dir: string, maxRowsChanged: string): string {
  mkdirSync(join(dir, 'plans'))
  const file = join(dir, 'plans', 'orders.yml')
  writeFileSync(file, planText(maxRowsChanged))
  return file
}

function planText(maxRowsChanged: string): string {
  return [
    'defaults:',
    '  primary-key: order_id',
    `  max-rows-changed: ${maxRowsChanged}`,
    'diffs:',
    '  - name: stg_orders',
    '    table-a: raw.prod.stg_orders',
    '    table-b: raw.pr_12.stg_orders',
    '  - name: orders_by_week',
    '    table-a: mart.prod.orders_by_week',
    '    table-b: mart.pr_12.orders_by_week',
    ''
  ].join('\n')
}

/** What the action sent for planText's plan on the demo's Snowflake data source. */
const PLAN_CREATES = [
  '9001: RAW.PROD.STG_ORDERS → RAW.PR_12.STG_ORDERS, key ORDER_ID',
  '9002: MART.PROD.ORDERS_BY_WEEK → MART.PR_12.ORDERS_BY_WEEK, key ORDER_ID'
]

describe('npm run demo', () => {
  it('renders the five demo diffs with example thresholds, prints the outputs and exits 1', () => {
    const run = demo([])
    // The showcase fails its check on purpose (102 over its limits, 105 failed), and says so.
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('**Datafold data diff**')
    for (const id of [101, 102, 103, 104, 105])
      expect(run.stdout).toContain(`/datadiffs/${id}/overview`)
    expect(run.stdout).toContain('result: error')
    expect(run.stdout).toContain('comment-id: \n')
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^The action exited with 1: the check fails, as this demo means it to: .*nothing is wrong with your setup\.$/
    )
    // The plan's two diffs are created at the demo Datafold, waited for and gated by name.
    expect(run.stdout).toMatch(/^created-diff-ids: 9001,9002$/m)
    expect(createdLines(run.stdout)).toEqual([
      '9001: ANALYTICS.PROD.FCT_ORDERS_DAILY → ANALYTICS.DBT_CLOUD_PR_4711_482.FCT_ORDERS_DAILY, key ID',
      '9002: ANALYTICS.PROD.DIM_CUSTOMERS → ANALYTICS.DBT_CLOUD_PR_4711_482.DIM_CUSTOMERS, key ID'
    ])
    expect(gatedNames(run.stdout)).toEqual([
      ...[undefined, undefined, undefined, undefined, undefined],
      ...['fct_orders_daily', 'dim_customers']
    ])
  }, 130_000)

  it('runs dbt mode on your own manifests, given relative to where you are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-dbt-'))
    try {
      const files = writeManifests(changedProject(11), dir)
      const here = (file: string) => relative(REPO_ROOT, file)
      const run = demo([
        ...['--dbt-prod-manifest', here(files.prod), '--dbt-manifest', here(files.pr)],
        ...['--data-source', 'warehouse']
      ])
      expect(run.status).toBe(0)
      expect(run.stdout).toContain('dbt mode creates your changed models')
      expect(run.stdout).toContain(
        '**dbt project** <code>jaffle_shop</code>: 3 changed models compared, 3 not compared'
      )
      // Only your models' diffs: the demo diffs are not gated beside them.
      expect(run.stdout).toMatch(/^diff-ids: 9001,9002,9003$/m)
      expect(run.stdout).not.toContain('/datadiffs/101/')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 95_000)

  it('shows the log as a runner does and leaves nothing in the temp directory', () => {
    // A temp directory of its own, so other processes' files do not count.
    const temp = mkdtempSync(join(tmpdir(), 'demo-test-'))
    try {
      const run = demo([], { TMPDIR: temp })
      expect(run.status).toBe(1)
      const lines = run.stdout.split('\n')
      expect(lines.filter((line) => line.startsWith('::'))).toEqual([])
      expect(run.stdout).not.toContain('demo-key')
      expect(lines).toContain(
        'Error (Datafold threshold exceeded): diff 102 (analytics.customers): rows-removed 37 (0.08%) > max 0'
      )
      expect(lines).toContain(
        'Error (Datafold threshold exceeded): diff 102 (analytics.customers): rows-changed 1,205 (2.50%) > max 1%'
      )
      expect(lines.some((line) => line.startsWith('Warning: diff 105 failed in Datafold'))).toBe(
        true
      )
      // tsx, which runs the demo, keeps its compile cache there (tsx-<uid>); nothing else may stay.
      expect(readdirSync(temp).filter((entry) => !/^tsx-\d+$/.test(entry))).toEqual([])
    } finally {
      rmSync(temp, { recursive: true, force: true })
    }
  }, 100_000)

  it('takes the action inputs from the command line', () => {
    const run = demo(['--diff-ids', '101,104', '--max-rows-changed', '1%', '--title', 'Preview'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('**Preview**')
    expect(run.stdout).not.toContain('/datadiffs/102/')
    expect(run.stdout).toContain('result: pass')
    expect(run.stdout).toContain('rows changed ≤ 1%')
    expect(run.stdout).toContain('The action exited with 0: the check passes.')
  }, 60_000)

  it('refuses an input the action does not have', () => {
    const run = demo(['--max-rows-deleted', '0'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("Unknown option '--max-rows-deleted'")
  }, 60_000)

  it('says where it looked for a file you named that is not there', () => {
    const run = demo(['--plan-file', 'no-such-plan.yml'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(
      `--plan-file: no file ${join(REPO_ROOT, 'no-such-plan.yml')} (read from ${REPO_ROOT}, where you ran the demo)`
    )
  }, 60_000)

  it('runs only your plan file, given relative to where you are, and fails as its check does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-plan-'))
    try {
      writePlan(dir, '0')
      const run = npmRunDemo(dir, ['--plan-file', join('plans', 'orders.yml')])
      // Every table the demo Datafold makes up has some changed rows: over a limit of 0.
      expect(run.status).toBe(1)
      expect(createdLines(run.stdout)).toEqual(PLAN_CREATES)
      expect(gatedNames(run.stdout)).toEqual(['stg_orders', 'orders_by_week'])
      expect(run.stdout).toMatch(/^diff-ids: 9001,9002$/m)
      expect(run.stdout).toMatch(/^result: fail$/m)
      expect(run.stdout).not.toContain('/datadiffs/101/')
      expect(run.stdout).toContain(
        'Error (Datafold threshold exceeded): diff 9001 (stg_orders): rows-changed'
      )
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
        'The action exited with 1: the check fails (so does this command, with the same code).'
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)

  it('runs only an inline plan, on the demo data source, and exits 0 within its limits', () => {
    const run = demo(['--plan', planText('50%')])
    expect(run.status).toBe(0)
    expect(createdLines(run.stdout)).toEqual(PLAN_CREATES)
    expect(gatedNames(run.stdout)).toEqual(['stg_orders', 'orders_by_week'])
    expect(run.stdout).toContain('Checking 2 data diffs')
    expect(run.stdout).toMatch(/^result: pass$/m)
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      'The action exited with 0: the check passes.'
    )
  }, 60_000)

  it('gates the demo diffs beside your plan only when --diff-ids asks, failing over a limit', () => {
    const run = demo(['--plan', planText('0'), '--diff-ids', '101'])
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/^diff-ids: 101,9001,9002$/m)
    expect(createdLines(run.stdout)).toEqual(PLAN_CREATES)
    expect(gatedNames(run.stdout)).toEqual([undefined, 'stg_orders', 'orders_by_week'])
    expect(run.stdout).not.toContain('/datadiffs/102/')
  }, 60_000)
})
