// Rebuilds the bundle into a sibling folder and compares it with the committed dist/, so a
// stale bundle cannot land: the file GitHub runs is dist/index.js, not src/.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

// Same depth as dist/, so the source map's relative paths come out the same.
const out = '.dist-check'
execFileSync(process.execPath, ['scripts/bundle.mjs', out], {
  stdio: ['ignore', 'ignore', 'inherit']
})
const list = (dir) => readdirSync(dir, { recursive: true }).map(String).sort()
const committed = list('dist')
const built = list(out)
const differing = [...new Set([...committed, ...built])].filter((file) => {
  try {
    return !readFileSync(join('dist', file)).equals(readFileSync(join(out, file)))
  } catch {
    return true
  }
})
rmSync(out, { recursive: true, force: true })
if (differing.length > 0) {
  console.error(`check-dist: dist/ is not what src/ bundles to (differs: ${differing.join(', ')}).`)
  console.error('Run "npm run bundle" and commit dist/.')
  process.exit(1)
}
console.log(`check-dist: dist/ matches the source (${committed.length} files)`)
