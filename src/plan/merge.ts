// One plan entry merged with `defaults` and the step's inputs (entry > defaults > inputs), and
// the rules across fields checked: the diff to create, or its problems. Pure.
import type { Thresholds } from '../limits.js'
import type { RawDefaults, RawEntry } from './schema.js'
import { parseName, parseTablePath } from './table-path.js'
import { layerThresholds } from './thresholds.js'

export type DataSourceRef = { id: number } | { name: string }
export type Dataset = { table: string[] } | { query: string }

export interface Sampling {
  tolerance?: number
  confidence?: number
  ratio?: number
  maxRows?: number
}

/** One diff to create, with everything it takes from `defaults` and the inputs filled in. */
export interface PlannedDiff {
  name: string
  dataSourceA: DataSourceRef
  /** The same as A unless `data-source-b` makes it a cross-database diff. */
  dataSourceB: DataSourceRef
  datasetA: Dataset
  datasetB: Dataset
  /** null: Datafold infers it (`infer-primary-key: true`). */
  primaryKey: string[] | null
  includeColumns: string[] | null
  excludeColumns: string[] | null
  filterA: string | null
  filterB: string | null
  sampling: Sampling | null
  timeTravelA: number | string | null
  timeTravelB: number | string | null
  tags: string[]
  thresholds: Thresholds
  /** How a plan entry's names were written; none for dbt mode's, which are given as stored. */
  quoting?: Quoting
}

/**
 * Which of a plan entry's names were double-quoted, by field and in order. A name without quotes
 * is sent as its data source's warehouse stores such names (Snowflake: upper case), a quoted one as
 * written (letter-case.ts). A query side has no table names: [].
 */
export interface Quoting {
  tableA: boolean[]
  tableB: boolean[]
  primaryKey: boolean[]
  includeColumns: boolean[]
  excludeColumns: boolean[]
}

/** The entry with its defaults and the inputs, or null when a rule across fields is broken. */
export function mergeEntry(
  entry: RawEntry,
  defaults: RawDefaults,
  /** The step's own values: its `data-source` input ('' when not set) and its thresholds. */
  step: { dataSource: string; thresholds: Thresholds },
  report: (field: string, problem: string) => void
): PlannedDiff | null {
  const merged = { ...defaults, ...entry }
  const before = { count: 0 }
  const fail = (field: string, problem: string): void => {
    before.count++
    report(field, problem)
  }
  const datasetA = dataset(merged['table-a'], merged['query-a'], 'a', fail)
  const datasetB = dataset(merged['table-b'], merged['query-b'], 'b', fail)
  const stepSource = step.dataSource.trim()
  const sourceA = merged['data-source'] ?? (stepSource === '' ? undefined : stepSource)
  if (sourceA === undefined) {
    fail('data-source', "none given: set it here, in defaults, or the step's data-source input")
  }
  const infer = merged['infer-primary-key'] === true
  if (!infer && merged['primary-key'] === undefined) {
    fail('primary-key', 'required, unless infer-primary-key is true')
  }
  const crossDb = merged['data-source-b'] !== undefined
  if (infer && crossDb && (merged['table-a'] !== undefined || merged['table-b'] !== undefined)) {
    fail(
      'infer-primary-key',
      'Datafold infers a key across databases only when both sides are queries'
    )
  }
  if (merged.filter !== undefined && (merged['filter-a'] ?? merged['filter-b']) !== undefined) {
    fail('filter', 'give filter (both sides) or filter-a/filter-b, not both')
  }
  const sampling = samplingOf(merged.sampling, fail)
  if (before.count > 0 || !datasetA || !datasetB || sourceA === undefined) return null

  const a = dataSourceRef(sourceA)
  const primaryKey = columns(infer ? undefined : merged['primary-key'])
  const includeColumns = columns(merged['include-columns'])
  const excludeColumns = columns(merged['exclude-columns'])
  return {
    name: entry.name,
    dataSourceA: a,
    dataSourceB: crossDb ? dataSourceRef(merged['data-source-b'] ?? sourceA) : a,
    datasetA: datasetA.dataset,
    datasetB: datasetB.dataset,
    primaryKey: primaryKey.names,
    includeColumns: includeColumns.names,
    excludeColumns: excludeColumns.names,
    filterA: merged['filter-a'] ?? merged.filter ?? null,
    filterB: merged['filter-b'] ?? merged.filter ?? null,
    sampling,
    timeTravelA: merged['time-travel-a'] ?? null,
    timeTravelB: merged['time-travel-b'] ?? null,
    // The defaults' tags and the entry's own, both.
    tags: [...new Set([...(defaults.tags ?? []), ...(entry.tags ?? [])])],
    thresholds: layerThresholds(step.thresholds, [
      { source: 'plan defaults', given: defaults },
      { source: 'plan entry', given: entry }
    ]),
    quoting: {
      tableA: datasetA.quoted,
      tableB: datasetB.quoted,
      primaryKey: primaryKey.quoted,
      includeColumns: includeColumns.quoted,
      excludeColumns: excludeColumns.quoted
    }
  }
}

/** A side's table or query, and which of the table's segments were quoted. */
interface WrittenDataset {
  dataset: Dataset
  quoted: boolean[]
}

function dataset(
  table: string | string[] | undefined,
  query: string | undefined,
  side: 'a' | 'b',
  fail: (field: string, problem: string) => void
): WrittenDataset | null {
  if (table !== undefined && query !== undefined) {
    fail(`table-${side}`, `give table-${side} or query-${side}, not both`)
    return null
  }
  if (query !== undefined) return { dataset: { query }, quoted: [] }
  if (table === undefined) {
    fail(`table-${side}`, `required (or query-${side})`)
    return null
  }
  if (Array.isArray(table)) {
    const segments = table.map(parseName)
    return {
      dataset: { table: segments.map((s) => s.name) },
      quoted: segments.map((s) => s.quoted)
    }
  }
  const path = parseTablePath(table)
  if (!path.ok) {
    fail(`table-${side}`, path.problem)
    return null
  }
  return { dataset: { table: path.segments }, quoted: path.quoted }
}

function samplingOf(
  raw: RawEntry['sampling'],
  fail: (field: string, problem: string) => void
): Sampling | null {
  if (raw === undefined) return null
  const modes = [
    raw.tolerance !== undefined || raw.confidence !== undefined,
    raw.ratio !== undefined,
    raw['max-rows'] !== undefined
  ].filter(Boolean).length
  if (modes !== 1) {
    fail('sampling', 'give one of tolerance with confidence, ratio, or max-rows')
    return null
  }
  if ((raw.tolerance === undefined) !== (raw.confidence === undefined)) {
    fail('sampling', 'tolerance and confidence go together')
    return null
  }
  return {
    ...(raw.tolerance === undefined ? {} : { tolerance: raw.tolerance }),
    ...(raw.confidence === undefined ? {} : { confidence: raw.confidence }),
    ...(raw.ratio === undefined ? {} : { ratio: raw.ratio }),
    ...(raw['max-rows'] === undefined ? {} : { maxRows: raw['max-rows'] })
  }
}

/** A number, or text of digits only, is an id; other text a name. */
export function dataSourceRef(value: string | number): DataSourceRef {
  if (typeof value === 'number') return { id: value }
  return /^[0-9]+$/.test(value) ? { id: Number(value) } : { name: value }
}

/** Column names as written, and which were quoted; null names when none are given. */
function columns(value: string | string[] | undefined): {
  names: string[] | null
  quoted: boolean[]
} {
  if (value === undefined) return { names: null, quoted: [] }
  const written = (Array.isArray(value) ? value : [value]).map(parseName)
  return { names: written.map((c) => c.name), quoted: written.map((c) => c.quoted) }
}
