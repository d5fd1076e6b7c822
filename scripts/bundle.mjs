// Bundles src/ into dist/ (or the folder given). dist/index.js holds only what checking the inputs
// needs; the rest is in chunks loaded when a run needs them (the run, the GitHub client, undici).
//   node scripts/bundle.mjs [out-dir]
// Two choices make every start shorter:
// - CommonJS, although the project is ESM: as an ES module, the same bundle refused a bad input in
//   about 3.0× the time of `node -e 0` under Node 20, against 2.3× as CommonJS (Node 24: 2.2× and
//   1.9×). dist/package.json tells Node so.
// - terser minifies every file, dropping the code nothing reaches (ncc's own --minify only renames,
//   and only in index.js): most of what a start spends is compiling.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { minify } from 'terser'

const ncc = createRequire(import.meta.url)('@vercel/ncc')
const out = process.argv[2] ?? 'dist'

const { code, assets } = await ncc(resolve('src/index.ts'), {
  esm: false,
  // No cache, so a failed build never leaks into the next.
  cache: false,
  sourceMap: true,
  // No source-map hook, which would cost every start about 20 ms:
  // NODE_OPTIONS=--enable-source-maps maps a stack trace on demand.
  sourceMapRegister: false,
  license: 'licenses.txt',
  quiet: true
})
const files = new Map(Object.entries(assets).map(([name, { source }]) => [name, String(source)]))
files.set('index.js', code)
files.set('package.json', '{ "type": "commonjs" }\n')

for (const [name, source] of files) {
  if (!name.endsWith('.js')) continue
  const result = await minify(
    { [name]: source },
    {
      // Class names stay, for error names; function names go (the source maps give them back).
      mangle: { keep_classnames: true },
      compress: { keep_classnames: true, passes: 2 },
      sourceMap: {
        content: files.get(`${name}.map`) ?? '',
        url: `${name}.map`,
        includeSources: true
      }
    }
  )
  if (result.code === undefined || typeof result.map !== 'string')
    throw new Error(`terser gave no output for ${name}`)
  files.set(name, `${result.code}\n`)
  files.set(`${name}.map`, result.map)
}

rmSync(out, { recursive: true, force: true })
for (const [name, source] of files) {
  mkdirSync(dirname(join(out, name)), { recursive: true })
  writeFileSync(join(out, name), source)
}
