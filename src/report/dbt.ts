// dbt mode's part of the report: the changed models that could not be compared for a reason that
// needs action first (they are not checked, and the heading counts them), those left out on
// purpose apart, which models were compared and why, and in dbt Cloud mode which runs were
// compared. Pure.
import type { DbtPlan } from '../dbt/plan-dbt.js'
import { needsAction } from '../dbt/skipped.js'
import { formatAge, formatNumber, plural } from '../format.js'
import type { ComparedRun, ComparedRuns } from '../sources/source.js'
import { cell, details, link } from './markdown.js'

/** What dbt mode planned, in the report's words. */
export interface DbtReport {
  /** The root project's name. */
  project: string
  /** Models of the project (and of dbt-packages) whose contents did not change. */
  unchanged: number
  picked: { name: string; path: string; why: string[]; keyFrom: string }[]
  /** Changed models not compared: `reason` in a word or two, `detail` one line more;
   * `needsAction` when the reason is one the user can fix (a key, a materialization). */
  skipped: { name: string; path: string; reason: string; detail: string; needsAction: boolean }[]
  /** dbt Cloud mode: the CI run and production's run whose manifests were compared. */
  dbtCloud?: ComparedRuns
}

/** dbt mode's plan in the report's words, with dbt Cloud's runs when they were compared. */
export function dbtReport(dbt: DbtPlan, dbtCloud: ComparedRuns | null = null): DbtReport {
  return {
    ...(dbtCloud ? { dbtCloud } : {}),
    project: dbt.project,
    unchanged: dbt.unchanged,
    picked: dbt.picked.map((model) => ({
      name: model.diff.name,
      path: model.path,
      why: model.why,
      // The key as sent, and where it came from.
      keyFrom: `${(model.diff.primaryKey ?? []).join(', ')} · ${model.keyFrom}`
    })),
    skipped: dbt.skipped.map(({ name, path, reason, detail }) => ({
      ...{ name, path, reason, detail },
      needsAction: needsAction(reason)
    }))
  }
}

/** How many changed models were not compared for a reason that needs action. */
export function notComparedCount(dbt: DbtReport | undefined): number {
  return dbt?.skipped.filter((m) => m.needsAction).length ?? 0
}

/** A list this long or longer is collapsed. */
const LONG_LIST = 10

/** The most models listed, in the full report and in a short one; the outputs hold them all. */
const MOST_LISTED = { full: 100, short: 20 }

/** The section; `full`: with the list of why each model was compared (left out of a short one). */
export function dbtSection(dbt: DbtReport, full: boolean): string {
  const project = `**dbt project** <code>${cell(dbt.project, 100)}</code>`
  const { picked, skipped } = dbt
  const runs = dbt.dbtCloud ? [dbtCloudRuns(dbt.dbtCloud)] : []
  if (picked.length === 0 && skipped.length === 0) {
    return [
      `${project}: no model changed since production (${formatNumber(dbt.unchanged)} unchanged), so there is nothing to compare.`,
      ...runs
    ].join('\n\n')
  }
  const counts = [
    `${plural(picked.length, 'changed model')} compared`,
    ...(skipped.length > 0 ? [`${formatNumber(skipped.length)} not compared`] : []),
    `${formatNumber(dbt.unchanged)} unchanged`
  ]
  const most = full ? MOST_LISTED.full : MOST_LISTED.short
  const toFix = skipped.filter((m) => m.needsAction)
  const onPurpose = skipped.filter((m) => !m.needsAction)
  const blocks: string[] = []
  if (toFix.length > 0) {
    // Not checked, and the heading says so: listed in full, never collapsed.
    blocks.push(
      [
        `**⚠️ Needs action: ${plural(toFix.length, 'changed model')} not compared, so not checked.** Each says what would let it be compared:`,
        '',
        skippedList(toFix, most)
      ].join('\n')
    )
  }
  blocks.push(`${project}: ${counts.join(', ')}.`, ...runs)
  if (onPurpose.length > 0) {
    const title = `${plural(onPurpose.length, 'changed model')} not compared, on purpose`
    const list = skippedList(onPurpose, most)
    blocks.push(onPurpose.length < LONG_LIST ? `${title}:\n\n${list}` : details(title, list))
  }
  if (full && picked.length > 0) {
    // A list, not a table: a model's path and why never make the column scroll sideways.
    const lines = picked
      .slice(0, most)
      .map(
        (model) =>
          `- ${modelName(model)}: ${cell(model.why.join('; '), 300)} · key ${cell(model.keyFrom, 200)}`
      )
    const list = [
      ...lines,
      ...moreLine(picked.length - lines.length, 'the `diffs` output names each diff by its model')
    ].join('\n')
    const which =
      picked.length === 1 ? 'this model was' : `these ${formatNumber(picked.length)} models were`
    blocks.push(details(`Why ${which} compared`, list))
  }
  return blocks.join('\n\n')
}

function skippedList(models: DbtReport['skipped'], most: number): string {
  const lines = models
    .slice(0, most)
    .map((model) => `- ${modelName(model)}: ${cell(model.reason, 60)}: ${cell(model.detail, 300)}`)
  return [
    ...lines,
    ...moreLine(models.length - lines.length, 'the `skipped-models` output lists them all')
  ].join('\n')
}

/** `**dbt Cloud**: run 4242 (job CI, 8812) of commit c0ffee5 built the PR, against production's
 * run 4100 (job Production, 8801) of commit 7d1e2f3, 30 hours old (how it was found).` */
function dbtCloudRuns({ ci, production }: ComparedRuns): string {
  const age = production.ageMs === null ? '' : `, ${formatAge(production.ageMs)} old`
  return `**dbt Cloud**: ${runName(ci)} built the PR, against production's ${runName(production)}${age} (${cell(production.via, 200)}).`
}

/** `run [4242](…) (job CI, 8812) of commit <code>c0ffee5</code>`. */
function runName(run: ComparedRun): string {
  const job =
    run.jobId === null
      ? ''
      : ` (job ${run.jobName ? `${cell(run.jobName, 60)}, ` : ''}${run.jobId})`
  const commit = run.gitSha ? ` of commit <code>${cell(run.gitSha.slice(0, 7), 7)}</code>` : ''
  return `run ${link(String(run.id), run.url)}${job}${commit}`
}

/** After a cut list: `… and 12 more models: <where they all are>.` (a paragraph after a list);
 * nothing when none was cut. */
function moreLine(more: number, where: string): string[] {
  return more > 0 ? ['', `… and ${plural(more, 'more model')}: ${where}.`] : []
}

/** `<code>orders</code> (models/marts/orders.sql)`: entities work inside `<code>`, not in a code span. */
function modelName(model: { name: string; path: string }): string {
  return `<code>${cell(model.name, 100)}</code> (${cell(model.path, 200)})`
}
