// run_results.json as dbt mode reads it: which nodes the build built, streamed item by item, and
// the files that are not one refused with their name.
import { describe, expect, it } from '@jest/globals'
import { changedProject } from '../../__fixtures__/dbt-manifests.js'
import { buildRunResults } from '../../__fixtures__/dbt-run-results.js'
import { textIo } from '../../__fixtures__/text-io.js'
import { JsonSections } from '../../src/dbt/json-sections.js'
import { ManifestError } from '../../src/dbt/manifest.js'
import type { ManifestIo } from '../../src/dbt/read-manifest.js'
import { readRunResults } from '../../src/dbt/run-results.js'

const FILE = 'target/run_results.json'
const read = (value: unknown, size?: number) =>
  readRunResults(FILE, textIo(JSON.stringify(value), size))

const { pr } = changedProject(12)

describe('readRunResults', () => {
  it('sets apart the nodes built (success) from the others, with their status', async () => {
    const results = await read(
      buildRunResults(pr, {
        statuses: {
          'model.jaffle_shop.orders': 'error',
          'model.jaffle_shop.order_items': 'skipped',
          'model.jaffle_shop.payments': 'absent',
          'model.jaffle_shop.events': 'reused'
        }
      })
    )
    expect(results.file).toBe(FILE)
    expect(results.command).toBe('build')
    expect([...results.built].filter((id) => id.startsWith('model.')).sort()).toEqual([
      'model.jaffle_shop.customers',
      'model.jaffle_shop.dim_dates',
      'model.jaffle_shop.stg_customers'
    ])
    expect(results.built.has('seed.jaffle_shop.country_codes')).toBe(true)
    expect(
      Object.fromEntries([...results.notBuilt].filter(([id]) => id.startsWith('model.')))
    ).toEqual({
      'model.jaffle_shop.orders': 'error',
      'model.jaffle_shop.order_items': 'skipped',
      'model.jaffle_shop.events': 'reused'
    })
    // Not selected: in neither.
    expect(results.built.has('model.jaffle_shop.payments')).toBe(false)
    expect(results.notBuilt.has('model.jaffle_shop.payments')).toBe(false)
  })

  it.each([1, 2, 7, 64, 4096])(
    'reads the same whatever the chunk size (%s bytes)',
    async (size) => {
      const file = buildRunResults(pr, { statuses: { 'model.jaffle_shop.orders': 'error' } })
      expect(await read(file, size)).toEqual(await read(file))
    }
  )

  it('reads pretty-printed JSON, an empty result list, and a file without args', async () => {
    const file = { ...buildRunResults(pr), results: [] as unknown[], args: undefined }
    const results = await readRunResults(FILE, textIo(JSON.stringify(file, null, 2), 5))
    expect(results).toEqual({ file: FILE, command: null, built: new Set(), notBuilt: new Map() })
  })

  it.each([
    [
      'a manifest',
      JSON.stringify(pr),
      `${FILE}: a dbt manifest artifact, not run_results.json; give the run_results.json of the build that wrote the PR's manifest`
    ],
    [
      'a file without metadata',
      '{"results":[]}',
      `${FILE}: not a dbt run_results.json: it has no metadata`
    ],
    [
      'metadata of no artifact',
      '{"metadata":{"dbt_version":"1.9.0"},"results":[]}',
      `${FILE}: not a dbt run_results.json: its metadata has no dbt_schema_version of run-results`
    ],
    [
      'results that are not a list',
      '{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/run-results/v6.json"},"results":{}}',
      `${FILE}: "results" is not an array`
    ],
    [
      'a truncated file',
      JSON.stringify(buildRunResults(pr)).slice(0, -10),
      `${FILE}: the JSON ends early (a truncated file?)`
    ]
  ])('refuses %s, naming the file', async (_, text, message) => {
    const error = await readRunResults(FILE, textIo(text, 50)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ManifestError)
    expect((error as Error).message).toBe(message)
  })

  it('stops at the metadata of another artifact, before its nodes', async () => {
    let chunks = 0
    const io: ManifestIo = {
      async *open() {
        yield Buffer.from(
          '{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json"},'
        )
        for (;;) {
          chunks++
          await Promise.resolve()
          yield Buffer.from('"nodes":{},')
        }
      }
    }
    await expect(readRunResults('manifest.json', io)).rejects.toThrow(/not run_results\.json/)
    expect(chunks).toBe(0)
  })
})

describe('JsonSections, items of an array member', () => {
  const sections = (text: string) => {
    const reader = new JsonSections(new Set(['meta']), new Set(['nodes']), new Set(['list']))
    // One byte at a time: every boundary falls inside some token.
    const bytes = Buffer.from(text)
    const out = [...bytes].flatMap((_, at) => reader.push(bytes.subarray(at, at + 1)))
    reader.end()
    return out
  }

  it('hands out each item with its index, whatever it holds', () => {
    expect(
      sections('{"list": [ {"a":[1,{"b":"]"}]}, "x,y", 3 , null,[4]], "meta": {"k": 1}}')
    ).toEqual([
      { member: 'list', key: '0', value: { a: [1, { b: ']' }] } },
      { member: 'list', key: '1', value: 'x,y' },
      { member: 'list', key: '2', value: 3 },
      { member: 'list', key: '3', value: null },
      { member: 'list', key: '4', value: [4] },
      { member: 'meta', key: null, value: { k: 1 } }
    ])
  })

  it('hands out nothing for an empty array, and leaves object members as they were', () => {
    expect(sections('{"list": [ ], "nodes": {"n": [1]}, "other": [1, 2]}')).toEqual([
      { member: 'nodes', key: 'n', value: [1] }
    ])
  })
})
