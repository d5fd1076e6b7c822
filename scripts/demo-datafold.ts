// The demo's Datafold API: the end-to-end harness's fake, serving its realistic demo diffs.
import { dataSources } from '../__fixtures__/data-sources.js'
import { DEMO_DIFF_IDS, sameDbDone, type DiffSpec } from '../__fixtures__/diffs.js'
import type { CreateScript } from '../__fixtures__/fake-datafold.js'
import { Harness, type Fakes } from '../__fixtures__/harness.js'

export { DEMO_DIFF_IDS }
/** Not a secret: the key the demo server expects, so the demo also proves the header is sent. */
const DEMO_API_KEY = 'demo-key'

/** The thresholds the demo (and the README's screenshots) check the demo diffs against. */
export const EXAMPLE_THRESHOLDS = {
  'max-rows-removed': '0',
  'max-rows-changed': '1%',
  'max-duplicate-pks': '0',
  'max-schema-changes': '2'
}

/** What the demo asks the action to create, as a repository's plan file would (inline here). */
export const DEMO_PLAN = `defaults:
  primary-key: id
diffs:
  - name: fct_orders_daily
    table-a: analytics.prod.fct_orders_daily
    table-b: analytics.dbt_cloud_pr_4711_482.fct_orders_daily
    max-rows-changed: 5%
  - name: dim_customers
    table-a: analytics.prod.dim_customers
    table-b: analytics.dbt_cloud_pr_4711_482.dim_customers
`

/** The demo diffs behind DEMO_API_KEY, data sources to create the plan's diffs in, and no fake
 * GitHub: a preview never writes to a PR. */
export async function startDemo(): Promise<{ harness: Harness; fakes: Fakes<null> }> {
  const harness = new Harness({ apiKey: DEMO_API_KEY })
  const datafold = { dataSources: dataSources(), create: { polls: 1, summary: madeUpCounts } }
  return { harness, fakes: await harness.start({ github: false, datafold }) }
}

/**
 * The demo's answer to any diff it is asked to create, whatever its tables: made-up but plausible
 * counts, the same for the same tables on every run. Every one changed some values (a PR that
 * changes a model changes some rows): between 0.05% and 3% of its rows, in one column and a third
 * as many in another; a third of them lost a few rows, most gained a few. Its key is the one
 * asked for; its other columns are the ones asked for, else three made up in the key's letter case.
 */
export function madeUpCounts(body: Record<string, unknown>, id: number): object {
  const texts = (value: unknown): string[] =>
    Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []
  const seed = JSON.stringify([body.table1, body.table2, body.query1, body.query2])
  const pk = texts(body.pk_columns).length > 0 ? texts(body.pk_columns) : ['id']
  const upper = pk.every((name) => name === name.toUpperCase())
  const excluded = new Set([...pk, ...texts(body.exclude_columns)])
  const asked = texts(body.include_columns).filter((name) => !excluded.has(name))
  const madeUp = ['amount', 'status', 'updated_at'].map((name) =>
    upper ? name.toUpperCase() : name
  )
  const columns = asked.length > 0 ? asked : madeUp.filter((name) => !excluded.has(name))
  const rowsA = 10_000 + (hash(seed, 1) % 490_000)
  const removed = hash(seed, 2) % 3 === 0 ? 1 + (hash(seed, 3) % 40) : 0
  const added = hash(seed, 4) % 4 === 0 ? 0 : 1 + (hash(seed, 5) % Math.floor(rowsA / 500))
  const inBoth = rowsA - removed
  const share = 5 + (hash(seed, 6) % 295) // in hundredths of a percent
  const [first, second] = columns
  const changed = first ? Math.max(1, Math.round((inBoth * share) / 10_000)) : 0
  const differences = {
    ...(first ? { [first]: changed } : {}),
    ...(second ? { [second]: Math.floor(changed / 3) } : {})
  }
  const table = texts(body.table2).at(-1) ?? 'query'
  const spec: DiffSpec = { id, model: table, pk, columns, rowsA, removed, added, differences }
  return sameDbDone({ ...spec, changed, dependencies: [] })
}

/** FNV-1a of `text` and `salt`: a number that is always the same for the same tables. */
function hash(text: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt
  for (const char of text) h = Math.imul(h ^ (char.codePointAt(0) ?? 0), 0x01000193)
  return h >>> 0
}

/** The diffs the demo creates changed 2,500 amounts of payments (2%), and nothing else. */
export function paymentsChanged(body: Record<string, unknown>, id: number): object {
  const table = Array.isArray(body.table1) ? String(body.table1.at(-1)) : ''
  return sameDbDone({ id, differences: table === 'PAYMENTS' ? { amount: 2_500 } : {} })
}

/** The demo diffs and a fake GitHub holding PR 482, for pictures of the comment as posted; the
 * diffs it creates are answered by `summary`. */
export async function startDemoPullRequest(
  summary: NonNullable<CreateScript['summary']> = paymentsChanged
): Promise<{ harness: Harness; fakes: Fakes }> {
  const harness = new Harness({ apiKey: DEMO_API_KEY, token: 'demo-token' })
  const datafold = { dataSources: dataSources(), create: { polls: 1, summary } }
  return { harness, fakes: await harness.start({ datafold }) }
}
