// The README's "Troubleshooting the first run" quotes the action's messages: each quoted message
// (`…` standing for what varies) is what the bundle says, on the fakes, for the mistake the bullet
// names, so a reworded message fails here until the README says the same.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { changedProject, writeJson } from '../../__fixtures__/dbt-manifests.js'
import { firstError } from '../../__fixtures__/harness.js'
import { readmeRun, readmeSection, type ReadmeRun } from '../../__fixtures__/readme-run.js'

let fakes: ReadmeRun | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

/** The messages the bullets quote, bold and in code, as patterns: `…` matches anything. */
function quoted(): RegExp[] {
  const section = readmeSection('Troubleshooting the first run')
  return [...section.matchAll(/\*\*`([^`]+)`\.?\*\*/g)].map((match) => {
    const parts = (match[1] ?? '')
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    return new RegExp(parts.join('.*'))
  })
}

/** The first error of a step given `with`, in a workspace with `files` written, run with
 * `override` over its inputs. */
async function errorOf(
  given: Record<string, string>,
  files: (dir: string) => void = () => undefined,
  override: Record<string, string> = {}
): Promise<string> {
  const step = {
    uses: 'datafold-diff-gate/datafold-diff-gate@v1',
    with: { 'api-key': '${{ secrets.DATAFOLD_API_KEY }}', ...given }
  }
  fakes = await readmeRun({ jobs: { gate: { steps: [step] } } })
  files(fakes.workspace)
  const run = await fakes.run(override)
  expect(run.code).not.toBe(0)
  const error = firstError(run)
  await fakes.close()
  fakes = undefined
  return error
}

const PLAN = 'diffs: [{name: orders, table-a: a.b.c, table-b: a.b.d, primary-key: id}]'

it('quotes what the action says for each first-run mistake it names', async () => {
  const patterns = quoted()
  expect(patterns.map(String)).toEqual([
    '/data-source ".*" is not the name of a data source at Datafold/',
    '/plan-file .* cannot be read: no such file/',
    '/dbt-manifest: .* no such file/'
  ])
  const [dataSource, planFile, prManifest] = patterns
  // "401 from Datafold": a stale key; the message names datafold-host, as the bullet's advice does.
  const rejected = await errorOf({ 'data-source': 'snowflake', plan: PLAN, 'api-key': 'stale' })
  expect(rejected).toContain('(HTTP 401)')
  expect(rejected).toContain('datafold-host')
  expect(readmeSection('Troubleshooting the first run')).toContain('- **401 from Datafold.**')
  // Datafold knows the step's data source (readmeRun's fake does): the run names another.
  const unknown = { 'data-source': 'snowflake-prod' }
  expect(await errorOf({ 'data-source': 'snowflake', plan: PLAN }, undefined, unknown)).toMatch(
    dataSource ?? /never/
  )
  expect(
    await errorOf({ 'data-source': 'snowflake', 'plan-file': '.github/datafold-plan.yml' })
  ).toMatch(planFile ?? /never/)
  const dbtManifest = await errorOf(
    { 'data-source': 'snowflake', 'dbt-prod-manifest': 'prod/manifest.json' },
    (dir) => {
      mkdirSync(join(dir, 'prod'))
      writeJson(join(dir, 'prod'), 'manifest.json', changedProject(12).prod)
    }
  )
  expect(dbtManifest).toMatch(prManifest ?? /never/)
}, 120_000)
