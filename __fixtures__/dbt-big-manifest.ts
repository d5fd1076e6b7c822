// A large project's manifests for the benchmark and the hang guard: `models` models (5,000 make
// about 100 MB per manifest) with realistic SQL, documented columns and tests, and dbt's few
// hundred macros. Written in batches, so making them never holds a whole manifest in memory.
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { buildManifest } from './dbt-manifest-build.js'
import { PR, PROD, type ManifestVersion, type ModelSpec, type Target } from './dbt-manifest-spec.js'

export interface BigManifestOptions {
  models?: number
  /** Every `changedEvery`-th model's SQL differs in the PR (5,000 / 25 = 200 changed). */
  changedEvery?: number
  version?: ManifestVersion
}

const BATCH = 100
const COLUMNS = 20
const MACROS = 600

/** Writes `prod.json` and `pr.json` under `dir`; returns their paths and sizes in bytes. */
export function writeBigManifestPair(
  dir: string,
  { models = 5000, changedEvery = 25, version = 12 }: BigManifestOptions = {}
): { prod: string; pr: string; bytes: number[]; changed: number } {
  const files = [join(dir, 'prod.json'), join(dir, 'pr.json')] as const
  const bytes = [PROD, PR].map((target, side) =>
    writeBig(files[side] ?? '', target, { models, changedEvery: side ? changedEvery : 0, version })
  )
  return { prod: files[0], pr: files[1], bytes, changed: Math.floor(models / changedEvery) }
}

function bigModel(i: number, changedEvery: number): ModelSpec {
  const from = i % BATCH === 0 ? 'raw.events' : `{{ ref('model_${i - 1}') }}`
  const lines = Array.from(
    { length: 60 },
    (_, l) => `    , coalesce(src.attribute_${l}, 'unknown') as attribute_${l} -- ${l}`
  )
  const change = changedEvery && i % changedEvery === 0 ? '\nwhere src.attribute_0 is not null' : ''
  return {
    name: `model_${i}`,
    folder: `domain_${Math.floor(i / 500)}`,
    materialized: i % 10 === 0 ? 'incremental' : 'table',
    ...(i % 10 === 0 ? { config: { unique_key: 'id' } } : {}),
    sql: `with src as (\n  select * from ${from}\n)\nselect\n    src.id\n${lines.join('\n')}\nfrom src${change}`,
    refs: i % BATCH === 0 ? [] : [`model_${i - 1}`],
    meta: { owner: 'data-platform@example.com', datafold: { datadiff: { filter: 'id > 0' } } },
    tags: ['nightly'],
    description: `Model ${i}: one row per entity of the domain, rebuilt nightly from the raw events.`,
    columns: Array.from({ length: COLUMNS }, (_, c) => ({
      name: c === 0 ? 'id' : `attribute_${c - 1}`,
      description: `Attribute ${c} of the entity, as reported by the source system; unknown when null in the raw data.`,
      dataType: c === 0 ? 'bigint' : 'varchar',
      meta: { pii: false },
      ...(c === 0 ? { tests: ['unique' as const, 'not_null' as const] } : {})
    }))
  }
}

function writeBig(
  file: string,
  target: Target,
  options: Required<Omit<BigManifestOptions, 'version'>> & { version: ManifestVersion }
): number {
  const fd = openSync(file, 'w')
  let written = 0
  const write = (text: string) => (written += writeSync(fd, text))
  const macros = Array.from({ length: MACROS }, (_, m) => ({
    name: `macro_${m}`,
    sql: `{% macro macro_${m}(relation, columns) %}\n${'  {{ return(adapter.dispatch("x")(relation, columns)) }}\n'.repeat(30)}{% endmacro %}`
  }))
  const maps: Record<'disabled' | 'parent_map' | 'child_map', string[]> = {
    disabled: [],
    parent_map: [],
    child_map: []
  }
  let shell: Record<string, unknown> = {}
  write('{')
  for (let start = 0; start < options.models; start += BATCH) {
    const models = Array.from({ length: Math.min(BATCH, options.models - start) }, (_, k) =>
      bigModel(start + k, options.changedEvery)
    )
    const manifest = buildManifest(
      { name: 'warehouse', models, ...(start ? {} : { macros }) },
      { version: options.version, target }
    )
    if (!start) {
      shell = manifest
      write(`"metadata":${JSON.stringify(manifest.metadata)},"nodes":{`)
    }
    write(entries(manifest.nodes, start > 0))
    for (const key of Object.keys(maps) as (keyof typeof maps)[])
      maps[key].push(entries(manifest[key], maps[key].length > 0))
  }
  write('}')
  for (const [key, value] of Object.entries(shell)) {
    if (key === 'metadata' || key === 'nodes') continue
    const body =
      key in maps ? `{${maps[key as keyof typeof maps].join('')}}` : JSON.stringify(value)
    write(`,${JSON.stringify(key)}:${body}`)
  }
  write('}')
  closeSync(fd)
  return written
}

/** An object's entries as JSON text without the braces, led by a comma when `more`. */
function entries(value: unknown, more: boolean): string {
  const text = JSON.stringify(value).slice(1, -1)
  return more && text ? `,${text}` : text
}
