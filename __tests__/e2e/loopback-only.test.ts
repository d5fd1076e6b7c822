// The guard every end-to-end run preloads must stop a request to any host but loopback, before it
// is sent, or a test pointed at a real service would quietly reach it. Each test starts a process:
// its timeout is ten times its duration on a busy 2-core machine.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

const GUARD = join(REPO_ROOT, '__fixtures__', 'loopback-only.cjs')

function fetchWithGuard(url: string, env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    ['--require', GUARD, '-e', `fetch(${JSON.stringify(url)}).catch(() => process.exit(3))`],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }
  )
}

describe('loopback-only guard', () => {
  it('ends the process before a request to another host, naming it', () => {
    const run = fetchWithGuard('https://api.github.com/user')
    expect(run.status).toBe(86)
    expect(run.stderr).toContain(
      'loopback-only: the action tried to reach https://api.github.com/user'
    )
  }, 10_000)

  it('lets a request to 127.0.0.1 through (it fails here: nothing listens on port 9)', () => {
    const run = fetchWithGuard('http://127.0.0.1:9/')
    expect(run.status).toBe(3)
    expect(run.stderr).toBe('')
  }, 10_000)

  it('lets through a host E2E_ALSO_ALLOWED names', () => {
    const run = fetchWithGuard('https://datafold.test/', { E2E_ALSO_ALLOWED: 'datafold.test' })
    expect(run.status).toBe(3)
  }, 10_000)
})
