// dbt mode's part of the report: which models were compared and why, and the changed models that
// were not, each with its reason; in dbt Cloud mode, which runs were compared. Pure.
import type { DbtPlan } from '../dbt/plan-dbt.js'
import { formatAge, formatNumber, plural } from '../format.js'
import type { ComparedRun, ComparedRuns } from '../sources/source.js'
import { cell, details, link, tableHeader, tableRow } from './markdown.js'

/** What dbt mode planned, in the report's words. */
export interface DbtReport {
  /** The root project's name. */
  project: string
  /** Models of the project (and of dbt-packages) whose contents did not change. */
  unchanged: number
  picked: { name: string; path: string; why: string[]; keyFrom: string }[]
  /** Changed models not compared: `reason` in a word or two, `detail` one line more. */
  skipped: { name: string; path: string; reason: string; detail: string }[]
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
    skipped: dbt.skipped.map(({ name, path, reason, detail }) => ({ name, path, reason, detail }))
  }
}

/** A list this long or longer is collapsed. */
const LONG_LIST = 10

/** The most models listed, in the full report and in a short one; the outputs hold them all. */
const MOST_LISTED = { full: 100, short: 20 }

/** The section; `full`: with the table of why each model was picked (left out of a short report). */
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
  const blocks = [`${project}: ${counts.join(', ')}.`, ...runs]
  const most = full ? MOST_LISTED.full : MOST_LISTED.short
  if (full && picked.length > 0) {
    const rows = picked
      .slice(0, most)
      .map((model) =>
        tableRow([modelName(model), cell(model.why.join('; '), 300), cell(model.keyFrom, 200)])
      )
    const table = [
      tableHeader(['Model', 'Why compared', 'Key']),
      ...rows,
      ...moreLine(picked.length - rows.length, 'the `diffs` output names each diff by its model')
    ].join('\n')
    const which =
      picked.length === 1 ? 'this model was' : `these ${formatNumber(picked.length)} models were`
    blocks.push(details(`Why ${which} compared`, table))
  }
  if (skipped.length > 0) {
    const lines = skipped
      .slice(0, most)
      .map(
        (model) => `- ${modelName(model)}: ${cell(model.reason, 60)}: ${cell(model.detail, 300)}`
      )
    const list = [
      ...lines,
      ...moreLine(skipped.length - lines.length, 'the `skipped-models` output lists them all')
    ].join('\n')
    const title = `${plural(skipped.length, 'changed model')} not compared`
    blocks.push(skipped.length < LONG_LIST ? `${title}:\n\n${list}` : details(title, list))
  }
  return blocks.join('\n\n')
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

/** After a cut list: `… and 12 more models: <where they all are>.` (a paragraph after a table or
 * list); nothing when none was cut. */
function moreLine(more: number, where: string): string[] {
  return more > 0 ? ['', `… and ${plural(more, 'more model')}: ${where}.`] : []
}

/** `<code>orders</code> (models/marts/orders.sql)`: entities work inside `<code>`, not in a code span. */
function modelName(model: { name: string; path: string }): string {
  return `<code>${cell(model.name, 100)}</code> (${cell(model.path, 200)})`
}
