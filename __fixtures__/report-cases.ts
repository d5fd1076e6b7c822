// The report's realistic cases, shared by `npm run screenshot` (the README's pictures) and the
// end-to-end tests of the report, so that what is pictured is what is pinned: a plan of 150 tables
// with 3 over their limits and 2 Datafold could not diff, 12 tables all within their limits, the
// same 12 re-run on a new commit, and dbt mode where changed models have no key. Each case is a
// plan (or manifests), the commit it runs at, and what the fake Datafold answers for each table.
// Plain TypeScript, no jest: the screenshot script imports it under `tsx`.
import type { CreateScript } from './fake-datafold.js'
import { JAFFLE_SHOP, projectPair, withModels } from './dbt-manifests.js'
import { failedSummary, sameDbDone, type DataDiffError, type DiffSpec } from './diffs.js'

/** What Datafold finds for one table; a table not named finds nothing changed. */
export interface TableAnswer {
  /** Rows whose values changed (all in `amount`, a quarter also in `status`). */
  changed?: number
  removed?: number
  added?: number
  dupes?: [number, number]
  schema?: DiffSpec['schemaChanges']
  /** The diff failed in Datafold. */
  failed?: Partial<DataDiffError>
}

/** A plan's run: its entries' names, the plan file, the commit, and Datafold's answers. */
export interface PlanCase {
  names: string[]
  plan: string
  sha: string
  answers: Record<string, TableAnswer>
}

const COLUMNS = ['status', 'amount', 'region', 'channel', 'updated_at']

/** 150 model names a real warehouse has: five layers of thirty entities. */
const ENTITIES = [
  'orders',
  'order_items',
  'customers',
  'payments',
  'refunds',
  'subscriptions',
  'invoices',
  'products',
  'inventory',
  'shipments',
  'returns',
  'sessions',
  'pageviews',
  'events',
  'campaigns',
  'ad_spend',
  'leads',
  'accounts',
  'contacts',
  'opportunities',
  'tickets',
  'reviews',
  'coupons',
  'carts',
  'checkouts',
  'fulfilments',
  'suppliers',
  'warehouses',
  'employees',
  'payroll'
]
const LAYERS = ['stg_shop', 'int', 'fct', 'dim', 'rpt']

/** The rows a table holds in production: from its name, so every run sees the same. */
export function rowsOf(name: string): number {
  let hash = 7
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003
  return 20_000 + (hash % 900) * 1_013
}

const MISSING_TABLE = (name: string): Partial<DataDiffError> => ({
  error_type: 'QueryError',
  error_value: `SQL compilation error: Object 'ANALYTICS.DBT_PR_482.${name.toUpperCase()}' does not exist or not authorized.`,
  is_retryable: false
})
const WAREHOUSE_TIMEOUT: Partial<DataDiffError> = {
  error_type: 'DataSourceTimeout',
  error_value: 'Snowflake did not answer within 300 s (warehouse CI_WH suspended)',
  is_retryable: true
}

/** A plan of `names`, each production's table against the PR's; `own` adds an entry's limits. */
function planOf(names: readonly string[], own: Record<string, string> = {}): string {
  const entries = names.map((name) =>
    [
      `  - name: ${name}`,
      `    table-a: analytics.prod.${name}`,
      `    table-b: analytics.dbt_pr_482.${name}`,
      ...(own[name] === undefined ? [] : [`    ${own[name]}`])
    ].join('\n')
  )
  return `defaults:\n  primary-key: id\ndiffs:\n${entries.join('\n')}\n`
}

const MANY_NAMES = LAYERS.flatMap((layer) => ENTITIES.map((entity) => `${layer}_${entity}`))

/** 150 tables: 3 over the step's limits, 2 Datafold could not diff, a few small changes within. */
export const MANY_TABLES: PlanCase = {
  names: MANY_NAMES,
  plan: planOf(MANY_NAMES, { fct_sessions: 'max-rows-changed: 10%' }),
  sha: '3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f',
  answers: {
    fct_orders: { changed: Math.round(rowsOf('fct_orders') * 0.031) },
    dim_customers: { removed: 37 },
    int_payments: { schema: { onlyInB: ['refund_total', 'fee'], typeChanged: ['amount'] } },
    rpt_ad_spend: { failed: MISSING_TABLE('rpt_ad_spend') },
    stg_shop_sessions: { failed: WAREHOUSE_TIMEOUT },
    fct_sessions: { changed: 2_400 },
    int_orders: { changed: 120 },
    dim_products: { added: 12 },
    fct_refunds: { changed: 45 }
  }
}

const TWELVE = [
  'stg_shop_orders',
  'stg_shop_customers',
  'stg_shop_payments',
  'int_orders',
  'int_payments',
  'fct_orders',
  'fct_payments',
  'fct_refunds',
  'dim_customers',
  'dim_products',
  'rpt_revenue_daily',
  'rpt_customer_ltv'
]

/** 12 tables within their limits; one is held to its own 10% and changed 4% of its rows. */
export const ALL_PASS: PlanCase = {
  names: TWELVE,
  plan: planOf(TWELVE, { rpt_customer_ltv: 'max-rows-changed: 10%' }),
  sha: '5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081',
  answers: {
    int_orders: { changed: 96 },
    fct_refunds: { changed: 12, added: 3 },
    rpt_customer_ltv: { changed: Math.round(rowsOf('rpt_customer_ltv') * 0.04) }
  }
}

/** The twelve on the PR's first push: two tables over their limits. */
export const FIRST_PUSH: PlanCase = {
  ...ALL_PASS,
  sha: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
  answers: {
    ...ALL_PASS.answers,
    fct_orders: { changed: Math.round(rowsOf('fct_orders') * 0.031) },
    dim_customers: { removed: 37 }
  }
}

/** The next push: fct_orders fixed, dim_customers removes fewer rows, fct_payments newly over. */
export const NEXT_PUSH: PlanCase = {
  ...ALL_PASS,
  sha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
  answers: {
    ...ALL_PASS.answers,
    fct_orders: { changed: 310 },
    dim_customers: { removed: 12 },
    fct_payments: { changed: Math.round(rowsOf('fct_payments') * 0.016) }
  }
}

/** The summary of a created diff: the answer the case with that commit gives for that table; a
 * commit no case names falls to `otherwise`. */
export function caseSummaries(
  cases: readonly PlanCase[],
  otherwise: NonNullable<CreateScript['summary']> = (_body, id) => sameDbDone({ id })
): NonNullable<CreateScript['summary']> {
  return (body, id) => {
    const tags = Array.isArray(body.tags) ? body.tags.map(String) : []
    const sha = tags.find((tag) => tag.startsWith('github-sha:'))?.slice('github-sha:'.length)
    const found = cases.find((c) => c.sha === sha)
    const name = tableNameOf(body)
    if (found === undefined || !found.names.includes(name)) return otherwise(body, id)
    return tableSummary(id, name, found.answers[name] ?? {})
  }
}

/** The table a create names, as the cases write it: Snowflake stores unquoted names upper-case,
 * and the action sends them so; the fake matches them as Snowflake does. */
export function tableNameOf(body: Record<string, unknown>): string {
  return Array.isArray(body.table1) ? String(body.table1.at(-1)).toLowerCase() : ''
}

function tableSummary(id: number, name: string, answer: TableAnswer): object {
  if (answer.failed) return failedSummary(answer.failed)
  const changed = answer.changed ?? 0
  return sameDbDone({
    id,
    model: name,
    pk: ['id'],
    columns: COLUMNS,
    rowsA: rowsOf(name),
    removed: answer.removed ?? 0,
    added: answer.added ?? 0,
    differences: changed > 0 ? { amount: changed, status: Math.floor(changed / 4) } : {},
    ...(answer.dupes ? { dupes: answer.dupes } : {}),
    ...(answer.schema ? { schemaChanges: answer.schema } : {})
  })
}

/**
 * dbt mode on a project whose PR changed three models and only one of them has a key: `events`
 * and `sessions` have none, so they cannot be compared; `customers` is compared and clean.
 */
export function keylessProject(): { prod: object; pr: object } {
  const sessions = { name: 'sessions', sql: 'select session_id, user_id from raw.sessions' }
  const prod = withModels(JAFFLE_SHOP, sessions)
  const pr = withModels(
    prod,
    { name: 'events', sql: 'select event_id, kind, occurred_at from raw.events' },
    { ...sessions, sql: `${sessions.sql} where user_id is not null` },
    {
      name: 'customers',
      sql: "select customer_id, region, first_order from {{ ref('stg_customers') }}",
      refs: ['stg_customers'],
      config: { cluster_by: ['region'] },
      columns: [{ name: 'customer_id', tests: ['unique', 'not_null'] }, { name: 'region' }]
    }
  )
  return projectPair(prod, pr, { version: 12, adapter: 'snowflake' })
}
