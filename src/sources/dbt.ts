// dbt mode (`dbt-prod-manifest`): production's manifest and the PR's, read one after the other
// (never both parse trees at once), and a diff for each model the PR changed; the changed models
// that cannot be compared are told in the log. The manifests' reader loads only in dbt mode.
import type { DbtPlan } from '../dbt/plan-dbt.js'
import { describeSkipped, needsAction } from '../dbt/skipped.js'
import { formatNumber, plural } from '../format.js'
import type { ManifestIo } from '../dbt/read-manifest.js'
import { InputError, type InputName } from '../inputs.js'
import { dataSourceRef } from '../plan/merge.js'
import type { Source, SourceContext } from './source.js'

/** dbt mode's changed models as diffs to create; nothing when dbt mode is off. */
export async function dbtModels({ inputs, plan, io }: SourceContext): Promise<Partial<Source>> {
  const { dbt } = inputs
  if (dbt === null) {
    if (plan.rules.length > 0) {
      throw new InputError([
        "plan: rules apply to dbt mode's models only: set dbt-prod-manifest, or remove the rules"
      ])
    }
    return {}
  }
  const source = inputs.dataSource || plan.defaults['data-source']
  if (source === undefined || source === '') {
    throw new InputError([
      "data-source: dbt mode needs the Datafold data source the models are built in: set data-source to its name or id (or data-source in the plan's defaults)"
    ])
  }
  const [{ readManifest }, { planDbt }, { ManifestError }] = await Promise.all([
    import(/* webpackChunkName: "dbt" */ '../dbt/read-manifest.js'),
    import(/* webpackChunkName: "dbt" */ '../dbt/plan-dbt.js'),
    import(/* webpackChunkName: "dbt" */ '../dbt/manifest.js')
  ])
  const open = io.openManifest
  if (!open) throw new InputError(['dbt-prod-manifest: this runner reads no files'])
  const read = async <T>(
    input: InputName,
    file: string,
    reader: (f: string, io: ManifestIo) => Promise<T>
  ): Promise<T> => {
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
  // On its own, after the others: jest's ESM loader fails on parallel imports sharing a module.
  const { readRunResults } = await import(/* webpackChunkName: "dbt" */ '../dbt/run-results.js')
  const runResults =
    dbt.runResults === null ? null : await read('dbt-run-results', dbt.runResults, readRunResults)
  const planned = planDbt(prod, pr, {
    dataSource: dataSourceRef(source),
    thresholds: inputs.thresholds,
    defaults: plan.defaults,
    rules: plan.rules,
    downstream: dbt.downstream,
    packages: dbt.packages,
    seeds: dbt.seeds,
    runResults
  })
  tellSkipped(planned, io, inputs.failOnSkipped)
  return {
    diffs: planned.picked.map(({ diff, path, uniqueId }) => ({
      kind: 'requested',
      name: diff.name,
      request: diff,
      from: 'dbt model',
      // A model of an installed package has no file in this repository.
      ...(uniqueId.split('.')[1] === planned.project ? { file: path } : {})
    })),
    dbt: planned
  }
}

/** Tells the log about each changed model not compared: a warning where it could have been. */
function tellSkipped(
  dbt: DbtPlan,
  io: { info(message: string): void; warning(message: string): void },
  failOnSkipped: boolean
): void {
  io.info(
    `dbt project ${dbt.project}: ${plural(dbt.picked.length, 'changed model')} to compare, ${formatNumber(dbt.skipped.length)} not compared, ${formatNumber(dbt.unchanged)} unchanged`
  )
  for (const model of dbt.skipped) {
    const text = `dbt model not compared: ${describeSkipped(model)}`
    // Under fail-on-skipped the failure message names them: no warning besides.
    if (needsAction(model.reason) && !failOnSkipped) io.warning(text)
    else io.info(text)
  }
}
