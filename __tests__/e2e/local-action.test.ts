// GitHub's local runner, as its README and GitHub's TypeScript action template document it:
// `npx @github/local-action run . src/main.ts .env` calls main.ts's run() with @actions/core and
// @actions/github stood in for. Run here with the repository's .env.example filled in, against the
// e2e fakes on loopback. The process starts npm, tsx and the action: its timeout is generous.
import { afterAll, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_SECRETS, Harness } from '../../__fixtures__/harness.js'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'

const harness = new Harness()
afterAll(async () => {
  const { leaks } = await harness.end()
  expect(leaks).toEqual([])
})

/** .env.example with `values` set: each must be a line of it, set or commented out. */
function filledIn(values: Record<string, string>): string {
  let text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8')
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^(# )?${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}=.*$`, 'm')
    expect([name, line.test(text)]).toEqual([name, true])
    text = text.replace(line, `${name}=${value}`)
  }
  return text
}

function localAction(envFile: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['@github/local-action', 'run', '.', 'src/main.ts', envFile], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        // No network for npm, no colours in the log; the action reaches loopback only.
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
        FORCE_COLOR: '0',
        NODE_OPTIONS: `--require ${join(REPO_ROOT, '__fixtures__', 'loopback-only.cjs')}`
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

/** The `Action Outputs` table local-action prints: name → value. */
function outputsOf(out: string): Record<string, string> {
  const table = out.slice(out.lastIndexOf('Action Outputs'))
  return Object.fromEntries(
    [...table.matchAll(/^│ \d+ +│ '([^']+)' +│ (?:'(.*)'|"(.*)") +│$/gm)].map((m) => [
      m[1] ?? '',
      m[2] ?? m[3] ?? ''
    ])
  )
}

it('runs the source with the documented .env: diffs read, the comment written, outputs printed', async () => {
  const { datafold, github } = await harness.start()
  const dir = harness.tempDir()
  const summary = join(dir, 'summary.md')
  const envFile = join(dir, '.env')
  writeFileSync(
    envFile,
    filledIn({
      'INPUT_API-KEY': E2E_SECRETS.apiKey,
      'INPUT_DATAFOLD-HOST': datafold.url,
      'INPUT_DIFF-IDS': '101,102',
      'INPUT_COMMENT-MODE': 'update',
      'INPUT_PR-NUMBER': '482',
      'INPUT_GITHUB-TOKEN': E2E_SECRETS.token,
      GITHUB_REPOSITORY: 'acme/analytics-dbt',
      GITHUB_API_URL: github.url,
      GITHUB_STEP_SUMMARY: summary
    })
  )
  const run = await localAction(envFile)

  expect(run.out).toContain('Running Action')
  // What Datafold and GitHub received: both diffs read with the key, one report comment.
  const read = datafold.requests.filter((r) => r.endpoint === 'summary_results')
  expect(read.map((r) => r.diffId).sort()).toEqual(['101', '102'])
  expect(read.every((r) => r.headers.authorization === `Key ${E2E_SECRETS.apiKey}`)).toBe(true)
  const comments = github.commentsOn(482)
  expect(comments).toHaveLength(1)
  expect(comments[0]?.body).toContain('analytics.customers')
  // The outputs, as local-action prints them (its stand-in for @actions/core keeps them).
  const outputs = outputsOf(run.out)
  expect(outputs).toMatchObject({
    result: 'fail',
    'breach-count': '2',
    'diff-ids': '101,102',
    'comment-id': String(comments[0]?.id)
  })
  expect(run.out).toMatch(
    /::error title=Datafold threshold exceeded::diff 102 \(analytics\.customers\): rows-removed 37/
  )
  expect(readFileSync(summary, 'utf8')).toContain('analytics.customers')
  expect(run.out).not.toContain(E2E_SECRETS.apiKey)
}, 200_000)
