// The files the inputs name (plan-file, dbt-manifest, dbt-prod-manifest) come from the PR, which
// may commit a symbolic link as easily as a file. Each is read only when its real path (every link
// followed) is a regular file inside the workspace, of at most its input's size: a link out of
// the workspace, a directory, a device (/dev/zero) or a named pipe is refused, naming what it is.
// A plan must be UTF-8 (a byte-order mark is dropped). The file system comes in, so tests hand in
// fakes; index.ts hands in node:fs.
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { formatBytes, formatNumber } from './format.js'

/** The most a plan file may hold: a plan is a page of YAML, never megabytes. */
export const MAX_PLAN_BYTES = 2 ** 20
/**
 * The most a dbt manifest may hold. Manifests are read streaming, entry by entry: 5,000 models
 * take about 100 MB, and the largest projects a few hundred; the bound is Node's string limit
 * under which any one entry stays.
 */
export const MAX_MANIFEST_BYTES = 2 ** 31

export interface FileStat {
  size: number
  isFile(): boolean
  isDirectory(): boolean
  isFIFO(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
  isSocket(): boolean
}

/** What reading the input files needs of node:fs. */
export interface InputFileSystem {
  realpath(path: string): Promise<string>
  stat(path: string): Promise<FileStat>
  readFile(path: string): Promise<Uint8Array>
  /** The file's bytes, as they stream. */
  stream(path: string): AsyncIterable<Uint8Array>
}

export interface InputFiles {
  /** GITHUB_WORKSPACE, where relative paths start and outside which nothing is read. */
  workspace: string
  fs: InputFileSystem
}

/** A file an input names that is not read; the message says why, for the input's message. */
export class FileRefused extends Error {
  constructor(
    message: string,
    /** Nothing is there: a file a step before this one was to write (a manifest) is not yet. */
    readonly missing = false
  ) {
    super(message)
    this.name = 'FileRefused'
  }
}

/** The plan file's text. Throws FileRefused. */
export async function readPlanFile(path: string, files: InputFiles): Promise<string> {
  const bytes = await files.fs.readFile(await checkedFile(path, MAX_PLAN_BYTES, files))
  // The file may have grown since it was checked.
  if (bytes.length > MAX_PLAN_BYTES) throw tooLarge(bytes.length, MAX_PLAN_BYTES)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new FileRefused('not UTF-8 text: save the plan as UTF-8')
  }
}

/** A file of the repository a finding points at (a model's SQL), for its line: its text, or null
 * when it is not a file the action reads, as for a plan file. */
export async function readRepositoryFile(path: string, files: InputFiles): Promise<string | null> {
  try {
    return new TextDecoder().decode(
      await files.fs.readFile(await checkedFile(path, MAX_PLAN_BYTES, files))
    )
  } catch {
    return null
  }
}

/** A manifest's bytes; the check runs when they are first asked for, and throws FileRefused. */
export async function* openManifest(path: string, files: InputFiles): AsyncIterable<Uint8Array> {
  yield* files.fs.stream(await checkedFile(path, MAX_MANIFEST_BYTES, files))
}

/** The real path of the file at `path`, once it is known to be one the action reads. */
async function checkedFile(path: string, maxBytes: number, files: InputFiles): Promise<string> {
  const { fs } = files
  const workspace = await fs.realpath(resolve(files.workspace))
  let real: string
  let stat: FileStat
  try {
    real = await fs.realpath(resolve(workspace, path))
    stat = await fs.stat(real)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code
    throw new FileRefused(unreadable(error), code === 'ENOENT' || code === 'ENOTDIR')
  }
  const inside = relative(workspace, real)
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new FileRefused(
      `outside the workspace (${workspace}): it is ${real}; only the repository's files are read`
    )
  }
  if (!stat.isFile()) throw new FileRefused(`${kindOf(stat)}, not a regular file`)
  if (stat.size > maxBytes) throw tooLarge(stat.size, maxBytes)
  return real
}

function tooLarge(size: number, maxBytes: number): FileRefused {
  return new FileRefused(
    `${formatNumber(size)} bytes, more than the ${formatBytes(maxBytes)} this input may hold`
  )
}

function kindOf(stat: FileStat): string {
  if (stat.isDirectory()) return 'a directory'
  if (stat.isFIFO()) return 'a named pipe'
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device'
  if (stat.isSocket()) return 'a socket'
  return 'something else'
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file'
  if (code === 'EACCES') return 'cannot be read (permission denied)'
  if (code === 'ELOOP') return 'a loop of symbolic links'
  return `cannot be read (${code ?? String(error)})`
}
