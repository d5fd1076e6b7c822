// docs/recipes.md's fork pull request recipe, walked as a user would: the pull_request job, step by
// step, packs the files the report job reads; the workflow_run job, from the artifact only (no
// checkout), checks them and runs the gate on the bundle against the fakes, which comments on the PR
// the artifact names and posts the verdict on its head commit.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { demoScenario } from '../../__fixtures__/diffs.js'
import {
  actionStep,
  docSection,
  NOTHING_TO_DO,
  PR_HEAD_SHA,
  prContext,
  readmeRun,
  yamlBlocks,
  type ReadmeRun
} from '../../__fixtures__/readme-run.js'
import type { ActionRun } from '../../__fixtures__/run-action.js'
import { runJob, type UsesHandler, type WorkflowFile } from '../../__fixtures__/workflow-run.js'

const ACTION = 'datafold-diff-gate/datafold-diff-gate'
const RECIPE = 'Fork pull requests: compute in `pull_request`, comment from `workflow_run`'

type Report = WorkflowFile & {
  permissions: Record<string, string>
  jobs: Record<string, { if?: string }>
}

let fakes: ReadmeRun | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

it('reaches the report job with every file it reads, and gates the PR the artifact names', async () => {
  const [computeText = '', reportText = ''] = yamlBlocks(docSection('docs/recipes.md', RECIPE))
  const compute = parse(computeText) as WorkflowFile & { name: string }
  const report = parse(reportText) as Report & { on: { workflow_run: { workflows: string[] } } }
  expect(report.on.workflow_run.workflows).toEqual([compute.name])
  expect(report.permissions).toEqual({
    actions: 'read',
    'pull-requests': 'write',
    statuses: 'write'
  })
  expect(Object.values(report.jobs)[0]?.if).toBe(
    "github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion == 'success'"
  )

  fakes = await readmeRun(report, {}, { scenarios: demoScenario() })
  const { scratch, github, workspace } = fakes
  const artifacts = join(scratch, 'artifacts')
  const prWorkspace = join(scratch, 'pr')
  mkdirSync(prWorkspace)
  // The user's step that creates the diffs writes their ids here.
  writeFileSync(join(prWorkspace, 'diff-ids.txt'), '101\n104\n')
  const upload: UsesHandler = (_step, inputs, cwd) => {
    cpSync(join(cwd, inputs.path ?? ''), join(artifacts, inputs.name ?? ''), { recursive: true })
    return {}
  }
  await runJob(compute, {
    workspace: prWorkspace,
    scratch: join(scratch, 'pr-runner'),
    context: prContext(),
    uses: { 'actions/checkout': NOTHING_TO_DO, 'actions/upload-artifact': upload }
  })

  const download: UsesHandler = (_step, inputs, cwd) => {
    expect(inputs['run-id']).toBe('9001')
    cpSync(join(artifacts, inputs.name ?? ''), cwd, { recursive: true })
    return {}
  }
  const workflowRun = {
    id: 9001,
    event: 'pull_request',
    conclusion: 'success',
    head_sha: PR_HEAD_SHA,
    pull_requests: [] // a fork's pull request is not listed
  }
  const runs: ActionRun[] = []
  const event = { eventName: 'workflow_run', payload: { workflow_run: workflowRun } }
  await runJob(report, {
    workspace,
    scratch: join(scratch, 'report-runner'),
    context: { ...prContext(), github: { token: 'ghs_x', event: { workflow_run: workflowRun } } },
    uses: { 'actions/download-artifact': download, [ACTION]: actionStep(fakes, runs, {}, event) }
  })
  const [run] = runs
  expect(run?.stderr).toBe('')
  expect(run?.outputs['diff-ids']).toBe('101,104')
  expect(github.commentsOn(482)).toHaveLength(1)
  expect(github.statuses.map((s) => [s.sha, s.context]).at(-1)).toEqual([
    PR_HEAD_SHA,
    'Datafold diff gate'
  ])
}, 60_000)
