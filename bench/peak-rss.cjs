// Preloaded into the benchmarked process: on exit, writes its peak resident set size and the size
// V8's young generation grew to (both KiB), which explains most of the peak.
const { writeFileSync } = require('node:fs')
const { getHeapSpaceStatistics } = require('node:v8')

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    writeFileSync(
      process.env.BENCH_RSS_FILE,
      JSON.stringify({
        maxRssKb: process.resourceUsage().maxRSS,
        newSpaceKb: Math.round((newSpace?.space_size ?? 0) / 1024)
      })
    )
  }
})
