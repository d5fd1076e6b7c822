// The README's Quick start, run as written on the bundle against the fakes: its workflow's action
// step (the secret filled in) with its plan file beside it, on a pull request.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import {
  readmeRun,
  readmeSection,
  yamlBlocks,
  type ReadmeRun,
  type Workflow
} from '../../__fixtures__/readme-run.js'

let fakes: ReadmeRun | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

it('passes as written, with its placeholders filled in', async () => {
  const section = readmeSection('Quick start')
  const [workflow = '', plan = ''] = yamlBlocks(section)
  const planPath = /^`(\.github\/[^`]+\.yml)`, beside it/m.exec(section)?.[1] ?? ''
  fakes = await readmeRun(parse(workflow) as Workflow)
  const { datafold, github, workspace, given } = fakes
  expect(given['plan-file']).toBe(planPath)

  mkdirSync(join(workspace, '.github'))
  writeFileSync(join(workspace, planPath), plan)
  const run = await fakes.run()
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
  expect(run.outputs.result).toBe('pass')
  // The data source is Snowflake: names written without quotes are sent as Snowflake stores them.
  expect(datafold.created.map((c) => [c.body.table2, c.body.pk_columns])).toEqual([
    [['ANALYTICS', 'DBT_PR_482', 'ORDERS'], ['ORDER_ID']],
    [['ANALYTICS', 'DBT_PR_482', 'CUSTOMERS'], ['CUSTOMER_ID']]
  ])
  expect(datafold.created.every((c) => c.body.data_source1_id === 31)).toBe(true)
  expect(github.commentsOn()).toHaveLength(1)
}, 60_000)
