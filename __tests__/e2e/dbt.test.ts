// dbt mode on the bundle: `node dist/index.js` with production's manifest and the PR's against the
// fake Datafold and GitHub. Of the project, three changed models are created as diffs with
// their relations, keys, filters and own limits, the three others are listed with their reasons,
// and the step is gated; for schema v12 (dbt 1.10 and 1.8), the v20 layout and v8 alike.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { assertContract } from '../../__fixtures__/contract.js'
import { dataSources } from '../../__fixtures__/data-sources.js'
import {
  changedProject,
  JAFFLE_SHOP,
  projectPair,
  writeJson,
  writeManifests,
  type ManifestVersion
} from '../../__fixtures__/dbt-manifests.js'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import type { FakeDatafold } from '../../__fixtures__/fake-datafold.js'
import type { FakeGitHub } from '../../__fixtures__/fake-github.js'
import { firstError, type RunOptions } from '../../__fixtures__/harness.js'
import { suiteSecrets, sweptHarness } from '../../__fixtures__/swept-harness.js'
import { runnerLogLine } from '../../scripts/demo-log.js'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'

const harness = sweptHarness(suiteSecrets('dbt'))

/** Every created diff changed 250 of its 125,430 rows (0.2%) and values of one column. */
const start = () =>
  harness.start({
    scenarios: {},
    datafold: {
      dataSources: dataSources(),
      create: { polls: 1, summary: (_body, id) => sameDbDone({ id, differences: { amount: 250 } }) }
    }
  })

/** A rule gives customers 1%; orders has 5% in its meta; payments keeps the step's 0.1%. */
const PLAN = `rules:
  - match: { name: custom* }
    max-rows-changed: 1%
`

/** The workspace: the PR build's manifest at target/, production's at prod/, and the plan. */
function workspace(pair: { prod: object; pr: object }): string {
  const dir = harness.tempDir()
  writeManifests(pair, dir)
  writeFileSync(join(dir, 'datafold-plan.yml'), PLAN)
  return dir
}

function dbtRun(
  github: FakeGitHub,
  pair: { prod: object; pr: object },
  inputs: Record<string, string> = {}
): RunOptions {
  return {
    inputs: {
      'dbt-prod-manifest': 'prod/manifest.json',
      'plan-file': 'datafold-plan.yml',
      'data-source': 'warehouse',
      'max-rows-changed': '0.1%',
      ...inputs
    },
    payload: { pull_request: { number: 482, head: { sha: SHA } } },
    serverUrl: github.serverUrl,
    env: { GITHUB_WORKSPACE: workspace(pair) }
  }
}

/** The step's failure message as the job's log shows it (`Error: …`), the command decoded. */
const failure = (run: Parameters<typeof firstError>[0]): string =>
  runnerLogLine(firstError(run)) ?? ''

const requestsTo = (datafold: FakeDatafold) =>
  datafold.requests.filter((r) => r.path.startsWith('/api/v1/datadiffs'))

const META_KEY = "PAYMENT_ID · primary-key in the model's meta"

const CASES: {
  manifests: string
  version: ManifestVersion
  dbtVersion?: string
  /** Where each key came from: orders, customers, payments. */
  keys: [string, string, string]
}[] = [
  {
    manifests: 'schema v12, dbt 1.10',
    version: 12,
    keys: ['ORDER_ID · dbt primary_key', 'CUSTOMER_ID · dbt primary_key', META_KEY]
  },
  {
    manifests: 'schema v12, dbt 1.8 (no primary_key yet)',
    version: 12,
    dbtVersion: '1.8.4',
    keys: ['ORDER_ID · primary_key constraint', 'CUSTOMER_ID · unique and not_null tests', META_KEY]
  },
  {
    manifests: 'the v20 layout (dbt Fusion), meta only under config',
    version: 20,
    keys: ['ORDER_ID · primary_key constraint', 'CUSTOMER_ID · unique and not_null tests', META_KEY]
  },
  {
    manifests: 'schema v8',
    version: 8,
    keys: ['ORDER_ID · unique_key config', 'CUSTOMER_ID · unique and not_null tests', META_KEY]
  }
]

describe('dbt mode on the bundle', () => {
  it.each(CASES)(
    '$manifests: creates the three changed models, lists the three others, gates each on its own limits',
    async ({ version, dbtVersion, keys }) => {
      const fakes = await start()
      const { datafold, github } = fakes
      const pair = changedProject(version, {
        adapter: 'snowflake',
        ...(dbtVersion ? { dbtVersion } : {})
      })
      const run = await fakes.run('', dbtRun(github, pair))

      const bodies = datafold.created.map((c) => c.body)
      for (const body of bodies) assertContract('ApiDataDiffData', body, { closed: true })
      // Production's relation against the PR build's, upper-case on Snowflake, by model name.
      const side = (schema: string, table: string) => ['ANALYTICS', schema, table]
      expect(bodies).toEqual([
        expect.objectContaining({
          table1: side('CORE', 'CUSTOMERS'),
          table2: side('DBT_PR_482', 'CUSTOMERS'),
          pk_columns: ['CUSTOMER_ID']
        }),
        expect.objectContaining({
          table1: side('CORE', 'ORDERS'),
          table2: side('DBT_PR_482', 'ORDERS'),
          pk_columns: ['ORDER_ID']
        }),
        {
          data_source1_id: 11,
          data_source2_id: 11,
          table1: side('CORE', 'PAYMENTS'),
          table2: side('DBT_PR_482', 'PAYMENTS'),
          pk_columns: ['PAYMENT_ID'],
          exclude_columns: ['LOADED_AT'],
          filter1: "loaded_at >= '2026-01-01'",
          filter2: "loaded_at >= '2026-01-01'",
          tags: expect.arrayContaining(['datafold-diff-gate', 'github-pr:482']) as unknown
        }
      ])
      expect(requestsTo(datafold).filter((r) => r.method === 'POST')).toHaveLength(3)

      // 0.2% changed: customers within its rule's 1%, orders within its meta's 5%, payments over
      // the step's 0.1%.
      const diffs = JSON.parse(run.outputs.diffs ?? '[]') as { name: string; result: string }[]
      expect(diffs.map((d) => [d.name, d.result])).toEqual([
        ['customers', 'pass'],
        ['orders', 'pass'],
        ['payments', 'fail']
      ])
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(
        /^::error title=Datafold threshold exceeded::diff \d+ \(payments\): rows-changed 250 \(0\.20%25\) > max 0\.1%25$/m
      )

      expect(JSON.parse(run.outputs['skipped-models'] ?? '')).toEqual([
        expect.objectContaining({ name: 'events', reason: 'no key' }),
        expect.objectContaining({ name: 'order_items', reason: 'new' }),
        expect.objectContaining({ name: 'stg_orders', reason: 'ephemeral' })
      ])
      // Not compared, each a warning where it could have been; fail-on-skipped is off.
      expect(run.stdout).toMatch(
        /::warning::dbt model not compared: events \(models\/marts\/events\.sql\): no key: tag its key column /
      )
      expect(run.stdout).toMatch(/::warning::dbt model not compared: stg_orders .*: ephemeral: /)
      expect(run.stdout).not.toMatch(/::warning::dbt model not compared: order_items/)

      const body = github.commentsOn()[0]?.body ?? ''
      // Nothing green that was not checked: the models no diff could be made for count in the
      // heading, the output and a list of their own, first; the new model is listed apart.
      expect(body).toContain(
        '\n### ❌ 1 of 3 models over their limits · ⚠️ 2 changed models not compared\n'
      )
      expect(run.outputs['unchecked-count']).toBe('2')
      const needsAction = body.indexOf(
        '**⚠️ Needs action: 2 changed models not compared, so not checked.**'
      )
      const project = body.indexOf(
        '**dbt project** <code>jaffle_shop</code>: 3 changed models compared, 3 not compared,'
      )
      expect(needsAction).toBeGreaterThan(0)
      expect(project).toBeGreaterThan(needsAction)
      expect(body.slice(needsAction, project)).toMatch(
        /<code>events<\/code>[^\n]*no key[\s\S]*<code>stg_orders<\/code>/
      )
      expect(body.slice(project)).toContain('1 changed model not compared, on purpose:')
      // No word of the action's own in dbt mode.
      expect(body).not.toMatch(/planned diff/i)
      const why = (name: string, reason: string, key: string) =>
        `- <code>${name}</code> (models/marts/${name}.sql): ${reason} · key ${key}`
      expect(body).toContain(why('customers', 'config changed', keys[1]))
      expect(body).toContain(why('orders', 'body changed', keys[0]))
      expect(body).toContain(why('payments', 'macro jaffle_shop.cents_to_dollars changed', keys[2]))
      expect(body).toContain(
        '- <code>order_items</code> (models/marts/order_items.sql): new: nothing to compare against'
      )
      expect(body).toContain('- <code>stg_orders</code> (models/staging/stg_orders.sql): ephemeral')
      // Each diff's limits, and where each came from.
      expect(body).toContain('rows changed ≤ 5% (model meta)')
      expect(body).toMatch(/rows changed ≤ 1% \(rule 1[^)]*\)/)
      expect(body).toContain('rows changed ≤ 0.1% (step input) · values changed ≤ 2% (model meta)')
    },
    60_000
  )

  it('fails the step under fail-on-skipped, naming the models it could not compare', async () => {
    const fakes = await start()
    const pair = changedProject(12)
    const run = await fakes.run(
      '',
      dbtRun(fakes.github, pair, { 'fail-on-skipped': 'true', 'max-rows-changed': '' })
    )
    expect(run.code).toBe(1)
    const message = failure(run)
    expect(message).toContain('2 changed dbt models could not be compared (fail-on-skipped):')
    expect(message).toMatch(
      /\n {2}events \(models\/marts\/events\.sql\): no key: tag its key column /
    )
    expect(message).toMatch(/\n {2}stg_orders \([^)]*\): ephemeral: /)
    expect(run.outputs.result).toBe('pass')
  }, 60_000)

  it('passes and says so when no model changed, without a request to Datafold', async () => {
    const fakes = await start()
    const pair = projectPair(JAFFLE_SHOP, JAFFLE_SHOP, { version: 12 })
    const run = await fakes.run('', dbtRun(fakes.github, pair))
    expect(run.code).toBe(0)
    expect(requestsTo(fakes.datafold)).toEqual([])
    expect(run.outputs.result).toBe('pass')
    expect(fakes.github.commentsOn()[0]?.body).toContain(
      '**dbt project** <code>jaffle_shop</code>: no model changed since production'
    )
  }, 60_000)

  it.each([
    {
      file: 'a run_results.json',
      content: {
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
        results: []
      },
      message: /dbt-prod-manifest: prod\/manifest\.json: .*run.results/i
    },
    {
      file: 'a package.json',
      content: { name: 'x', version: '1.0.0', scripts: {} },
      message: /dbt-prod-manifest: prod\/manifest\.json: .*not a dbt manifest/i
    },
    {
      file: 'a manifest of schema v6',
      content: {
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v6.json' }
      },
      message: /dbt-prod-manifest: prod\/manifest\.json: .*v6/
    }
  ])(
    'refuses $file as a manifest at once, sending nothing',
    async ({ content, message }) => {
      const fakes = await start()
      const options = dbtRun(fakes.github, changedProject(12))
      writeJson(join(options.env?.GITHUB_WORKSPACE ?? '', 'prod'), 'manifest.json', content)
      const run = await fakes.run('', options)
      expect(run.code).toBe(1)
      expect(failure(run)).toMatch(message)
      expect(fakes.datafold.requests).toEqual([])
      expect(fakes.github.requests).toEqual([])
    },
    60_000
  )
})
