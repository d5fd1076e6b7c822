// A plan's run on the bundle: a workspace holding the plan file, and the run options that point
// the action at it for PR 482 at a given commit. For the end-to-end tests of plan mode.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeDatafold } from './fake-datafold.js'
import type { FakeGitHub } from './fake-github.js'
import type { Harness, RunOptions } from './harness.js'

export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
export const NEXT_SHA = 'ffeeddccbbaa99887766554433221100ffeeddcc'

/** A workspace with the plan file at .github/datafold-plan.yml. */
export function planWorkspace(harness: Harness, plan: string): string {
  const dir = harness.tempDir()
  mkdirSync(join(dir, '.github'))
  writeFileSync(join(dir, '.github', 'datafold-plan.yml'), plan)
  return dir
}

/** A run of `plan` in a fresh workspace, for PR 482 at commit `sha`, with these inputs. */
export function planRun(
  harness: Harness,
  github: FakeGitHub,
  plan: string,
  inputs: Record<string, string> = {},
  sha = SHA
): RunOptions {
  return {
    inputs: {
      'plan-file': '.github/datafold-plan.yml',
      'data-source': 'warehouse',
      'max-rows-changed': '1%',
      ...inputs
    },
    payload: { pull_request: { number: 482, head: { sha } } },
    serverUrl: github.serverUrl,
    env: { GITHUB_WORKSPACE: planWorkspace(harness, plan), GITHUB_SHA: 'merge-commit-not-used' }
  }
}

/** The creates Datafold was sent. */
export const creates = (datafold: FakeDatafold) =>
  datafold.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/datadiffs')
