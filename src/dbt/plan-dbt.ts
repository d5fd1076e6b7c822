// dbt mode's plan: from production's manifest and the PR build's, the diffs to create (one per
// model the PR changed, or downstream of one) and the changed models that cannot be compared, each
// with its reason. Every problem (a bad value in a model's meta, a root project that cannot be
// told) is found before any request and reported at once. Pure.
import type { Thresholds } from '../limits.js'
import type { DataSourceRef, PlannedDiff } from '../plan/merge.js'
import { PlanError } from '../plan/plan.js'
import type { DbtRule, RawDefaults } from '../plan/schema.js'
import { anotherProject, findChanges, rootProject, type ChangedModel } from './changed.js'
import { modelKey, NO_KEY_HINT } from './keys.js'
import type { DbtManifest, DbtManifestState } from './manifest.js'
import { modelSettings, modelThresholds, ruleFinder } from './model-settings.js'
import { columnNames, tablePath } from './relation.js'
import type { SkippedModel, SkipReason } from './skipped.js'
import type { RunResults } from './run-results.js'

export interface DbtPlanOptions {
  dataSource: DataSourceRef
  /** The step's. */
  thresholds: Thresholds
  /** The plan's defaults ({} when no plan); only its thresholds apply to models. */
  defaults: RawDefaults
  rules: DbtRule[]
  downstream: boolean
  /** Installed packages whose models count too. */
  packages: string[]
  seeds: boolean
  /**
   * The PR build's run_results.json, when given: a changed model it did not build is not compared
   * (its table in the PR's schema is missing, or stale).
   */
  runResults?: Pick<RunResults, 'file' | 'built' | 'notBuilt'> | null
}

export interface PickedModel {
  uniqueId: string
  /** The model's file, in the PR. */
  path: string
  why: string[]
  keyFrom: string
  diff: PlannedDiff
}

export interface DbtPlan {
  /** The root project's name. */
  project: string
  /** By model name. */
  picked: PickedModel[]
  /** The changed models not compared, by model name. */
  skipped: SkippedModel[]
  /** The root project's (and the packages') models that did not change. */
  unchanged: number
}

/** dbt mode's plan that cannot be used: every problem, one line each. */
export class DbtPlanError extends PlanError {
  constructor(file: string, problems: string[]) {
    super(file, problems, 'dbt project')
    this.name = 'DbtPlanError'
  }
}

type Outcome = { picked: PickedModel } | { skipped: SkippedModel }

/** Throws DbtPlanError listing every problem. */
export function planDbt(prod: DbtManifestState, pr: DbtManifest, options: DbtPlanOptions): DbtPlan {
  // Another project's manifest would make every model look new: refuse it instead.
  const other = anotherProject(prod, pr)
  if (other !== null) throw new DbtPlanError(prod.file, [other])
  const project = rootProject(prod, pr)
  if (project === null) {
    throw new DbtPlanError(pr.file, [
      `${pr.file}: cannot tell the root project: the manifest has no metadata.project_name, and its project_id is the md5 of none of its packages' names`
    ])
  }
  const changes = findChanges(prod, pr, project, options)
  const problems: string[] = []
  const findRule = ruleFinder(options.rules)
  const outcomes = changes.models.map((model): Outcome => {
    const report = (field: string, problem: string): void => {
      problems.push(`model ${model.node.name} (${model.node.path}): ${field}: ${problem}`)
    }
    return planModel(model, { prod, pr, options, report, findRule })
  })
  if (problems.length > 0) throw new DbtPlanError(pr.file, problems)
  const picked = outcomes.flatMap((o) => ('picked' in o ? [o.picked] : []))
  return {
    project,
    picked: withDistinctNames(picked),
    skipped: outcomes.flatMap((o) => ('skipped' in o ? [o.skipped] : [])),
    unchanged: changes.unchanged
  }
}

function planModel(
  model: ChangedModel,
  context: {
    prod: DbtManifestState
    pr: DbtManifest
    options: DbtPlanOptions
    report: (field: string, problem: string) => void
    findRule: ReturnType<typeof ruleFinder>
  }
): Outcome {
  const skip = (reason: SkipReason, detail: string): Outcome => {
    const { uniqueId, name, path } = model.node
    return { skipped: { uniqueId, name, path, reason, detail } }
  }
  if (model.status === 'removed') return skip('removed', 'removed by this PR')
  const { node, prod: before } = model
  if (before === null) return skip('new', 'nothing to compare against')
  if (node.materialized === 'ephemeral') return skip('ephemeral', 'it builds no table')
  if (before.materialized === 'ephemeral') {
    return skip('not materialized', 'ephemeral in production: no table to compare against')
  }
  const { pr, options, report } = context
  const settings = modelSettings(node, report)
  const key = modelKey(node, pr.tests, report)
  if (settings.neverDiff) return skip('never_diff', 'meta.datafold.datadiff.never_diff is set')
  const unbuilt = notBuilt(node.uniqueId, options.runResults)
  if (unbuilt !== null) return skip('not built', unbuilt)
  if (key === null) return skip('no key', NO_KEY_HINT)
  const columns = (names: string[] | null) =>
    names === null ? null : columnNames(node, names, pr.adapterType)
  return {
    picked: {
      uniqueId: node.uniqueId,
      path: node.path,
      why: model.why,
      keyFrom: key.from,
      diff: {
        name: node.name,
        dataSourceA: options.dataSource,
        dataSourceB: options.dataSource,
        datasetA: { table: tablePath(before, context.prod.adapterType) },
        datasetB: { table: tablePath(node, pr.adapterType) },
        primaryKey: columns(key.columns),
        includeColumns: columns(settings.includeColumns),
        excludeColumns: columns(settings.excludeColumns),
        filterA: settings.filter,
        filterB: settings.filter,
        sampling: null,
        timeTravelA: settings.prodTimeTravel,
        timeTravelB: settings.prTimeTravel,
        tags: ['dbt'],
        thresholds: modelThresholds(
          options.thresholds,
          options.defaults,
          context.findRule(node),
          settings.thresholds
        )
      }
    }
  }
}

/** Why run_results.json says the PR build did not build a node; null when it built it, or when no
 * run_results.json was given. */
function notBuilt(uniqueId: string, results: DbtPlanOptions['runResults']): string | null {
  if (!results || results.built.has(uniqueId)) return null
  const status = results.notBuilt.get(uniqueId)
  return status === undefined
    ? `not in ${results.file}: the PR build did not select it (deferred to production?), so its table in the PR's schema is missing or stale`
    : `${results.file} says ${status}: its table in the PR's schema is missing or stale; fix the build`
}

/** A name two picked models share becomes the unique id's: `jaffle_shop.orders`, `….orders.v2`. */
function withDistinctNames(picked: PickedModel[]): PickedModel[] {
  const counts = new Map<string, number>()
  for (const { diff } of picked) counts.set(diff.name, (counts.get(diff.name) ?? 0) + 1)
  return picked.map((model) =>
    (counts.get(model.diff.name) ?? 0) > 1
      ? { ...model, diff: { ...model.diff, name: qualified(model.uniqueId) } }
      : model
  )
}

function qualified(uniqueId: string): string {
  return uniqueId.split('.').slice(1).join('.')
}
