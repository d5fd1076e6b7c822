// What a pull request's dbt files cannot do to the bundle (`node dist/index.js` against the fake
// Datafold and GitHub): have a manifest read from outside the workspace or from a pipe, pass the
// step on another project's production manifest (a v8 manifest, which names its project by
// project_id alone), or hang it with a glob made to backtrack, in a rule or in ignore-columns.
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { dataSources } from '../../__fixtures__/data-sources.js'
import {
  changedProject,
  JAFFLE_SHOP,
  projectPair,
  withModels,
  writeJson,
  writeManifests,
  type ModelSpec
} from '../../__fixtures__/dbt-manifests.js'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import { finishedScenario } from '../../__fixtures__/fake-datafold.js'
import type { FakeGitHub } from '../../__fixtures__/fake-github.js'
import { firstError, type RunOptions } from '../../__fixtures__/harness.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { runnerLogLine } from '../../scripts/demo-log.js'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'

const harness = sweptHarness(suiteSecrets('dbt_harden'))

const start = () =>
  harness.start({
    scenarios: {},
    datafold: {
      dataSources: dataSources(),
      create: { polls: 1, summary: (_body, id) => sameDbDone({ id }) }
    }
  })

/** `*a*a…*ab`: 25 stars, no match against a name of 60 a's; a backtracking RegExp never ends. */
const BACKTRACKING_GLOB = `${'*a'.repeat(25)}b`
const LONG_NAME = 'a'.repeat(60)

/** A workspace with production's manifest at prod/, the PR's at target/, and a plan. */
function workspace(pair: { prod: object; pr: object }, plan = ''): string {
  const dir = harness.tempDir()
  writeManifests(pair, dir)
  if (plan !== '') writeFileSync(join(dir, 'datafold-plan.yml'), plan)
  return dir
}

function dbtRun(github: FakeGitHub, dir: string, inputs: Record<string, string> = {}): RunOptions {
  return {
    inputs: { 'dbt-prod-manifest': 'prod/manifest.json', 'data-source': 'warehouse', ...inputs },
    payload: { pull_request: { number: 482, head: { sha: SHA } } },
    serverUrl: github.serverUrl,
    env: { GITHUB_WORKSPACE: dir },
    // A run that hangs is killed, and fails the test, well before jest's own timeout.
    timeoutMs: 30_000
  }
}

/** The step's failure message as the job's log shows it. */
const failure = (run: Parameters<typeof firstError>[0]): string =>
  runnerLogLine(firstError(run)) ?? ''

describe('a manifest', () => {
  it('outside the workspace is refused before any request, naming the input', async () => {
    const fakes = await start()
    const dir = workspace(changedProject(12))
    // Production's manifest where the workflow might download it: beside the workspace.
    const outside = writeJson(harness.tempDir(), 'manifest.json', changedProject(12).prod)
    const run = await fakes.run('', dbtRun(fakes.github, dir, { 'dbt-prod-manifest': outside }))
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      new RegExp(`dbt-prod-manifest: ${outside}: outside the workspace \\(.*\\): it is ${outside}`)
    )
    expect(fakes.datafold.requests).toEqual([])
  }, 60_000)

  it('that is a named pipe is refused before any request, naming the input', async () => {
    const fakes = await start()
    const dir = workspace(changedProject(12))
    rmSync(join(dir, 'target', 'manifest.json'))
    execFileSync('mkfifo', [join(dir, 'target', 'manifest.json')])
    const run = await fakes.run('', dbtRun(fakes.github, dir))
    expect(run.code).toBe(1)
    expect(failure(run)).toContain(
      'dbt-manifest: target/manifest.json: a named pipe, not a regular file'
    )
    expect(fakes.datafold.requests).toEqual([])
  }, 60_000)
})

describe("production's manifest of another project", () => {
  it.each([8, 12] as const)(
    'is refused in schema v%i, naming both projects, and nothing is sent',
    async (version) => {
      const fakes = await start()
      const mine = changedProject(version)
      const theirs = projectPair({ ...JAFFLE_SHOP, name: 'other_shop' }, JAFFLE_SHOP, { version })
      const dir = workspace({ prod: theirs.prod, pr: mine.pr })
      const run = await fakes.run('', dbtRun(fakes.github, dir))
      expect(run.code).toBe(1)
      expect(failure(run)).toContain(
        "prod/manifest.json is the manifest of project other_shop, and target/manifest.json of project jaffle_shop: give production's manifest of the same project"
      )
      expect(fakes.datafold.requests).toEqual([])
    },
    60_000
  )
})

describe('a glob made to backtrack', () => {
  it('in a dbt rule finishes: the model it does not match keeps the step thresholds', async () => {
    const fakes = await start()
    const model: ModelSpec = {
      name: LONG_NAME,
      sql: 'select id from raw.a',
      columns: [{ name: 'id', tests: ['unique', 'not_null'] }]
    }
    const prod = withModels(JAFFLE_SHOP, model)
    const pr = withModels(JAFFLE_SHOP, { ...model, sql: 'select id, 1 as x from raw.a' })
    const plan = `rules:\n  - match: { name: '${BACKTRACKING_GLOB}' }\n    max-rows-changed: 50%\n`
    const dir = workspace(projectPair(prod, pr, { version: 12 }), plan)
    const run = await fakes.run(
      '',
      dbtRun(fakes.github, dir, { 'plan-file': 'datafold-plan.yml', 'max-rows-changed': '1%' })
    )
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    expect(fakes.datafold.created.map((c) => c.body.table2)).toEqual([
      ['analytics', 'dbt_pr_482', LONG_NAME]
    ])
    // No limit of its own: the step's 1%, not the rule's 50%.
    const body = fakes.github.commentsOn()[0]?.body ?? ''
    expect(body).toContain("<sub>**The step's limits:** rows changed ≤ 1%.</sub>")
    expect(body).not.toContain('50%')
  }, 60_000)

  it('in ignore-columns finishes: the column it does not match is checked', async () => {
    const fakes = await harness.start({
      scenarios: {
        101: finishedScenario(
          sameDbDone({ id: 101, columns: [LONG_NAME, 'amount'], differences: { [LONG_NAME]: 250 } })
        )
      }
    })
    const run = await fakes.run('101', {
      inputs: { 'ignore-columns': BACKTRACKING_GLOB, 'min-column-match': '100' },
      timeoutMs: 30_000
    })
    expect(run.code).toBe(1)
    const breaches = JSON.parse(run.outputs.breaches ?? '[]') as { column?: string }[]
    expect(breaches.map((b) => b.column)).toEqual([LONG_NAME])
  }, 60_000)
})
