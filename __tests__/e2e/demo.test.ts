// The README's first command: the demo runs the bundle against the embedded demo Datafold API,
// with no credentials and no network, and prints the report and the outputs.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { changedProject, writeManifests } from '../../__fixtures__/dbt-manifests.js'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

function demo(args: string[], extraEnv: Record<string, string> = {}) {
  const env = { ...process.env, ...extraEnv }
  delete env.DATAFOLD_API_KEY
  delete env.DATAFOLD_HOST
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000
  })
}

describe('npm run demo', () => {
  it('renders the five demo diffs with example thresholds and prints the outputs', () => {
    const run = demo([])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('**Datafold data diff**')
    for (const id of [101, 102, 103, 104, 105])
      expect(run.stdout).toContain(`/datadiffs/${id}/overview`)
    expect(run.stdout).toContain('result: error')
    expect(run.stdout).toContain('comment-id: \n')
    expect(run.stdout).toContain('The action exited with 1: the check fails.')
    // The plan's two diffs are created at the demo Datafold, waited for and gated by name.
    expect(run.stdout).toMatch(/^created-diff-ids: \d+,\d+$/m)
    expect(run.stdout).toContain('fct_orders_daily')
    expect(run.stdout).toContain('dim_customers')
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
      expect(run.status).toBe(0)
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
})
