// The README's Quick start, run as written on the bundle against the fakes: its workflow's action
// step (the secret filled in) with its plan file beside it, on a pull request.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { startFakeDatafold } from '../../__fixtures__/fake-datafold.js'
import { startFakeGitHub } from '../../__fixtures__/fake-github.js'
import { runAction } from '../../__fixtures__/run-action.js'

const API_KEY = 'dfk_quick_start_0123456789'
const TOKEN = 'ghs_quick_start_0123456789'

let cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup) await step()
  cleanup = []
})

interface Workflow {
  jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>
}

function quickStart(): { workflow: Workflow; plan: string; planPath: string } {
  const readme = readFileSync('README.md', 'utf8')
  const section = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5)
  )
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
  const [workflow = '', plan = ''] = blocks
  const planPath = /^`(\.github\/[^`]+\.yml)`, beside it/m.exec(section)?.[1] ?? ''
  return { workflow: parse(workflow) as Workflow, plan, planPath }
}

it('passes as written, with its placeholders filled in', async () => {
  const { workflow, plan, planPath } = quickStart()
  const step = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .find((s) => s.uses?.startsWith('datafold-diff-gate/'))
  const given = Object.fromEntries(
    Object.entries(step?.with ?? {}).map(([name, value]) => [
      name,
      String(value).replace('${{ secrets.DATAFOLD_API_KEY }}', API_KEY)
    ])
  )
  expect(given['plan-file']).toBe(planPath)

  const datafold = await startFakeDatafold({
    apiKey: API_KEY,
    dataSources: [
      ...dataSources(),
      { id: 31, name: String(given['data-source']), type: 'snowflake' }
    ],
    create: { polls: 1 }
  })
  const github = await startFakeGitHub({ token: TOKEN })
  const workspace = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-quick-start-'))
  cleanup.push(
    () => datafold.close(),
    () => github.close(),
    () => {
      rmSync(workspace, { recursive: true, force: true })
    }
  )
  mkdirSync(join(workspace, '.github'))
  writeFileSync(join(workspace, planPath), plan)

  const run = await runAction({
    inputs: { ...given, 'datafold-host': datafold.url, 'github-token': TOKEN },
    payload: {
      pull_request: { number: 482, head: { sha: '0123456789abcdef0123456789abcdef01234567' } }
    },
    apiUrl: github.url,
    serverUrl: github.serverUrl,
    env: { GITHUB_WORKSPACE: workspace }
  })
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
  expect(run.outputs.result).toBe('pass')
  expect(datafold.created.map((c) => c.body.table2)).toEqual([
    ['analytics', 'dbt_pr_482', 'orders'],
    ['analytics', 'dbt_pr_482', 'customers']
  ])
  expect(datafold.created.every((c) => c.body.data_source1_id === 31)).toBe(true)
  expect(github.commentsOn()).toHaveLength(1)
}, 60_000)
