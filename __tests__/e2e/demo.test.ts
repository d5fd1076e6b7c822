// The README's first command: the demo runs the bundle against the embedded demo Datafold API,
// with no credentials and no network, and prints the report and the outputs.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

function demo(args: string[]) {
  const env = { ...process.env }
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
    expect(run.stdout).toContain('## Datafold data diff')
    for (const id of [101, 102, 103, 104, 105])
      expect(run.stdout).toContain(`/datadiffs/${id}/overview`)
    expect(run.stdout).toContain('result: error')
    expect(run.stdout).toContain('comment-id: \n')
    expect(run.stdout).toContain('The action exited with 1: the check fails.')
  }, 60_000)

  it('takes the action inputs from the command line', () => {
    const run = demo(['--diff-ids', '101,104', '--max-rows-changed', '1%', '--title', 'Preview'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('## Preview')
    expect(run.stdout).not.toContain('/datadiffs/102/')
    expect(run.stdout).toContain('result: pass')
    expect(run.stdout).toContain('rows-changed ≤ 1%')
    expect(run.stdout).toContain('The action exited with 0: the check passes.')
  }, 60_000)

  it('refuses an input the action does not have', () => {
    const run = demo(['--max-rows-deleted', '0'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("Unknown option '--max-rows-deleted'")
  }, 60_000)
})
