// Reads a dbt manifest.json into the compact model of manifest.ts, streaming: only `metadata`,
// `nodes`, `macros` and `disabled` are parsed, entry by entry, and each entry is reduced to what
// dbt mode uses before the next is read (production's to less: see readManifestState). The file is
// opened through `io`; nothing else is done with the outside world.
import { FileRefused } from '../input-files.js'
import { JsonSections, NotJsonError } from './json-sections.js'
import { ManifestError, type DbtManifest, type DbtManifestState } from './manifest.js'
import { readMacro, readNode, readNodeState, readTest } from './manifest-nodes.js'
import { manifestVersion, notAManifest } from './manifest-version.js'

export interface ManifestIo {
  /**
   * The file's bytes, e.g. `fs.createReadStream(file, { highWaterMark: 1 << 20 })` (1 MiB chunks
   * read a 100 MB manifest about a quarter faster than the default 64 KiB); open errors such as
   * ENOENT may surface while iterating.
   */
  open(file: string): AsyncIterable<Uint8Array>
}

const WHOLE = new Set(['metadata'])

/** The PR build's manifest: its models, seeds and snapshots whole, and the tests a key is read from. */
export async function readManifest(file: string, io: ManifestIo): Promise<DbtManifest> {
  const manifest: DbtManifest = { ...unread(file), nodes: new Map(), tests: [] }
  await readEntries(manifest, io, ['nodes', 'macros', 'disabled'], (raw, enabled) => {
    const test = readTest(raw, enabled)
    if (test) manifest.tests.push(test)
    const node = enabled && !test ? readNode(raw) : null
    if (node) manifest.nodes.set(node.uniqueId, node)
  })
  return manifest
}

/**
 * Production's manifest, which the PR build is only compared with: of each model, seed and
 * snapshot, what `state:modified` compares and where its table is; no tests, no disabled nodes.
 */
export async function readManifestState(file: string, io: ManifestIo): Promise<DbtManifestState> {
  const manifest: DbtManifestState = { ...unread(file), nodes: new Map() }
  await readEntries(manifest, io, ['nodes', 'macros'], (raw) => {
    const node = readNodeState(raw)
    if (node) manifest.nodes.set(node.uniqueId, node)
  })
  return manifest
}

function unread(file: string): Omit<DbtManifestState, 'nodes'> {
  return {
    file,
    schemaVersion: 0,
    dbtVersion: '',
    adapterType: null,
    projectName: null,
    projectId: null,
    macros: new Map()
  }
}

/** Streams the file: the metadata and macros into `manifest`, each node (enabled or not) to `keep`. */
async function readEntries(
  manifest: DbtManifestState,
  io: ManifestIo,
  members: string[],
  keep: (raw: unknown, enabled: boolean) => void
): Promise<void> {
  const { file } = manifest
  const sections = new JsonSections(WHOLE, new Set(members))
  try {
    for await (const chunk of io.open(file)) {
      for (const { member, value } of sections.push(chunk)) {
        if (member === 'metadata') readMetadata(manifest, value)
        else if (member === 'nodes') keep(value, true)
        else if (member === 'disabled' && Array.isArray(value))
          for (const node of value) keep(node, false)
        else if (member === 'macros') {
          const macro = readMacro(value)
          if (macro) manifest.macros.set(macro.uniqueId, macro)
        }
      }
    }
    sections.end()
    if (!manifest.schemaVersion) throw new ManifestError(file, notAManifest(sections.topKeys))
  } catch (error) {
    throw artifactError(file, error)
  }
}

function readMetadata(manifest: DbtManifestState, metadata: unknown): void {
  manifest.schemaVersion = manifestVersion(manifest.file, metadata)
  const { dbt_version, adapter_type, project_name, project_id } = metadata as Record<
    string,
    unknown
  >
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)
  manifest.dbtVersion = text(dbt_version) ?? ''
  manifest.adapterType = text(adapter_type)
  manifest.projectName = text(project_name)
  manifest.projectId = text(project_id)
}

/** Every failure names the file: a missing or unreadable file, text that is not a manifest (or
 * not the run_results.json asked for). */
export function artifactError(file: string, error: unknown): unknown {
  if (error instanceof ManifestError) return error
  if (error instanceof FileRefused) return new ManifestError(file, error.message, error.missing)
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return new ManifestError(file, 'no such file', true)
  if (code === 'EISDIR') return new ManifestError(file, 'a directory, not a file')
  if (code === 'EACCES') return new ManifestError(file, 'cannot be read (permission denied)')
  if (error instanceof NotJsonError) return new ManifestError(file, error.message)
  if (code !== undefined) return new ManifestError(file, `cannot be read (${code})`)
  return error
}
