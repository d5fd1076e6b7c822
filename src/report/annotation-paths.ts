// Where a check run's annotation points: a path from the repository's root with `/`, and a line.
// dbt writes a model's `original_file_path` relative to its project (with `\` when the manifest
// was written on Windows), and the project may sit in a folder of the repository. Pure.
import { posix } from 'node:path'

/** `\` to `/`, and no doubled `/`: `models\marts\x.sql` → `models/marts/x.sql`. */
function slashes(path: string): string {
  return path.replaceAll('\\', '/').replace(/\/{2,}/g, '/')
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path)
}

/**
 * The folder of the repository the dbt project sits in, from where its manifest is: dbt writes
 * `manifest.json` into the project's `target/` folder, so `transform/target/manifest.json` means
 * `transform`, and `target/manifest.json` the root (''). Null when the manifest is anywhere else
 * (an artifact downloaded to another folder, a custom `target-path`): it does not tell.
 * `workspace`, the repository's checkout, turns an absolute path into one from the root.
 */
export function projectDirOf(manifest: string, workspace?: string): string | null {
  let path = slashes(manifest.trim())
  if (isAbsolute(path)) {
    const root = workspace === undefined ? '' : slashes(workspace.trim()).replace(/\/$/, '')
    if (root === '' || !path.startsWith(`${root}/`)) return null
    path = path.slice(root.length + 1)
  }
  const folder = posix.dirname(posix.normalize(path))
  if (posix.basename(folder) !== 'target') return null
  const project = posix.dirname(folder)
  if (project === '.') return ''
  return project.startsWith('../') || project === '..' ? null : project
}

/**
 * A file's path from the repository's root: `projectDir` (from the root, '' for the root) joined
 * with `path` (from the project). Null when the result would leave the repository or `path` is
 * absolute: GitHub annotates files of the repository only.
 */
export function repositoryPath(projectDir: string, path: string): string | null {
  const file = slashes(path.trim())
  if (file === '' || isAbsolute(file)) return null
  const joined = posix.normalize(posix.join(slashes(projectDir.trim()) || '.', file))
  if (joined === '..' || joined.startsWith('../') || isAbsolute(joined)) return null
  return joined.replace(/^\.\//, '')
}

/** A model's settings: `{{ config(` (SQL), `dbt.config(` (Python), `config(` in a comment too. */
const CONFIG_CALL = /\bconfig\s*\(/
/** `meta=` in a config call's arguments, `meta:` in YAML. */
const META = /\bmeta\s*[=:]/

/**
 * The line (from 1) where a model's file sets its configuration: the first `config(`, else the
 * first `meta=`/`meta:`; null when the file has neither (the annotation then points at line 1).
 */
export function settingsLine(text: string): number | null {
  const lines = text.split(/\r\n|\r|\n/)
  for (const pattern of [CONFIG_CALL, META]) {
    const index = lines.findIndex((line) => pattern.test(line))
    if (index !== -1) return index + 1
  }
  return null
}
