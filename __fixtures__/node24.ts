// Node 24, the runtime action.yml names, for the end-to-end tests and the benchmark: the one given
// in NODE24, else this Node or the `node` on PATH when it is 24 (as in CI, where setup-node gives
// it), else one installed from the npm registry, once, into a cache outside the checkout that
// every later run and every clone reuses. Nothing is installed until a caller asks for it.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const MAJOR = '24'

/** Where an installed Node 24 lives: $XDG_CACHE_HOME (or ~/.cache)/datafold-diff-gate/node24. */
export const NODE24_CACHE = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'datafold-diff-gate',
  'node24'
)
const CACHED_NODE = join(NODE24_CACHE, 'node_modules', 'node', 'bin', 'node')

/** The path of a Node 24 binary, installing one into NODE24_CACHE the first time none is found. */
export function node24(): string {
  for (const candidate of [process.env.NODE24, process.execPath, 'node', CACHED_NODE]) {
    const found = candidate ? probe(candidate) : null
    if (found?.major === MAJOR) return found.path
  }
  install()
  const installed = probe(CACHED_NODE)
  if (installed?.major !== MAJOR) throw new Error(`no Node ${MAJOR} at ${CACHED_NODE}`)
  return installed.path
}

/** The absolute path and major version of a `node` command, or null when it does not run. */
function probe(command: string): { path: string; major: string } | null {
  const result = spawnSync(command, ['-p', 'process.execPath + " " + process.versions.node'], {
    encoding: 'utf8'
  })
  if (result.status !== 0) return null
  const [path = '', version = ''] = result.stdout.trim().split(' ')
  return { path, major: version.split('.')[0] ?? '' }
}

/** npm installs into a folder of its own, then renames it into place: parallel runs never meet
 * a half-installed Node, and the loser of a race just drops its copy. */
function install(): void {
  mkdirSync(join(NODE24_CACHE, '..'), { recursive: true })
  const staging = mkdtempSync(`${NODE24_CACHE}-`)
  try {
    const quiet = ['--no-save', '--no-audit', '--no-fund', '--loglevel=error']
    execFileSync('npm', ['install', ...quiet, '--prefix', staging, `node@${MAJOR}`], {
      stdio: ['ignore', 'ignore', 'inherit']
    })
    if (!existsSync(CACHED_NODE)) {
      // A copy left broken by an interrupted run is replaced.
      rmSync(NODE24_CACHE, { recursive: true, force: true })
      renameSync(staging, NODE24_CACHE)
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
