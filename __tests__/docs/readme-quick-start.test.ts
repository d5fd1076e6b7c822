// The README's first quick start, run as written: its workflow's job, step by step, in a repository
// with the plan file where the text puts it (dbt stood in for), and the action's step on the bundle
// against the fakes, on a pull request.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import {
  actionStep,
  NOTHING_TO_DO,
  outcome,
  PASSED,
  prContext,
  readmeRun,
  readmeSection,
  yamlBlocks,
  type ReadmeRun
} from '../../__fixtures__/readme-run.js'
import type { ActionRun } from '../../__fixtures__/run-action.js'
import { runJob, type WorkflowFile } from '../../__fixtures__/workflow-run.js'

let fakes: ReadmeRun | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

it('passes as written: the job, then the plan file beside it', async () => {
  const section = readmeSection('Quick start: a plan file')
  const [workflowText = '', plan = ''] = yamlBlocks(section)
  const planPath = /^`(\.github\/[^`]+\.yml)`, beside it/m.exec(section)?.[1] ?? ''
  const workflow = parse(workflowText) as WorkflowFile
  fakes = await readmeRun(workflow)
  const { datafold, github, workspace, scratch, given } = fakes
  expect(given['plan-file']).toBe(planPath)

  mkdirSync(join(workspace, dirname(planPath)), { recursive: true })
  writeFileSync(join(workspace, planPath), plan)
  // A dbt project with packages: dbt refuses to build before `dbt deps`.
  writeFileSync(join(workspace, 'packages.yml'), 'packages: []\n')
  writeFileSync(join(scratch, 'ci.json'), '{}')
  const runs: ActionRun[] = []
  const job = await runJob(workflow, {
    workspace,
    scratch,
    context: prContext(),
    env: { FAKE_DBT_MANIFESTS: scratch },
    uses: {
      'actions/checkout': NOTHING_TO_DO,
      'actions/setup-python': NOTHING_TO_DO,
      'datafold-diff-gate/datafold-diff-gate': actionStep(fakes, runs)
    }
  })
  expect(job.commands).toEqual([
    '. pip install dbt-snowflake',
    '. dbt deps',
    '. dbt build --target ci --profiles-dir .'
  ])
  expect(outcome(runs)).toEqual(PASSED)
  // The data source is Snowflake: names written without quotes are sent as Snowflake stores them.
  expect(datafold.created.map((c) => [c.body.table2, c.body.pk_columns])).toEqual([
    [['ANALYTICS', 'DBT_PR_482', 'ORDERS'], ['ORDER_ID']],
    [['ANALYTICS', 'DBT_PR_482', 'CUSTOMERS'], ['CUSTOMER_ID']]
  ])
  expect(datafold.created.every((c) => c.body.data_source1_id === 31)).toBe(true)
  expect(github.commentsOn()).toHaveLength(1)
}, 60_000)
