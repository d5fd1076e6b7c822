import { describe, expect, it } from '@jest/globals'
import { Ajv, type ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeBigManifestPair } from '../../__fixtures__/dbt-big-manifest.js'
import {
  buildManifest,
  manifestDir,
  changedProject,
  JAFFLE_SHOP,
  PROD,
  type ManifestVersion
} from '../../__fixtures__/dbt-manifests.js'
import { buildRunResults } from '../../__fixtures__/dbt-run-results.js'

const here = dirname(fileURLToPath(import.meta.url))
const copy = (version: number) => resolve(here, `../../__fixtures__/dbt-schemas/v${version}.json`)
// CI has the team's shared copy beside the clone: the repository's copies must not drift from it.
const shared = (version: number) => resolve(here, `../../../shared/dbt/schemas/v${version}.json`)

/** dbt's official schema of a version: v12 is draft 2020-12, v10 and v11 draft-07. */
function validator(version: 10 | 11 | 12): ValidateFunction {
  const schema = JSON.parse(readFileSync(copy(version), 'utf8')) as object
  const options = { strict: false, allErrors: true, validateFormats: false, logger: false as const }
  return (version === 12 ? new Ajv2020(options) : new Ajv(options)).compile(schema)
}

const SCHEMA_VERSIONS = [10, 11, 12] as const
const validators = new Map(SCHEMA_VERSIONS.map((v) => [v, validator(v)]))

/** Every manifest the tests build, by version. */
const built = (version: ManifestVersion) => {
  const { prod, pr } = changedProject(version)
  return [
    ['changedProject, production', prod],
    ['changedProject, PR', pr],
    ['changedProject on Snowflake', changedProject(version, { adapter: 'snowflake' }).pr],
    ['built on Windows', buildManifest(JAFFLE_SHOP, { version, target: PROD, windows: true })],
    ...(version === 12
      ? [
          [
            'by dbt 1.8 (no primary_key)',
            buildManifest(JAFFLE_SHOP, { version, target: PROD, dbtVersion: '1.8.4' })
          ]
        ]
      : [])
  ] as const
}

describe("the test manifests validate against dbt's official schemas", () => {
  it.each(SCHEMA_VERSIONS.flatMap((v) => built(v).map(([name, m]) => [v, name, m] as const)))(
    'v%s: %s',
    (version, _, manifest) => {
      const validate = validators.get(version)
      expect(validate?.(manifest) ? [] : validate?.errors).toEqual([])
    }
  )

  it('v12: the benchmark manifest, written in batches', () => {
    const { pr } = writeBigManifestPair(manifestDir(), { models: 150 })
    const validate = validators.get(12)
    expect(validate?.(JSON.parse(readFileSync(pr, 'utf8'))) ? [] : validate?.errors).toEqual([])
  })

  it('and the schemas do check: a node with a field dbt does not write is refused', () => {
    const manifest = changedProject(12).pr as { nodes: Record<string, object> }
    const [id, node] = Object.entries(manifest.nodes)[0] ?? []
    const broken = { ...manifest, nodes: { [id ?? '']: { ...node, not_a_dbt_field: 1 } } }
    expect(validators.get(12)?.(broken)).toBe(false)
  })
})

describe("the test run_results.json validates against dbt's official schema (v6)", () => {
  const file = (name: string) => resolve(here, `../../__fixtures__/dbt-schemas/${name}`)
  const options = { strict: false, allErrors: true, validateFormats: false, logger: false as const }
  const validate = new Ajv2020(options).compile(
    JSON.parse(readFileSync(file('run-results-v6.json'), 'utf8')) as object
  )
  const { pr } = changedProject(12)

  it.each([
    ['every node built', buildRunResults(pr)],
    [
      'a failed model, a skipped one and one not selected',
      buildRunResults(pr, {
        statuses: {
          'model.jaffle_shop.orders': 'error',
          'model.jaffle_shop.order_items': 'skipped',
          'model.jaffle_shop.payments': 'absent'
        }
      })
    ]
  ])('%s', (_, runResults) => {
    expect(validate(runResults) ? [] : validate.errors).toEqual([])
  })

  const itWhenShared = existsSync(resolve(here, '../../../shared/dbt/schemas')) ? it : it.skip
  itWhenShared('and the copy is the same as shared/dbt/schemas', () => {
    expect(readFileSync(file('run-results-v6.json'), 'utf8')).toBe(
      readFileSync(resolve(here, '../../../shared/dbt/schemas/run-results-v6.json'), 'utf8')
    )
  })
})

describe('the schema copies', () => {
  it.each(SCHEMA_VERSIONS)('v%s parses, and its $id names its version', (version) => {
    const schema = JSON.parse(readFileSync(copy(version), 'utf8')) as { $id?: string }
    expect(schema.$id).toMatch(new RegExp(`/manifest/v${version}\\.json$`))
  })

  const itWhenShared = existsSync(shared(12))
    ? it.each(SCHEMA_VERSIONS)
    : it.skip.each(SCHEMA_VERSIONS)
  itWhenShared('v%s is the same as shared/dbt/schemas', (version) => {
    expect(readFileSync(copy(version), 'utf8')).toBe(readFileSync(shared(version), 'utf8'))
  })
})
