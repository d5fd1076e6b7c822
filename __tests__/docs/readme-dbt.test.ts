// The README's dbt mode, run as written on the bundle against the fakes: the deploy workflow keeps
// production's manifest under the name the PR workflow downloads, and the PR workflow's action step
// (the secret filled in) finds both manifests where those steps put them, with the rules example
// as its plan.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { changedProject, writeJson } from '../../__fixtures__/dbt-manifests.js'
import {
  readmeRun,
  readmeSection,
  stepsOf,
  yamlBlocks,
  type ReadmeRun,
  type Workflow
} from '../../__fixtures__/readme-run.js'

let fakes: ReadmeRun | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

it('keeps the manifest the PR workflow downloads, and passes as written', async () => {
  const blocks = yamlBlocks(readmeSection('dbt mode'))
  const [deployText = '', prText = ''] = blocks
  const deployWorkflow = parse(deployText) as Workflow & { name: string }
  const prWorkflow = parse(prText) as Workflow
  const deploy = stepsOf(deployWorkflow)
  const pr = stepsOf(prWorkflow)

  // The deploy job uploads dbt's manifest under the name the PR job downloads, into the folder
  // the action reads production's manifest from.
  const upload = deploy.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
  expect(upload?.with).toMatchObject({ path: 'target/manifest.json' })
  const download = pr.find((s) => s.run?.includes('gh run download'))?.run ?? ''
  const [, artifact, folder = ''] = /--name (\S+) --dir (\S+)/.exec(download) ?? []
  expect(artifact).toBe(upload?.with?.name)
  // From the last successful run of the deploy workflow, by its name.
  expect(/--workflow '([^']+)'/.exec(download)?.[1]).toBe(deployWorkflow.name)

  fakes = await readmeRun(prWorkflow)
  const { datafold, github, workspace, given } = fakes
  expect(given['dbt-prod-manifest']).toBe(`${folder}/manifest.json`)
  // dbt build writes the PR's manifest where the action reads it.
  expect(given['dbt-manifest']).toBe('target/manifest.json')

  const manifests = changedProject(12, { adapter: 'snowflake' })
  writeJson(join(workspace, folder), 'manifest.json', manifests.prod)
  writeJson(join(workspace, 'target'), 'manifest.json', manifests.pr)
  writeFileSync(
    join(workspace, 'datafold-plan.yml'),
    blocks.find((block) => block.includes('rules:')) ?? ''
  )
  const run = await fakes.run({ 'plan-file': 'datafold-plan.yml' })
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
