// A changed dbt model that is not compared, and why. Kept apart from the planning so the report,
// the log and the verdict read it without loading dbt mode's chunk. Pure.

export type SkipReason =
  'new' | 'removed' | 'no key' | 'ephemeral' | 'never_diff' | 'not materialized' | 'not built'

export interface SkippedModel {
  uniqueId: string
  name: string
  path: string
  reason: SkipReason
  detail: string
}

/** A reason that needs the user's action (a key, a materialization, a build that did not build
 * the model): `fail-on-skipped` counts these; new, removed and `never_diff` models are skipped on
 * purpose. */
export function needsAction(reason: SkipReason): boolean {
  return (
    reason === 'no key' ||
    reason === 'ephemeral' ||
    reason === 'not materialized' ||
    reason === 'not built'
  )
}

/** `orders (models/orders.sql): no key: …`. */
export function describeSkipped(model: SkippedModel): string {
  return `${model.name} (${model.path}): ${model.reason}: ${model.detail}`
}
