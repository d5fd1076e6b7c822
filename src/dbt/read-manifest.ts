// Reads a dbt manifest.json into the compact model of manifest.ts, streaming: only `metadata`,
// `nodes`, `macros` and `disabled` are parsed, entry by entry, and each entry is reduced to what
// dbt mode uses before the next is read. The file is opened through `io`; nothing else is done
// with the outside world.
import { FileRefused } from '../input-files.js'
import { JsonSections, NotJsonError } from './json-sections.js'
import { ManifestError, type DbtManifest } from './manifest.js'
import { readMacro, readNode, readTest } from './manifest-nodes.js'
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
const ENTRIES = new Set(['nodes', 'macros', 'disabled'])

export async function readManifest(file: string, io: ManifestIo): Promise<DbtManifest> {
  const manifest: DbtManifest = {
    file,
    schemaVersion: 0,
    dbtVersion: '',
    adapterType: null,
    projectName: null,
    projectId: null,
    nodes: new Map(),
    tests: [],
    macros: new Map()
  }
  const sections = new JsonSections(WHOLE, ENTRIES)
  try {
    for await (const chunk of io.open(file)) {
      for (const { member, value } of sections.push(chunk)) {
        if (member === 'metadata') readMetadata(manifest, value)
        else if (member === 'nodes') keepNode(manifest, value, true)
        else if (member === 'disabled' && Array.isArray(value))
          for (const node of value) keepNode(manifest, node, false)
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
  return manifest
}

function readMetadata(manifest: DbtManifest, metadata: unknown): void {
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

/** Enabled models, seeds and snapshots; generic tests, enabled or not. */
function keepNode(manifest: DbtManifest, raw: unknown, enabled: boolean): void {
  const test = readTest(raw, enabled)
  if (test) {
    manifest.tests.push(test)
    return
  }
  const node = enabled ? readNode(raw) : null
  if (node) manifest.nodes.set(node.uniqueId, node)
}

/** Every failure names the file: a missing or unreadable file, text that is not a manifest (or
 * not the run_results.json asked for). */
export function artifactError(file: string, error: unknown): unknown {
  if (error instanceof ManifestError) return error
  if (error instanceof FileRefused) return new ManifestError(file, error.message)
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return new ManifestError(file, 'no such file')
  if (code === 'EISDIR') return new ManifestError(file, 'a directory, not a file')
  if (code === 'EACCES') return new ManifestError(file, 'cannot be read (permission denied)')
  if (error instanceof NotJsonError) return new ManifestError(file, error.message)
  if (code !== undefined) return new ManifestError(file, `cannot be read (${code})`)
  return error
}
