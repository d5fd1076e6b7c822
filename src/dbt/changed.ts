// Which models a PR changed, as dbt's `state:modified` decides it: the body, the unrendered
// configs, the persisted descriptions, the folder (fqn), the version/access representation, and
// the macros a model uses, directly or through other macros. Where each build puts the relation
// (database, schema, alias as rendered for its target) differs in every PR build, so it is not a
// change. Pure.
import { createHash } from 'node:crypto'
import type { DbtManifest, DbtManifestState, DbtNode, DbtNodeState } from './manifest.js'

export interface ChangeOptions {
  /** Installed packages whose models count too. */
  packages: string[]
  seeds: boolean
  downstream: boolean
}

/** `node` is the PR build's, production's for a model the PR removed; `prod` production's. */
export type ChangedModel = {
  /** In words: `body changed`, `macro dbt_utils.star changed`, `downstream of stg_orders`. */
  why: string[]
} & (
  | { status: 'changed' | 'downstream'; node: DbtNode; prod: DbtNodeState }
  | { status: 'new'; node: DbtNode; prod: null }
  | { status: 'removed'; node: DbtNodeState; prod: DbtNodeState }
)

export interface Changes {
  /** By name (package.name where two share a name). */
  models: ChangedModel[]
  /** The root project's and the packages' models (and seeds, when asked) not listed. */
  unchanged: number
}

/**
 * The root project: `metadata.project_name`, else the package whose name has the md5 of
 * `metadata.project_id` (older manifests); the PR's metadata first. null when neither tells.
 */
export function rootProject(prod: DbtManifestState, pr: DbtManifest): string | null {
  const named = pr.projectName ?? prod.projectName
  if (named !== null) return named
  const id = pr.projectId ?? prod.projectId
  return id === null ? null : packageWithId([pr, prod], id)
}

/**
 * Why production's manifest is not the PR's project's, or null. Another project's would make
 * every model look new, and the step pass on nothing. One rule for every schema version: the
 * same `project_name` where both have one, else the same `project_id` (the md5 of the name, which
 * v7 to v9 manifests carry alone). When either tells neither, nothing is refused.
 */
export function anotherProject(prod: DbtManifestState, pr: DbtManifest): string | null {
  const bothNamed = prod.projectName !== null && pr.projectName !== null
  const [prodId, prId] = [projectIdOf(prod), projectIdOf(pr)]
  const same = bothNamed
    ? prod.projectName === pr.projectName
    : prodId === null || prId === null || prodId === prId
  if (same) return null
  return `${prod.file} is the manifest of project ${projectOf(prod)}, and ${pr.file} of project ${projectOf(pr)}: give production's manifest of the same project`
}

function projectIdOf(manifest: DbtManifestState): string | null {
  if (manifest.projectId !== null) return manifest.projectId
  return manifest.projectName === null ? null : md5(manifest.projectName)
}

/** The project's name, from its metadata or its packages; else its project_id. */
function projectOf(manifest: DbtManifestState): string {
  const id = manifest.projectId
  const name = manifest.projectName ?? (id === null ? null : packageWithId([manifest], id))
  return name ?? `with project_id ${id ?? 'unknown'}`
}

/** The package of these manifests (models or macros) whose name has the md5 `id`. */
function packageWithId(manifests: DbtManifestState[], id: string): string | null {
  const packages = new Set<string>()
  for (const manifest of manifests) {
    for (const node of manifest.nodes.values()) packages.add(node.packageName)
    for (const macroId of manifest.macros.keys()) packages.add(macroId.split('.')[1] ?? '')
  }
  return [...packages].find((name) => md5(name) === id) ?? null
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex')
}

export function findChanges(
  prod: DbtManifestState,
  pr: DbtManifest,
  project: string,
  options: ChangeOptions
): Changes {
  const packages = new Set([project, ...options.packages])
  const inScope = (node: DbtNodeState): boolean =>
    packages.has(node.packageName) && (node.resourceType !== 'seed' || options.seeds)
  const macrosChanged = changedMacros(prod, pr)
  const found = new Map<string, ChangedModel>()
  for (const node of pr.nodes.values()) {
    if (!inScope(node)) continue
    const before = prod.nodes.get(node.uniqueId)
    if (before === undefined) {
      found.set(node.uniqueId, { node, prod: null, status: 'new', why: ['new in this PR'] })
      continue
    }
    const why = [...differences(before, node), ...macroReasons(node, macrosChanged)]
    if (why.length > 0) found.set(node.uniqueId, { node, prod: before, status: 'changed', why })
  }
  for (const node of prod.nodes.values()) {
    if (inScope(node) && !pr.nodes.has(node.uniqueId)) {
      found.set(node.uniqueId, { node, prod: node, status: 'removed', why: ['removed by this PR'] })
    }
  }
  if (options.downstream) addDownstream(found, prod, pr, inScope)
  const listed = [...found.values()].filter((model) => pr.nodes.has(model.node.uniqueId)).length
  const inPr = [...pr.nodes.values()].filter(inScope).length
  return { models: byName([...found.values()]), unchanged: inPr - listed }
}

/** What `state:modified` compares, in words; [] when the two are the same. */
function differences(before: DbtNodeState, after: DbtNodeState): string[] {
  const body = after.resourceType === 'seed' ? 'seed file changed' : 'body changed'
  const checks: [keyof DbtNodeState, string][] = [
    ['bodyDigest', body],
    ['configDigest', 'config changed'],
    ['persistedDocsDigest', 'persisted description changed'],
    ['fqn', 'moved to another folder'],
    ['refDigest', 'version, access or deprecation date changed']
  ]
  return checks.flatMap(([field, words]) => (before[field] === after[field] ? [] : [words]))
}

/**
 * For each macro of the PR build, the changed macros it reaches (itself included). A macro is
 * changed when its code differs from production's or production has no such macro. Walking back
 * from each changed macro to the macros that call it visits each macro once per walk, so a cycle
 * of macros ends.
 */
function changedMacros(prod: DbtManifestState, pr: DbtManifest): Map<string, Set<string>> {
  const callers = linksFrom(pr.macros.values(), (macro) => macro.dependsOnMacros)
  const reaches = new Map<string, Set<string>>()
  for (const macro of pr.macros.values()) {
    if (prod.macros.get(macro.uniqueId)?.digest === macro.digest) continue
    walk(
      macro.uniqueId,
      (id) => callers.get(id) ?? [],
      (id) => {
        reaches.set(id, (reaches.get(id) ?? new Set()).add(macro.uniqueId))
        return true
      }
    )
  }
  return reaches
}

function macroReasons(node: DbtNode, reaches: Map<string, Set<string>>): string[] {
  const changed = new Set(node.dependsOnMacros.flatMap((id) => [...(reaches.get(id) ?? [])]))
  const names = [...changed].map((id) => id.replace(/^macro\./, '')).sort()
  if (names.length === 0) return []
  if (names.length === 1) return [`macro ${names[0] ?? ''} changed`]
  const shown = names.slice(0, 3).join(', ')
  const more = names.length > 3 ? ` and ${names.length - 3} more` : ''
  return [`macros ${shown}${more} changed`]
}

/**
 * Each model downstream of a changed one, all generations, as the PR build links them; a walk
 * stops at another changed model, which names its own. Models new in the PR are listed as new.
 */
function addDownstream(
  found: Map<string, ChangedModel>,
  prod: DbtManifestState,
  pr: DbtManifest,
  inScope: (node: DbtNodeState) => boolean
): void {
  const children = linksFrom(pr.nodes.values(), (node) => node.dependsOnNodes)
  const sources = byName([...found.values()].filter((m) => m.status !== 'removed'))
  for (const source of sources) {
    walk(
      source.node.uniqueId,
      (id) => children.get(id) ?? [],
      (id) => {
        if (id === source.node.uniqueId) return true
        const listed = found.get(id)
        if (listed !== undefined && listed.status !== 'downstream') return false
        const node = pr.nodes.get(id)
        const before = prod.nodes.get(id)
        // An ephemeral model has no relation to compare, but what uses it is downstream too.
        const compared = node !== undefined && inScope(node) && node.materialized !== 'ephemeral'
        if (compared && before !== undefined) {
          const why = [...(listed?.why ?? []), `downstream of ${source.node.name}`]
          found.set(id, { node, prod: before, status: 'downstream', why })
        }
        return true
      }
    )
  }
}

/** From each item's dependencies back to the items: who calls a macro, who uses a model. */
function linksFrom<T extends { uniqueId: string }>(
  items: Iterable<T>,
  dependencies: (item: T) => string[]
): Map<string, string[]> {
  const links = new Map<string, string[]>()
  for (const item of items) {
    for (const dependency of dependencies(item)) {
      const list = links.get(dependency)
      if (list) list.push(item.uniqueId)
      else links.set(dependency, [item.uniqueId])
    }
  }
  return links
}

/** Visits `start` and what `next` leads to, each once; `visit` false: go no further from there. */
function walk(start: string, next: (id: string) => string[], visit: (id: string) => boolean): void {
  const seen = new Set([start])
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] ?? ''
    if (!visit(id)) continue
    for (const following of next(id)) {
      if (!seen.has(following)) {
        seen.add(following)
        queue.push(following)
      }
    }
  }
}

function byName(models: ChangedModel[]): ChangedModel[] {
  return models.sort(
    (a, b) => compare(a.node.name, b.node.name) || compare(a.node.packageName, b.node.packageName)
  )
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
