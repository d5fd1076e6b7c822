// What a finished diff found beyond its counts, for its details: the columns that differ (most
// different first, with the sampled estimate), the schema changes, and what sampling means for its
// figures. Pure.
import type { ColumnStat, FinishedDiff, SchemaChanges } from '../diff.js'
import { formatInteger, formatNumber, formatPercent, formatShare, plural } from '../format.js'
import type { Breach, DiffEvaluation } from '../thresholds.js'
import { cell, escapeMarkdown, nameList, tableHeader, tableRow } from './markdown.js'
import { oneLine } from '../text.js'

/** Columns with any difference, lowest match first, then most values different, then by name. */
export function differingColumns(columns: readonly ColumnStat[]): ColumnStat[] {
  const different = (c: ColumnStat) => c.estimate?.estimate ?? c.valuesDifferent
  return columns
    .filter((c) => c.match < 100 || c.valuesDifferent > 0 || (c.estimate?.estimate ?? 0) > 0)
    .sort(
      (a, b) =>
        a.match - b.match ||
        different(b) - different(a) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    )
}

/** How many columns were compared: Datafold's `values.compared_columns`, else those it listed. */
function comparedCount(diff: FinishedDiff): number {
  return diff.comparedColumns ?? diff.columns.length
}

/**
 * The columns that differ, at most `columnLimit` of them listed (`fullReport` says where the rest
 * are); null when there is nothing to tell (`quiet`: a diff within its limits with no column
 * differing says nothing).
 */
export function columnsSection(
  evaluation: DiffEvaluation,
  columnLimit: number,
  fullReport: string,
  quiet = false
): string | null {
  const diff = evaluation.diff as FinishedDiff
  if (diff.metrics['rows-changed'] === null && diff.columns.length === 0) {
    return quiet ? null : 'Values: not measured (Datafold did not compare values for this diff).'
  }
  const ignored = new Set(evaluation.ignoredColumns)
  // Looked up once per diff: a find per row is quadratic, minutes for 100,000 breached columns.
  // By position, not by name: two columns may share a name.
  const matchBreaches = new Map<ColumnStat, Breach>()
  for (const breach of evaluation.breaches) {
    const column =
      breach.metric === 'column-match' && breach.columnIndex !== undefined
        ? diff.columns[breach.columnIndex]
        : undefined
    if (column) matchBreaches.set(column, breach)
  }
  const differing = differingColumns(diff.columns)
  const lines: string[] = []
  if (differing.length === 0) {
    if (quiet && ignored.size === 0) return null
    lines.push(
      `**Columns:** no column differs (${plural(comparedCount(diff), 'column')} compared).`
    )
  } else {
    lines.push(
      `**Columns that differ:** ${formatNumber(differing.length)} of ${plural(comparedCount(diff), 'column')} compared, most different first.`
    )
    const shown = differing.slice(0, columnLimit)
    if (shown.length > 0) {
      lines.push(
        [
          tableHeader(['Column', 'Match', 'Values different'], [1, 2]),
          ...shown.map((c) => columnRow(c, matchBreaches.get(c), ignored.has(c.name)))
        ].join('\n')
      )
    }
    const rest = differing.length - shown.length
    if (rest > 0) {
      lines.push(
        shown.length > 0
          ? `… and ${plural(rest, 'more column')}: the full list is in the ${fullReport}.`
          : `The list of columns is in the ${fullReport}.`
      )
    }
  }
  if (ignored.size > 0) {
    lines.push(
      `**Ignored** (\`ignore-columns\`, not checked): ${nameList(evaluation.ignoredColumns, columnLimit)}`
    )
  }
  return lines.join('\n\n')
}

function columnRow(column: ColumnStat, breach: Breach | undefined, ignored: boolean): string {
  let match = formatPercent(column.match)
  if (breach) match += ` ❌ < ${escapeMarkdown(oneLine(breach.limit).replace(/^min /, ''))}`
  const name = ignored ? `${cell(column.name)} (ignored)` : cell(column.name)
  return tableRow([name, match, valuesDifferent(column)])
}

/** `275`, or for a sampled column `12 in the sample, ≈ 1,200 (1,050–1,380, 95% confidence)`. */
function valuesDifferent(column: ColumnStat): string {
  const { estimate } = column
  if (estimate === null) return formatNumber(column.valuesDifferent)
  const confidence = `${formatNumber(estimate.confidence * 100)}% confidence`
  return `${formatNumber(column.valuesDifferent)} in the sample, ≈ ${formatInteger(estimate.estimate)} (${formatInteger(estimate.min)}–${formatInteger(estimate.max)}, ${confidence})`
}

/** The schema changes; null when there is nothing to tell and `quiet`. */
export function schemaSection(
  diff: FinishedDiff,
  columnLimit: number,
  quiet = false
): string | null {
  if (diff.schema === null) {
    if (quiet) return null
    return diff.target.kind === 'cross_db'
      ? '**Schema:** not compared (a cross-database diff).'
      : '**Schema:** not measured.'
  }
  const schema: SchemaChanges = diff.schema
  const kinds = [
    ['Only in production (removed)', schema.columnsOnlyInA],
    ['Only in the PR (added)', schema.columnsOnlyInB],
    ['Type changed', schema.typeChanged]
  ] as const
  const changes = kinds.filter(([, names]) => names.length > 0)
  const extraMismatches = schema.typeMismatches - schema.typeChanged.length
  if (changes.length === 0 && extraMismatches <= 0) return quiet ? null : '**Schema:** no changes.'
  const lines = ['**Schema changes**', '']
  for (const [label, names] of changes) {
    lines.push(
      columnLimit === 0
        ? `- ${label}: ${plural(names.length, 'column')}`
        : `- ${label}: ${nameList(names, columnLimit)}`
    )
  }
  if (extraMismatches > 0) {
    lines.push(`- Type mismatches not named by Datafold: ${formatNumber(extraMismatches)}`)
  }
  return lines.join('\n')
}

/**
 * What sampling means for this diff's numbers: which are estimates, from what sample, and
 * Datafold's interval where it gives one.
 */
export function sampleLine(diff: FinishedDiff): string | null {
  if (!diff.sampled) return null
  const parts: string[] = []
  const rows = diff.metrics['rows-changed']
  if (rows?.sample) {
    parts.push(
      `rows changed ≈${formatNumber(rows.value)} is the sample's ${formatNumber(rows.sample.value)} of ${plural(rows.sample.base, 'row')} (${formatShare(rows.sample.value, rows.percent ?? 0)}) scaled to the table`
    )
  }
  const values = diff.metrics['values-changed']
  if (values?.sample) {
    const { interval } = values.sample
    parts.push(
      values.sample.method === 'estimate' && interval
        ? `values changed ≈${formatNumber(values.value)} is the sum of Datafold's estimates per column (${formatInteger(interval.min)}–${formatInteger(interval.max)}, each column at ${formatNumber(interval.confidence * 100)}% confidence), from ${formatNumber(values.sample.value)} in the sample`
        : `values changed ≈${formatNumber(values.value)} is the sample's ${formatNumber(values.sample.value)} of ${plural(values.sample.base, 'value')} scaled to the table`
    )
  }
  const what =
    parts.length > 0
      ? `: ${parts.join('; ')}. Column matches are of the sample.`
      : '. Column matches are of the sample.'
  return `**Sampled:** Datafold compared values on a sample of the rows${what}`
}
