// dbt mode's part of a run: read production's manifest and the PR's, one after the other (never
// both parse trees at once), and plan a diff for each model the PR changed, all before any
// request; then say which changed models were not compared. The manifests' reader loads only in
// dbt mode.
import type { DbtPlan, SkippedModel } from './dbt/plan-dbt.js'
import type { ManifestIo } from './dbt/read-manifest.js'
import { formatNumber, plural } from './format.js'
import { InputError, type InputName, type Inputs } from './inputs.js'
import { dataSourceRef, type PlannedDiff } from './plan/merge.js'
import type { ParsedPlan } from './plan/plan.js'
import type { DbtReport } from './report/dbt.js'

export interface DbtIO {
  /** Opens a manifest, relative to the workspace or absolute. */
  openManifest?: ManifestIo['open']
}

/** dbt mode's plan, or null when it is off; throws InputError (or PlanError) naming the problem. */
export async function readDbtPlan(
  inputs: Inputs,
  plan: ParsedPlan,
  io: DbtIO
): Promise<DbtPlan | null> {
  const { dbt } = inputs
  if (dbt === null) return null
  const source = inputs.dataSource || plan.defaults['data-source']
  if (source === undefined || source === '') {
    throw new InputError([
      "data-source: dbt mode needs the Datafold data source the models are built in: set data-source to its name or id (or data-source in the plan's defaults)"
    ])
  }
  const [{ readManifest }, { planDbt }, { ManifestError }] = await Promise.all([
    import(/* webpackChunkName: "dbt" */ './dbt/read-manifest.js'),
    import(/* webpackChunkName: "dbt" */ './dbt/plan-dbt.js'),
    import(/* webpackChunkName: "dbt" */ './dbt/manifest.js')
  ])
  const open = io.openManifest
  if (!open) throw new InputError(['dbt-prod-manifest: this runner reads no files'])
  const read = async <T>(
    input: InputName,
    file: string,
    reader: (f: string, io: ManifestIo) => T
  ) => {
    try {
      return await reader(file, { open })
    } catch (error) {
      if (error instanceof ManifestError) throw new InputError([`${input}: ${error.message}`])
      throw error
    }
  }
  // One after the other: the reader keeps little of each, but a manifest being read is large.
  const prod = await read('dbt-prod-manifest', dbt.prodManifest, readManifest)
  const pr = await read('dbt-manifest', dbt.manifest, readManifest)
  const { readRunResults } = await import(/* webpackChunkName: "dbt" */ './dbt/run-results.js')
  const runResults =
    dbt.runResults === null ? null : await read('dbt-run-results', dbt.runResults, readRunResults)
  return planDbt(prod, pr, {
    dataSource: dataSourceRef(source),
    thresholds: inputs.thresholds,
    defaults: plan.defaults,
    rules: plan.rules,
    downstream: dbt.downstream,
    packages: dbt.packages,
    seeds: dbt.seeds,
    runResults
  })
}

/** The plan's entries and dbt mode's diffs, in that order; a model may not take an entry's name. */
export function allPlanned(plan: ParsedPlan, dbt: DbtPlan | null): PlannedDiff[] {
  if (dbt === null && plan.rules.length > 0) {
    throw new InputError([
      "plan: rules apply to dbt mode's models only: set dbt-prod-manifest, or remove the rules"
    ])
  }
  const models = dbt?.picked.map((model) => model.diff) ?? []
  const entries = new Set(plan.diffs.map((entry) => entry.name))
  const clashes = models.filter((diff) => entries.has(diff.name)).map((diff) => diff.name)
  if (clashes.length > 0) {
    throw new InputError(
      clashes.map(
        (name) =>
          `plan: entry ${name} has the name of a dbt model dbt mode compares; rename the entry`
      )
    )
  }
  return [...plan.diffs, ...models]
}

/** What fail-on-skipped counts: a model that could have been compared and was not. */
const NOT_COMPARED: ReadonlySet<SkippedModel['reason']> = new Set([
  'no key',
  'ephemeral',
  'not materialized',
  'not built'
])

const line = (model: SkippedModel): string =>
  `${model.name} (${model.path}): ${model.reason}: ${model.detail}`

/** One line for each changed model that could not be compared, for fail-on-skipped. */
export function notComparable(dbt: DbtPlan | null): string[] {
  return (dbt?.skipped ?? []).filter((model) => NOT_COMPARED.has(model.reason)).map(line)
}

/** Tells the log about each changed model not compared: a warning where it could have been. */
export function tellSkipped(
  dbt: DbtPlan | null,
  io: { info(message: string): void; warning(message: string): void },
  failOnSkipped: boolean
): void {
  if (dbt === null) return
  io.info(
    `dbt project ${dbt.project}: ${plural(dbt.picked.length, 'changed model')} to compare, ${formatNumber(dbt.skipped.length)} not compared, ${formatNumber(dbt.unchanged)} unchanged`
  )
  for (const model of dbt.skipped) {
    const text = `dbt model not compared: ${line(model)}`
    // Under fail-on-skipped the failure message names them: no warning besides.
    if (NOT_COMPARED.has(model.reason) && !failOnSkipped) io.warning(text)
    else io.info(text)
  }
}

/** dbt mode's plan in the report's words. */
export function dbtReport(dbt: DbtPlan): DbtReport {
  return {
    project: dbt.project,
    unchanged: dbt.unchanged,
    picked: dbt.picked.map((model) => ({
      name: model.diff.name,
      path: model.path,
      why: model.why,
      // The key as sent, and where it came from.
      keyFrom: `${(model.diff.primaryKey ?? []).join(', ')} · ${model.keyFrom}`
    })),
    skipped: dbt.skipped.map(({ name, path, reason, detail }) => ({ name, path, reason, detail }))
  }
}
