// Runs jest and ends the output with `N passed, N failed`, the line CI reads, taken from jest's
// JSON results. Exits with jest's own exit code.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'

const resultsFile = '.test-results/jest.json'
mkdirSync('.test-results', { recursive: true })
const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--json',
    `--outputFile=${resultsFile}`,
    ...process.argv.slice(2)
  ],
  { stdio: 'inherit' }
)
// A suite that could not run counts as a failure, so a crash never reads as a clean run.
const { passed, failed } = (() => {
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'))
    return {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites
    }
  } catch {
    return { passed: 0, failed: 1 }
  }
})()
console.log(`${passed} passed, ${failed} failed`)
process.exit(jest.status ?? 1)
