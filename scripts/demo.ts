// Preview the report locally: runs the bundled action (dist/index.js) the way a runner does.
// With no DATAFOLD_API_KEY and no --datafold-host it starts a demo Datafold API on loopback with
// a handful of realistic diffs, so it needs no credentials and no network.
//
//   npm run demo
//   npm run demo -- --diff-ids 101,102 --max-rows-changed 1%
//   DATAFOLD_API_KEY=... npm run demo -- --datafold-host eu.datafold.com --diff-ids 12345
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { INPUT_NAMES } from '../src/inputs.js'
import { startDemoDatafold, DEMO_API_KEY, DEMO_DIFF_IDS } from './demo-datafold.js'

const EXAMPLE_THRESHOLDS = {
  'max-rows-removed': '0',
  'max-rows-changed': '1%',
  'max-duplicate-pks': '0',
  'max-schema-changes': '2'
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: Object.fromEntries(INPUT_NAMES.map((name) => [name, { type: 'string' }])),
    strict: true
  })
  const given = values as Record<string, string | undefined>
  const useRealDatafold = Boolean(process.env.DATAFOLD_API_KEY ?? given['datafold-host'])
  const demo = useRealDatafold ? null : await startDemoDatafold()
  const inputs: Record<string, string> = {
    ...(given['diff-ids'] === undefined && !useRealDatafold ? EXAMPLE_THRESHOLDS : {}),
    ...(demo ? { 'diff-ids': DEMO_DIFF_IDS.join(',') } : {}),
    'wait-timeout': '1m',
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    'comment-mode': 'off'
  }
  if (demo) {
    inputs['datafold-host'] = demo.url
    inputs['api-key'] = DEMO_API_KEY
  }
  console.log(
    demo
      ? `Demo Datafold API at ${demo.url} (diffs ${DEMO_DIFF_IDS.join(', ')})`
      : `Datafold at ${inputs['datafold-host'] ?? process.env.DATAFOLD_HOST ?? 'https://app.datafold.com'}`
  )

  const dir = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-demo-'))
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md') }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATAFOLD_API_KEY: process.env.DATAFOLD_API_KEY,
    DATAFOLD_HOST: process.env.DATAFOLD_HOST,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  }
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['dist/index.js'], { env, stdio: 'inherit' })
    child.on('exit', (status) => {
      resolve(status ?? 1)
    })
  })
  await demo?.close()

  console.log('\n──────── report (as the PR comment and job summary show it) ────────\n')
  console.log(readFileSync(files.summary, 'utf8'))
  console.log('──────── outputs ────────')
  console.log(
    readFileSync(files.output, 'utf8').replace(/<<ghadelimiter_[^\n]*\n|\nghadelimiter_[^\n]*/g, '')
  )
  console.log(
    `The action exited with ${code} (${code === 0 ? 'the check passes' : 'the check fails'}).`
  )
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
)
