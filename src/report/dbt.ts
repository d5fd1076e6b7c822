// dbt mode's part of the report: which models were compared and why, and the changed models that
// were not, each with its reason. Pure.
import { formatNumber, plural } from '../format.js'
import { cell, details, tableHeader, tableRow } from './markdown.js'

/** What dbt mode planned, in the report's words. */
export interface DbtReport {
  /** The root project's name. */
  project: string
  /** Models of the project (and of dbt-packages) whose contents did not change. */
  unchanged: number
  picked: { name: string; path: string; why: string[]; keyFrom: string }[]
  /** Changed models not compared: `reason` in a word or two, `detail` one line more. */
  skipped: { name: string; path: string; reason: string; detail: string }[]
}

/** A list this long or longer is collapsed. */
const LONG_LIST = 10

/** The section; `full`: with the table of why each model was picked (left out of a short report). */
export function dbtSection(dbt: DbtReport, full: boolean): string {
  const project = `**dbt project** <code>${cell(dbt.project, 100)}</code>`
  const { picked, skipped } = dbt
  if (picked.length === 0 && skipped.length === 0) {
    return `${project}: no model changed since production (${formatNumber(dbt.unchanged)} unchanged), so there is nothing to compare.`
  }
  const counts = [
    `${plural(picked.length, 'changed model')} compared`,
    ...(skipped.length > 0 ? [`${formatNumber(skipped.length)} not compared`] : []),
    `${formatNumber(dbt.unchanged)} unchanged`
  ]
  const blocks = [`${project}: ${counts.join(', ')}.`]
  if (full && picked.length > 0) {
    const rows = picked.map((model) =>
      tableRow([modelName(model), cell(model.why.join('; '), 300), cell(model.keyFrom, 200)])
    )
    const table = [tableHeader(['Model', 'Why compared', 'Key']), ...rows].join('\n')
    const which =
      picked.length === 1 ? 'this model was' : `these ${formatNumber(picked.length)} models were`
    blocks.push(details(`Why ${which} compared`, table))
  }
  if (skipped.length > 0) {
    const lines = skipped.map(
      (model) => `- ${modelName(model)}: ${cell(model.reason, 60)}: ${cell(model.detail, 300)}`
    )
    const list = lines.join('\n')
    const title = `${plural(skipped.length, 'changed model')} not compared`
    blocks.push(skipped.length < LONG_LIST ? `${title}:\n\n${list}` : details(title, list))
  }
  return blocks.join('\n\n')
}

/** `<code>orders</code> (models/marts/orders.sql)`: entities work inside `<code>`, not in a code span. */
function modelName(model: { name: string; path: string }): string {
  return `<code>${cell(model.name, 100)}</code> (${cell(model.path, 200)})`
}
