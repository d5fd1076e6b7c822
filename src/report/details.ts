// The per-diff details under the table: each diff's metrics, its columns that differ, its schema
// changes and its warnings, in a collapsed section.
import type { ColumnStat, FinishedDiff, SchemaChanges } from '../diff.js'
import { formatInteger, formatNumber, formatPercent, formatShare, plural } from '../format.js'
import { METRICS, metricsIn } from '../metric-spec.js'
import { oneLine } from '../text.js'
import type { Thresholds } from '../limits.js'
import { formatLimit, type Breach, type DiffEvaluation } from '../thresholds.js'
import { compared, MARK, metricCell } from './cells.js'
import { limitsLine } from './footer.js'
import { cell, details, escapeMarkdown, nameList, tableHeader, tableRow } from './markdown.js'

/**
 * `columnLimit`: how many differing columns to list, all (Infinity) or none (0, a count only);
 * `fullReport`: where the full list is when it is cut (`job summary`).
 */
export function diffDetails(
  evaluation: DiffEvaluation,
  thresholds: Thresholds,
  columnLimit: number,
  fullReport: string
): string {
  const { diff } = evaluation
  const { datasetA, datasetB } = diff.target
  const what = datasetA === null && datasetB === null ? '' : `: ${compared(diff, 200)}`
  const name = diff.name === undefined ? '' : `${cell(diff.name, 100)} · `
  const id = diff.id === null ? 'not created' : `diff ${diff.id}`
  const sampled = diff.status === 'done' && diff.sampled ? ' (sampled)' : ''
  const summary = `${MARK[evaluation.verdict]} ${name}${id}${what}${sampled}`
  thresholds = evaluation.thresholds ?? thresholds
  const parts: string[] = []
  if (diff.status === 'error') {
    parts.push(`**Error:** ${cell(diff.reason, 2000)}`)
  } else {
    parts.push(metricsLine(evaluation, thresholds))
    const limits = limitsLine(thresholds)
    if (limits) parts.push(limits)
    const sampled = sampleLine(diff)
    if (sampled) parts.push(sampled)
    const unchecked = uncheckedLine(evaluation, thresholds)
    if (unchecked) parts.push(unchecked)
    const unmeasured = unmeasuredLine(evaluation)
    if (unmeasured) parts.push(unmeasured)
    parts.push(columnsSection(evaluation, columnLimit, fullReport))
    parts.push(schemaSection(diff, columnLimit))
  }
  if (diff.warnings.length > 0) {
    parts.push(['**Warnings**', '', ...diff.warnings.map((w) => `- ${cell(w, 1000)}`)].join('\n'))
  }
  return details(summary, parts.join('\n\n'))
}

/** The Changed column in full: the table shows values and columns changed only when flagged. */
function metricsLine(evaluation: DiffEvaluation, thresholds: Thresholds): string {
  const line = metricsIn('Changed')
    .map((spec) => `${spec.words}: ${metricCell(evaluation, thresholds, spec.name)}`)
    .join(' · ')
  return line.charAt(0).toUpperCase() + line.slice(1)
}

function uncheckedLine(evaluation: DiffEvaluation, thresholds: Thresholds): string | null {
  if (evaluation.notMeasured.length === 0) return null
  const which = evaluation.notMeasured.map((metric) => {
    const limit = thresholds.max[metric]
    return limit ? `${metric} (max ${escapeMarkdown(formatLimit(limit))})` : metric
  })
  return `⚠️ Not checked: Datafold did not measure ${which.join(', ')} for this diff, so ${
    which.length === 1 ? 'its threshold' : 'their thresholds'
  } could not be checked.`
}

/**
 * What sampling means for this diff's numbers: which are estimates, from what sample, and
 * Datafold's interval where it gives one.
 */
function sampleLine(diff: FinishedDiff): string | null {
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

/** The table's `n/a`, explained: the metrics Datafold did not measure that have no threshold. */
function unmeasuredLine(evaluation: DiffEvaluation): string | null {
  const diff = evaluation.diff as FinishedDiff
  const missing = METRICS.filter(
    (metric) => diff.metrics[metric] === null && !evaluation.notMeasured.includes(metric)
  )
  if (missing.length === 0) return null
  return `Not measured (n/a in the table): Datafold's answer for this diff has no figure for ${missing.join(', ')}.`
}

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

function columnsSection(
  evaluation: DiffEvaluation,
  columnLimit: number,
  fullReport: string
): string {
  const diff = evaluation.diff as FinishedDiff
  if (diff.metrics['rows-changed'] === null && diff.columns.length === 0) {
    return 'Values: not measured (Datafold did not compare values for this diff).'
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
    lines.push(
      `**Columns:** no column differs (${plural(diff.columns.length, 'column')} compared).`
    )
  } else {
    lines.push(
      `**Columns that differ:** ${formatNumber(differing.length)} of ${plural(diff.columns.length, 'column')} compared, most different first.`
    )
    const shown = differing.slice(0, columnLimit)
    if (shown.length > 0) {
      lines.push(
        [
          tableHeader(['Column', 'Match', 'Values different'], [1]),
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

function schemaSection(diff: FinishedDiff, columnLimit: number): string {
  if (diff.schema === null) {
    return diff.target.kind === 'cross_db'
      ? '**Schema:** not compared (a cross-database diff).'
      : '**Schema:** not measured.'
  }
  const schema: SchemaChanges = diff.schema
  const kinds = [
    ['Removed (only in A)', schema.columnsOnlyInA],
    ['Added (only in B)', schema.columnsOnlyInB],
    ['Type changed', schema.typeChanged]
  ] as const
  const changes = kinds.filter(([, names]) => names.length > 0)
  const extraMismatches = schema.typeMismatches - schema.typeChanged.length
  if (changes.length === 0 && extraMismatches <= 0) return '**Schema:** no changes.'
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
