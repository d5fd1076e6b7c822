// Bundles src/ into dist/ (or the folder given). ncc writes dist/index.js, which is all that a bad
// input loads, and one chunk for each part loaded later (the run, the GitHub client, undici).
// ncc's own --minify only renames, and only in index.js; terser minifies every file here, source
// maps chained, and drops the code nothing reaches (most of what start-up spends is compiling).
//   node scripts/bundle.mjs [out-dir]
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { minify } from 'terser'

const out = process.argv[2] ?? 'dist'
rmSync(out, { recursive: true, force: true })
execFileSync(
  process.execPath,
  [
    'node_modules/@vercel/ncc/dist/ncc/cli.js',
    'build',
    'src/index.ts',
    '-o',
    out,
    // No cache, so a failed build never leaks into the next. No source-map hook, which would cost
    // every start about 20 ms: NODE_OPTIONS=--enable-source-maps maps a stack trace on demand.
    '--no-cache',
    '--source-map',
    '--no-source-map-register',
    '--license',
    'licenses.txt',
    '--quiet'
  ],
  { stdio: 'inherit' }
)

for (const file of readdirSync(out).filter((name) => name.endsWith('.js'))) {
  const path = join(out, file)
  const result = await minify(
    { [file]: readFileSync(path, 'utf8') },
    {
      module: true,
      // As ncc's --minify: class and function names stay, for stack traces and error names.
      mangle: { keep_classnames: true, keep_fnames: true },
      compress: { keep_classnames: true, keep_fnames: true },
      sourceMap: {
        content: readFileSync(`${path}.map`, 'utf8'),
        url: `${file}.map`,
        includeSources: true
      }
    }
  )
  if (result.code === undefined || typeof result.map !== 'string')
    throw new Error(`terser gave no output for ${file}`)
  writeFileSync(path, `${result.code}\n`)
  writeFileSync(`${path}.map`, result.map)
}
