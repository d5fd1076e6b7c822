// The README's dbt mode, run as written on the bundle against the fakes: the deploy workflow keeps
// production's manifest under the name the PR workflow downloads, and the PR workflow's action step
// (the secret filled in) finds both manifests where those steps put them, with the rules example
// as its plan.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { dataSources } from '../../__fixtures__/data-sources.js'
import { changedProject, writeJson } from '../../__fixtures__/dbt-manifests.js'
import { startFakeDatafold } from '../../__fixtures__/fake-datafold.js'
import { startFakeGitHub } from '../../__fixtures__/fake-github.js'
import { runAction } from '../../__fixtures__/run-action.js'

const API_KEY = 'dfk_readme_dbt_0123456789'
const TOKEN = 'ghs_readme_dbt_0123456789'

let cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup) await step()
  cleanup = []
})

type Step = { uses?: string; run?: string; with?: Record<string, unknown> }
interface Workflow {
  jobs: Record<string, { steps: Step[] }>
}

function section(): string {
  const readme = readFileSync('README.md', 'utf8')
  const start = readme.indexOf('## dbt mode')
  return readme.slice(start, readme.indexOf('\n## ', start + 5))
}

const yamlBlocks = (text: string) =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')

const stepsOf = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps)

it('keeps the manifest the PR workflow downloads, and passes as written', async () => {
  const [deployText = '', prText = ''] = yamlBlocks(section())
  const deployWorkflow = parse(deployText) as Workflow & { name: string }
  const deploy = stepsOf(deployWorkflow)
  const pr = stepsOf(parse(prText) as Workflow)

  // The deploy job uploads dbt's manifest under the name the PR job downloads, into the folder
  // the action reads production's manifest from.
  const upload = deploy.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
  expect(upload?.with).toMatchObject({ path: 'target/manifest.json' })
  const download = pr.find((s) => s.run?.includes('gh run download'))?.run ?? ''
  const [, artifact, folder] = /--name (\S+) --dir (\S+)/.exec(download) ?? []
  expect(artifact).toBe(upload?.with?.name)
  // From the last successful run of the deploy workflow, by its name.
  expect(/--workflow '([^']+)'/.exec(download)?.[1]).toBe(deployWorkflow.name)
  const step = pr.find((s) => s.uses?.startsWith('datafold-diff-gate/'))
  const given = Object.fromEntries(
    Object.entries(step?.with ?? {}).map(([name, value]) => [
      name,
      String(value).replace('${{ secrets.DATAFOLD_API_KEY }}', API_KEY)
    ])
  )
  expect(given['dbt-prod-manifest']).toBe(`${folder ?? ''}/manifest.json`)
  // dbt build writes the PR's manifest where the action reads it.
  expect(given['dbt-manifest']).toBe('target/manifest.json')

  const rules = yamlBlocks(section()).find((block) => block.includes('rules:')) ?? ''
  const datafold = await startFakeDatafold({
    apiKey: API_KEY,
    dataSources: [
      ...dataSources(),
      { id: 31, name: String(given['data-source']), type: 'snowflake' }
    ],
    create: { polls: 1 }
  })
  const github = await startFakeGitHub({ token: TOKEN })
  const workspace = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-readme-dbt-'))
  cleanup.push(
    () => datafold.close(),
    () => github.close(),
    () => {
      rmSync(workspace, { recursive: true, force: true })
    }
  )
  const manifests = changedProject(12, { adapter: 'snowflake' })
  writeJson(join(workspace, folder ?? ''), 'manifest.json', manifests.prod)
  writeJson(join(workspace, 'target'), 'manifest.json', manifests.pr)
  writeFileSync(join(workspace, 'datafold-plan.yml'), rules)

  const run = await runAction({
    inputs: {
      ...given,
      'plan-file': 'datafold-plan.yml',
      'datafold-host': datafold.url,
      'github-token': TOKEN
    },
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
    ['ANALYTICS', 'DBT_PR_482', 'CUSTOMERS'],
    ['ANALYTICS', 'DBT_PR_482', 'ORDERS'],
    ['ANALYTICS', 'DBT_PR_482', 'PAYMENTS']
  ])
  expect(datafold.created.every((c) => c.body.data_source1_id === 31)).toBe(true)
  expect(github.commentsOn()[0]?.body).toContain('**dbt project** <code>jaffle_shop</code>')
}, 60_000)
