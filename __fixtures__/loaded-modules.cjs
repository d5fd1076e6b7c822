// Preloaded into a run of the bundle: on exit, writes the files it loaded (Node's require cache; the
// bundle is CommonJS) to LOADED_MODULES_FILE, one per line, so a test can tell which chunks of
// dist/ a run paid for.
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  if (process.env.LOADED_MODULES_FILE)
    writeFileSync(process.env.LOADED_MODULES_FILE, Object.keys(require.cache).join('\n'))
})
