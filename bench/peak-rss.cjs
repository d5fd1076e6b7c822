// Preloaded into the benchmarked process: writes its peak resident set size (KiB) on exit.
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
  }
})
