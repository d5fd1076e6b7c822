// Tells a dbt manifest dbt mode can read from everything else a user may point it at, from
// `metadata` alone (dbt writes it first, so a wrong file fails before the rest is read).
import { ManifestError } from './manifest.js'

/** The manifest schema versions read: v7 (dbt 1.3) to v12 (dbt 1.8 and later), and v20. */
const READ_VERSIONS = new Set([7, 8, 9, 10, 11, 12, 20])
const SUPPORTED = 'dbt mode reads v7 to v12 (dbt 1.3 to 1.11) and v20'
/** dbt releases that wrote the older schema versions, for the message. */
const OLD_DBT: Record<number, string> = {
  1: '0.19',
  2: '0.20',
  3: '0.21',
  4: '1.0',
  5: '1.1',
  6: '1.2'
}
/** The other dbt artifacts, by the kind in their schema URL. */
const OTHER_ARTIFACTS: ReadonlyMap<string, string> = new Map([
  ['run-results', 'run_results.json'],
  ['catalog', 'catalog.json'],
  ['sources', 'sources.json (source freshness)'],
  ['semantic-manifest', 'semantic_manifest.json']
])
const READ_THIS = 'dbt mode reads target/manifest.json'
/** `https://schemas.getdbt.com/dbt/<kind>/v<N>.json`, the schema URL of every dbt artifact. */
export const ARTIFACT_SCHEMA = /\/dbt\/([\w-]+)\/v(\d+)\.json$/

/** The schema version of a manifest's metadata; throws a message saying what was found instead. */
export function manifestVersion(file: string, metadata: unknown): number {
  const { dbt_schema_version: schema, dbt_version: dbtVersion } = (metadata ?? {}) as Record<
    string,
    unknown
  >
  if (typeof schema !== 'string')
    throw new ManifestError(file, 'not a dbt manifest: its metadata has no dbt_schema_version')
  const artifact = ARTIFACT_SCHEMA.exec(schema)
  if (!artifact)
    throw new ManifestError(file, `not a dbt manifest: metadata.dbt_schema_version is "${schema}"`)
  const [, kind = '', number = ''] = artifact
  if (kind !== 'manifest') {
    const name = OTHER_ARTIFACTS.get(kind) ?? `${kind} artifact`
    throw new ManifestError(
      file,
      `a dbt ${name} (schema ${kind}/v${number}), not a manifest; ${READ_THIS}`
    )
  }
  const version = Number(number)
  if (READ_VERSIONS.has(version)) return version
  const writer =
    typeof dbtVersion === 'string'
      ? `dbt ${dbtVersion}`
      : version in OLD_DBT
        ? `dbt ${OLD_DBT[version] ?? ''}`
        : `${version > 12 ? 'a newer' : 'an older'} dbt`
  throw new ManifestError(file, `schema v${version} (${writer}); ${SUPPORTED}`)
}

/** Why a JSON object without metadata is not a manifest, with a hint at what it may be instead. */
export function notAManifest(topKeys: readonly string[]): string {
  const packageJson = ['dependencies', 'devDependencies', 'scripts'].some((k) =>
    topKeys.includes(k)
  )
  const keys = topKeys.length
    ? `top-level keys: ${topKeys.slice(0, 8).join(', ')}`
    : 'an empty object'
  return `not a dbt manifest: no metadata.dbt_schema_version (${keys})${packageJson ? '; this looks like a package.json' : ''}`
}
