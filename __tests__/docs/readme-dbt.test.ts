// The README's dbt mode quick start, run as written: the deploy job keeps production's manifest,
// and the PR job, step by step in a repository (dbt and gh stood in for), finds it, or on the first
// pull request writes it from the base branch, and the action's step on the bundle passes against
// the fakes. Without production's manifest, the action's error points to the README's section.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { changedProject, writeJson } from '../../__fixtures__/dbt-manifests.js'
import { firstError } from '../../__fixtures__/harness.js'
import {
  actionStep,
  BASE_SHA,
  docSection,
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
import { runJob, type UsesHandler, type WorkflowFile } from '../../__fixtures__/workflow-run.js'

const SECTION = 'Quick start: dbt mode (dbt Core in GitHub Actions)'
const ACTION = 'datafold-diff-gate/datafold-diff-gate'

let fakes: ReadmeRun | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

function workflows(): { deploy: WorkflowFile & { name: string }; pr: WorkflowFile } {
  const [deploy = '', pr = ''] = yamlBlocks(readmeSection(SECTION))
  return { deploy: parse(deploy) as WorkflowFile & { name: string }, pr: parse(pr) as WorkflowFile }
}

/** A dbt project with packages (dbt refuses to parse or build before `dbt deps`), and the
 * manifests dbt writes for each target. */
function repository(dir: string, manifests: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: jaffle_shop\n')
  writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - package: dbt-labs/dbt_utils\n')
  const project = changedProject(12, { adapter: 'snowflake' })
  writeJson(manifests, 'prod.json', project.prod)
  writeJson(manifests, 'ci.json', project.pr)
}

/** `actions/checkout` of the base branch into `path`: the repository as the base commit has it. */
const checkoutBase =
  (repo: string, refs: string[]): UsesHandler =>
  (_step, inputs, cwd) => {
    if (inputs.path !== undefined) {
      refs.push(inputs.ref ?? '')
      cpSync(repo, join(cwd, inputs.path), { recursive: true })
    }
    return {}
  }

describe("the README's dbt mode quick start", () => {
  it('on the first pull request, writes production’s manifest from the base branch and passes', async () => {
    const { pr } = workflows()
    fakes = await readmeRun(pr)
    const { workspace, scratch, datafold, github } = fakes
    const base = join(scratch, 'base-repo')
    repository(workspace, scratch)
    repository(base, scratch)
    const runs: ActionRun[] = []
    const refs: string[] = []
    const job = await runJob(pr, {
      workspace,
      scratch,
      context: prContext(),
      env: { FAKE_DBT_MANIFESTS: scratch, FAKE_GH_ARTIFACTS: join(scratch, 'artifacts') },
      uses: {
        'actions/checkout': checkoutBase(base, refs),
        'actions/setup-python': NOTHING_TO_DO,
        [ACTION]: actionStep(fakes, runs)
      }
    })
    expect(refs).toEqual([BASE_SHA])
    expect(job.skipped).toEqual([])
    const dbt = job.commands.filter((line) => /^\S+ dbt /.test(line))
    expect(dbt).toEqual([
      'base dbt deps',
      'base dbt parse --target prod --profiles-dir .',
      '. dbt deps',
      '. dbt build --target ci --profiles-dir . --select state:modified+ --defer --state prod-manifest'
    ])
    expect(outcome(runs)).toEqual(PASSED)
    expect(datafold.created.map((c) => c.body.table2)).toEqual([
      ['ANALYTICS', 'DBT_PR_482', 'CUSTOMERS'],
      ['ANALYTICS', 'DBT_PR_482', 'ORDERS'],
      ['ANALYTICS', 'DBT_PR_482', 'PAYMENTS']
    ])
    expect(github.commentsOn()[0]?.body).toContain('**dbt project** <code>jaffle_shop</code>')
  }, 60_000)

  it('after a deploy, downloads the manifest the deploy kept, with the rules of docs/dbt.md', async () => {
    const { deploy, pr } = workflows()
    fakes = await readmeRun(pr)
    const { workspace, scratch, datafold } = fakes
    const artifacts = join(scratch, 'artifacts')
    const main = join(scratch, 'main')
    repository(main, scratch)
    repository(workspace, scratch)
    const upload: UsesHandler = (_step, inputs, cwd) => {
      const into = join(artifacts, '77', inputs.name ?? '')
      mkdirSync(into, { recursive: true })
      cpSync(join(cwd, inputs.path ?? ''), join(into, 'manifest.json'))
      return {}
    }
    const deployed = await runJob(deploy, {
      workspace: main,
      scratch: join(scratch, 'deploy-runner'),
      context: prContext(),
      env: { FAKE_DBT_MANIFESTS: scratch },
      uses: {
        'actions/checkout': NOTHING_TO_DO,
        'actions/setup-python': NOTHING_TO_DO,
        'actions/upload-artifact': upload
      }
    })
    expect(deployed.commands.filter((line) => /^\S+ dbt /.test(line))).toEqual([
      '. dbt deps',
      '. dbt build --target prod --profiles-dir .'
    ])
    const listing = (command: string) => command.includes('gh run list')
    writeFileSync(
      join(workspace, 'datafold-plan.yml'),
      yamlBlocks(docSection('docs/dbt.md', 'dbt mode')).find((b) => b.includes('rules:')) ?? ''
    )
    const runs: ActionRun[] = []
    const job = await runJob(pr, {
      workspace,
      scratch,
      context: prContext(),
      env: { FAKE_DBT_MANIFESTS: scratch, FAKE_GH_ARTIFACTS: artifacts, FAKE_GH_RUN_ID: '77' },
      uses: {
        'actions/checkout': NOTHING_TO_DO,
        'actions/setup-python': NOTHING_TO_DO,
        [ACTION]: actionStep(fakes, runs, { 'plan-file': 'datafold-plan.yml' })
      }
    })
    // From the last successful run of the deploy workflow, by its name.
    expect(job.commands.find(listing)).toContain(`--workflow ${deploy.name} --branch main`)
    expect(job.skipped).toHaveLength(2)
    expect(outcome(runs)).toEqual(PASSED)
    expect(datafold.created).toHaveLength(3)
  }, 60_000)

  it("without production's manifest, the action's error names the README's section", async () => {
    const { pr } = workflows()
    fakes = await readmeRun(pr)
    writeJson(join(fakes.workspace, 'target'), 'manifest.json', changedProject(12).pr)
    const run = await fakes.run()
    expect(run.code).not.toBe(0)
    expect(firstError(run)).toContain('(README, dbt mode: the first pull request)')
    expect(readmeSection(SECTION)).toMatch(/^### The first pull request$/m)
    expect(fakes.datafold.created).toEqual([])
  }, 60_000)
})
