// The plan's data-source names resolved to ids with one `GET /api/v1/data_sources` (exact match),
// each with its type (which says how its warehouse stores names written without quotes, for an
// entry given by id too), and the secrets of that list. Its records carry connection options (hosts, users, passwords,
// keys): every text in every record is a secret for the rest of the run, masked in the log and
// taken out of whatever is written, but what the action itself shows of a data source (its id,
// name and type), texts too short to mask without blanking words, and the words Datafold's
// contract fixes for every account (a job status, an SSL mode), which no account can fill with a
// secret of its own and which the report must keep.
import { SHORTEST_SECRET } from '../redact.js'
import type { DataSourceRef, PlannedDiff } from '../plan/merge.js'
import type { ResolvedSource } from '../plan/request.js'
import type { DatafoldPlanClient } from './endpoints.js'
import { dataSourcesSchema, type DataSource } from './created.js'

/** A data-source name that does not resolve: nothing is created. */
export class DataSourceError extends Error {
  constructor(readonly problems: string[]) {
    super(`No diff was created: ${problems.join('; ')}`)
    this.name = 'DataSourceError'
  }
}

/**
 * Resolves every name the plan uses, and the type of every data source whose warehouse may store
 * an entry's unquoted names in its own case, with one list request, after `mask` is told each
 * secret the list holds. A plan that needs neither sends no request; an id the list does not hold
 * has no type, and its names are sent as written.
 */
export async function resolveDataSources(
  planned: PlannedDiff[],
  client: Pick<DatafoldPlanClient, 'listDataSources'>,
  mask: (secret: string) => void
): Promise<(ref: DataSourceRef) => ResolvedSource> {
  const names = new Set(
    planned
      .flatMap((d) => [d.dataSourceA, d.dataSourceB])
      .flatMap((r) => ('name' in r ? [r.name] : []))
  )
  const byName = new Map<string, ResolvedSource>()
  const typeOf = new Map<number, string | null>()
  if (names.size > 0 || planned.some(hasUnquotedNames)) {
    const list = await client.listDataSources()
    for (const secret of dataSourceSecrets(list)) mask(secret)
    const parsed = dataSourcesSchema.safeParse(list)
    if (!parsed.success) {
      throw new DataSourceError(['the data source list from Datafold fits no known shape'])
    }
    for (const { id, type } of parsed.data) if (typeof id === 'number') typeOf.set(id, type ?? null)
    const problems: string[] = []
    for (const name of names) {
      const found = parsed.data.filter((source) => source.name === name)
      const [only] = found
      if (found.length === 1 && typeof only?.id === 'number') {
        byName.set(name, { id: only.id, type: only.type ?? null })
      } else problems.push(unresolved(name, found, parsed.data))
    }
    if (problems.length > 0) throw new DataSourceError(problems)
  }
  return (ref) =>
    'id' in ref
      ? { id: ref.id, type: typeOf.get(ref.id) ?? null }
      : (byName.get(ref.name) ?? { id: 0, type: null })
}

/** Whether an entry has a name written without quotes, which a warehouse may store in its case. */
function hasUnquotedNames({ quoting }: PlannedDiff): boolean {
  if (quoting === undefined) return false
  const { tableA, tableB, primaryKey, includeColumns, excludeColumns } = quoting
  return [tableA, tableB, primaryKey, includeColumns, excludeColumns].some((q) => q.includes(false))
}

/** What a record shows of itself, the action too: not secrets. */
const SHOWN = new Set(['id', 'name', 'type'])

/**
 * The values of `GET /api/v1/data_sources` (enums and consts) that are the same for every
 * account, from the contract (__tests__ checks this list against it).
 */
export const CONTRACT_WORDS: ReadonlySet<string> = new Set([
  ...['needs_confirmation', 'needs_authentication', 'waiting', 'queued', 'processing'],
  ...['done', 'failed', 'cancelled', 'connection', 'temp_schema', 'schema_download'],
  ...['lineage_download', 'prefer', 'require', 'verify-ca', 'verify-full', 'disable', 'full'],
  ...['none', 'customcert', 'dremio-cloud', 'password', 'keypair', 'azure_entra', 'm2m_oauth'],
  ...['pkcs12', 'x509', 'service', 'athena', 'aws_s3', 'azure_synapse', 'bigquery'],
  ...['databricks', 'dremio', 'duckdb', 'files_azure_datalake', 'google_cloud_storage'],
  ...['mariadb', 'microsoft_fabric', 'mongodb', 'mssql', 'mysql', 'netezza', 'oracle'],
  ...['postgres_aurora', 'postgres_aws_rds', 'redshift', 'sap_hana', 'snowflake'],
  ...['starburst', 'teradata', 'trino', 'vertica']
])

/**
 * Every text of every record that may be a secret, and each line of a text of several lines (a
 * private key), as the runner masks line by line. The list of any other shape is all secret.
 */
export function dataSourceSecrets(list: unknown): string[] {
  const names = new Set(
    (Array.isArray(list) ? list : []).flatMap((record: unknown) =>
      typeof record === 'object' && record !== null && 'name' in record ? [record.name] : []
    )
  )
  const secrets = new Set<string>()
  const keep = (text: string): void => {
    if (text.length >= SHORTEST_SECRET && !names.has(text) && !CONTRACT_WORDS.has(text)) {
      secrets.add(text)
    }
  }
  const walk = (value: unknown, record: boolean): void => {
    if (typeof value === 'string') {
      keep(value)
      for (const line of value.split(/\r?\n/)) keep(line.trim())
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, false)
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (!(record && SHOWN.has(key))) walk(item, false)
      }
    }
  }
  if (Array.isArray(list)) for (const record of list) walk(record, true)
  else walk(list, false)
  return [...secrets]
}

function unresolved(name: string, found: DataSource[], all: DataSource[]): string {
  if (found.length > 1) {
    const ids = found.map((source) => String(source.id ?? '?')).join(', ')
    return `data-source "${name}" names ${found.length} data sources (ids ${ids}): give the id instead`
  }
  const names = [...new Set(all.map((source) => source.name))].sort()
  const listed = names.length === 0 ? 'there are none' : `the names there are: ${names.join(', ')}`
  return `data-source "${name}" is not the name of a data source at Datafold; ${listed}`
}
