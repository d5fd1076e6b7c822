// dbt mode (`dbt-prod-manifest`): production's manifest and the PR's, read one after the other
// (never both parse trees at once), and a diff for each model the PR changed; the changed models
// that cannot be compared are told in the log. The manifests' reader loads only in dbt mode.
// dbt Cloud mode (dbt-cloud.ts) reads its artifacts with the same `readChangedModels`.
import type { DbtPlan } from '../dbt/plan-dbt.js'
import type { ManifestIo } from '../dbt/read-manifest.js'
import { describeSkipped, needsAction } from '../dbt/skipped.js'
import { formatNumber, plural } from '../format.js'
import { StepFailure } from '../text.js'
import { InputError, type DbtModels } from '../inputs.js'
import { dataSourceRef } from '../plan/merge.js'
import type { Source, SourceContext } from './source.js'

/** dbt mode's changed models as diffs to create; nothing when dbt mode is off. */
export async function dbtModels(context: SourceContext): Promise<Partial<Source>> {
  const { inputs, plan, io } = context
  const { dbt } = inputs
  if (dbt === null) {
    if (plan.rules.length > 0 && inputs.dbtCloud === null) {
      throw new InputError([
        "plan: rules apply to dbt mode's models only: set dbt-prod-manifest (or dbt-cloud-token), or remove the rules"
      ])
    }
    return {}
  }
  const dataSource = dbtDataSource(context, 'dbt mode')
  const open = io.openManifest
  if (!open) throw new InputError(['dbt-prod-manifest: this runner reads no files'])
  return readChangedModels(context, {
    open,
    dataSource,
    models: dbt,
    prodManifest: { file: dbt.prodManifest, input: 'dbt-prod-manifest' },
    manifest: { file: dbt.manifest, input: 'dbt-manifest' },
    runResults: dbt.runResults === null ? null : { file: dbt.runResults, input: 'dbt-run-results' }
  })
}

/** The Datafold data source dbt's models are built in: the input, else the plan's default. */
export function dbtDataSource({ inputs, plan }: SourceContext, mode: string): string | number {
  const source = inputs.dataSource || plan.defaults['data-source']
  if (source === undefined || source === '') {
    throw new InputError([
      `data-source: ${mode} needs the Datafold data source the models are built in: set data-source to its name or id (or data-source in the plan's defaults)`
    ])
  }
  return source
}

/** A dbt artifact to read, and the input that names it, which a problem with it names first; null
 * when the file's label says where it came from (`manifest.json of dbt Cloud run 4242`). */
export interface DbtArtifact {
  file: string
  input: string | null
}

/** What to read a dbt project's changed models from: three artifacts, opened through `open`. */
export interface DbtArtifacts {
  open: ManifestIo['open']
  dataSource: string | number
  models: DbtModels
  prodManifest: DbtArtifact
  manifest: DbtArtifact
  /** The PR build's run_results.json; null: every changed model counts as built. */
  runResults: DbtArtifact | null
}

/** Reads production's manifest, the PR's, then run_results.json, and plans the changed models. */
export async function readChangedModels(
  { inputs, plan, io }: SourceContext,
  artifacts: DbtArtifacts
): Promise<Partial<Source> & { dbt: DbtPlan }> {
  const [{ readManifest, readManifestState }, { planDbt }, { ManifestError }] = await Promise.all([
    import(/* webpackChunkName: "dbt" */ '../dbt/read-manifest.js'),
    import(/* webpackChunkName: "dbt" */ '../dbt/plan-dbt.js'),
    import(/* webpackChunkName: "dbt" */ '../dbt/manifest.js')
  ])
  const read = async <T>(
    { file, input }: DbtArtifact,
    reader: (f: string, io: ManifestIo) => Promise<T>
  ): Promise<T> => {
    try {
      return await reader(file, { open: artifacts.open })
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error
      throw input === null
        ? new StepFailure(error.message)
        : new InputError([error.problemOf(input)])
    }
  }
  // One after the other: the reader keeps little of each, but a manifest being read is large.
  // Of production's, only each node's state: what state:modified compares, and where its table is.
  const prod = await read(artifacts.prodManifest, readManifestState)
  const pr = await read(artifacts.manifest, readManifest)
  // On its own, after the others: jest's ESM loader fails on parallel imports sharing a module.
  const { readRunResults } = await import(/* webpackChunkName: "dbt" */ '../dbt/run-results.js')
  let runResults = artifacts.runResults && (await read(artifacts.runResults, readRunResults))
  // `dbt docs generate` rewrites run_results.json with no model in it: all would look unbuilt.
  if (runResults?.command === 'generate') {
    io.warning(
      `${runResults.file} was written by dbt docs generate, not by the build: every changed model is compared, built or not. Generate the docs in a step before the build, or not at all`
    )
    runResults = null
  }
  const { models } = artifacts
  const planned = planDbt(prod, pr, {
    dataSource: dataSourceRef(artifacts.dataSource),
    thresholds: inputs.thresholds,
    defaults: plan.defaults,
    rules: plan.rules,
    downstream: models.downstream,
    packages: models.packages,
    seeds: models.seeds,
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
