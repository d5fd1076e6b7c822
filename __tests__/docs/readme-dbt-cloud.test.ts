// The README's dbt Cloud mode quick start, run as written on the bundle against the fakes: the workflow starts
// on dbt Cloud's final statuses with the permissions the run uses (the comment, the commit status),
// and its action step (the secrets filled in, the host pointed at the fake dbt Cloud) compares the
// CI run with production's, comments on the PR and posts the verdict on the PR's head.
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import {
  ACCOUNT,
  CI_RUN,
  dbtCloudStatus,
  HEAD_SHA,
  jaffleShopCloud,
  PROJECT,
  startFakeDbtCloud,
  type FakeDbtCloud
} from '../../__fixtures__/fake-dbt-cloud.js'
import {
  readmeRun,
  readmeSection,
  yamlBlocks,
  type ReadmeRun,
  type Workflow
} from '../../__fixtures__/readme-run.js'
import { parseInputs, INPUT_NAMES, type RawInputs } from '../../src/inputs.js'

const TOKEN = 'dbtc_readme_Jx4Kq8Wm2Vn6'
let fakes: ReadmeRun | undefined
let cloud: FakeDbtCloud | undefined
afterEach(async () => {
  await fakes?.close()
  await cloud?.close()
  fakes = cloud = undefined
})

type StatusWorkflow = Workflow & {
  on: unknown
  permissions: Record<string, string>
  jobs: Record<string, { if?: string }>
}

it('starts on dbt Cloud’s final statuses, and compares and posts the verdict as written', async () => {
  const [text = ''] = yamlBlocks(readmeSection('Quick start: dbt Cloud mode'))
  const workflow = parse(text) as StatusWorkflow
  expect(workflow.on).toBe('status')
  // The comment, and the commit status on the PR's head.
  expect(workflow.permissions).toMatchObject({
    'pull-requests': 'write',
    statuses: 'write'
  })
  const [job] = Object.values(workflow.jobs)
  expect(job?.if).toBe(
    "startsWith(github.event.context, 'dbt Cloud') && github.event.state != 'pending'"
  )

  cloud = await startFakeDbtCloud({ token: TOKEN, accounts: [ACCOUNT], ...jaffleShopCloud() })
  fakes = await readmeRun(workflow, { pulls: [{ number: 482, headSha: HEAD_SHA }] })
  const { datafold, github, given } = fakes
  expect(given['dbt-cloud-token']).toBe('${{ secrets.DBT_CLOUD_TOKEN }}')
  // The host as written is an access URL the input takes.
  const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
  const host = given['dbt-cloud-host'] ?? ''
  const raw = { ...blank, 'api-key': 'k', 'dbt-cloud-token': TOKEN, 'dbt-cloud-host': host }
  expect(parseInputs(raw).dbtCloud?.host).toBe(host)

  const ci = { accountId: ACCOUNT, projectId: PROJECT, id: CI_RUN }
  const run = await fakes.run(
    { 'dbt-cloud-token': TOKEN, 'dbt-cloud-host': cloud.url },
    {
      eventName: 'status',
      payload: { sha: HEAD_SHA, ...dbtCloudStatus(ci, 'success', cloud.url) },
      env: { GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567' }
    }
  )
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
  expect(run.outputs['dbt-cloud-run-id']).toBe(String(CI_RUN))
  expect(datafold.created.every((c) => c.body.data_source1_id === 31)).toBe(true)
  expect(datafold.created).toHaveLength(3)
  expect(github.commentsOn(482)[0]?.body).toContain('**dbt Cloud**: run [4242]')
  expect(github.statuses.map((s) => [s.sha, s.context, s.state]).at(-1)).toEqual([
    HEAD_SHA,
    'Datafold diff gate',
    'success'
  ])
  // Masked (`::add-mask::`, which the runner consumes), and written nowhere.
  expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
  expect(run.everything.replace(/^::add-mask::.*$/gm, '')).not.toContain(TOKEN)
}, 60_000)
