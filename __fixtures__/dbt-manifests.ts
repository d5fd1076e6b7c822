// Realistic dbt manifests for tests: `buildManifest(project, { version, target })` builds one
// manifest.json object from a short project description, `projectPair` builds production's and
// the PR's, and `changedProject(version)` is the ready pair of the end-to-end case.
// `writeManifests(pair)` writes them to a temporary directory.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildManifest } from './dbt-manifest-build.js'
import {
  PR,
  PROD,
  type BuildOptions,
  type ManifestVersion,
  type ModelSpec,
  type ProjectSpec,
  type Target
} from './dbt-manifest-spec.js'

export { buildManifest } from './dbt-manifest-build.js'
export * from './dbt-manifest-spec.js'

/** Writes JSON (a manifest or anything else) to `dir/name`; returns the path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(value))
  return file
}

/** A fresh temporary directory. */
export const manifestDir = (): string => mkdtempSync(join(tmpdir(), 'dbt-manifests-'))

/** Writes production's manifest to `prod/manifest.json`, the PR's to `target/manifest.json`. */
export function writeManifests(
  pair: { prod: object; pr: object },
  dir = manifestDir()
): { dir: string; prod: string; pr: string } {
  return {
    dir,
    prod: writeJson(join(dir, 'prod'), 'manifest.json', pair.prod),
    pr: writeJson(join(dir, 'target'), 'manifest.json', pair.pr)
  }
}

export interface PairOptions extends Omit<BuildOptions, 'target'> {
  adapter?: Target['adapter']
}

/** Builds production's project into `analytics.core` and the PR's into `analytics.dbt_pr_482`. */
export function projectPair(
  prod: ProjectSpec,
  pr: ProjectSpec,
  { adapter, ...options }: PairOptions
): { prod: object; pr: object } {
  return {
    prod: buildManifest(prod, { ...options, target: { ...PROD, adapter } }),
    pr: buildManifest(pr, { ...options, target: { ...PR, adapter } })
  }
}

/** Replaces the named models of a project (a PR's changes), adding those not there yet. */
export function withModels(project: ProjectSpec, ...changed: ModelSpec[]): ProjectSpec {
  const names = new Set(changed.map((m) => m.name))
  return { ...project, models: [...project.models.filter((m) => !names.has(m.name)), ...changed] }
}

const ORDERS: ModelSpec = {
  name: 'orders',
  materialized: 'incremental',
  config: { unique_key: 'order_id' },
  sql: "select order_id, customer_id, amount, ordered_at from {{ ref('stg_orders') }}",
  refs: ['stg_orders'],
  constraints: [{ type: 'primary_key', columns: ['order_id'] }],
  meta: { datafold_diff_gate: { 'max-rows-changed': '5%' } },
  tags: ['finance'],
  columns: [{ name: 'order_id' }, { name: 'customer_id' }, { name: 'amount' }]
}
const CUSTOMERS: ModelSpec = {
  name: 'customers',
  sql: "select customer_id, region, first_order from {{ ref('stg_customers') }}",
  refs: ['stg_customers'],
  columns: [{ name: 'customer_id', tests: ['unique', 'not_null'] }, { name: 'region' }]
}
const PAYMENTS: ModelSpec = {
  name: 'payments',
  sql: 'select payment_id, {{ cents_to_dollars("amount") }} as amount, loaded_at from raw.payments',
  macros: ['cents_to_dollars'],
  meta: {
    'primary-key': ['payment_id'],
    datafold: { datadiff: { filter: "loaded_at >= '2026-01-01'", exclude_columns: ['loaded_at'] } },
    datafold_diff_gate: { 'max-values-changed': '2%' }
  },
  columns: [{ name: 'payment_id' }, { name: 'amount' }, { name: 'loaded_at' }]
}
const STG_ORDERS: ModelSpec = {
  name: 'stg_orders',
  folder: 'staging',
  materialized: 'ephemeral',
  sql: 'select * from raw.orders'
}
const EVENTS: ModelSpec = { name: 'events', sql: 'select event_id, kind from raw.events' }

/** The production side of the end-to-end case: a small jaffle_shop. */
export const JAFFLE_SHOP: ProjectSpec = {
  name: 'jaffle_shop',
  macros: [
    { name: 'cents_to_dollars', sql: '{% macro cents_to_dollars(c) %}{{ c }} / 100{% endmacro %}' }
  ],
  models: [
    STG_ORDERS,
    {
      name: 'stg_customers',
      folder: 'staging',
      materialized: 'view',
      sql: 'select * from raw.customers'
    },
    { name: 'country_codes', type: 'seed' },
    {
      name: 'customers_snapshot',
      type: 'snapshot',
      config: { unique_key: 'customer_id', strategy: 'timestamp', updated_at: 'updated_at' },
      sql: "select * from {{ ref('stg_customers') }}",
      refs: ['stg_customers']
    },
    ORDERS,
    CUSTOMERS,
    PAYMENTS,
    EVENTS,
    { name: 'dim_dates', columns: [{ name: 'date_day', tests: ['unique', 'not_null'] }] }
  ]
}

/**
 * The end-to-end case: in the PR, `orders` (body; key `order_id` from dbt's primary_key in
 * v12, from its unique_key in v8), `customers` (config; key `customer_id` from its unique and
 * not_null tests, which dbt 1.9+ also writes as primary_key) and `payments` (through the macro
 * `cents_to_dollars`; key `payment_id` from meta, with a Datafold filter and thresholds in meta)
 * changed; `order_items` is new, the ephemeral `stg_orders` and the keyless `events` changed.
 */
export function changedProject(
  version: ManifestVersion,
  options: Omit<PairOptions, 'version'> = {}
): { prod: object; pr: object } {
  const pr: ProjectSpec = {
    ...withModels(
      JAFFLE_SHOP,
      { ...ORDERS, sql: `${String(ORDERS.sql)} where amount > 0` },
      { ...CUSTOMERS, config: { cluster_by: ['region'] } },
      { ...STG_ORDERS, sql: 'select *, amount / 100 as amount_usd from raw.orders' },
      { ...EVENTS, sql: 'select event_id, kind, occurred_at from raw.events' },
      { name: 'order_items', refs: ['orders'], columns: [{ name: 'item_id', tests: ['unique'] }] }
    ),
    macros: [
      {
        name: 'cents_to_dollars',
        sql: '{% macro cents_to_dollars(c) %}round({{ c }} / 100, 2){% endmacro %}'
      }
    ]
  }
  return projectPair(JAFFLE_SHOP, pr, { ...options, version })
}
