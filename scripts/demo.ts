// Preview the report locally: runs the bundled action (dist/index.js) the way a runner does.
// With no DATAFOLD_API_KEY and no --datafold-host it starts a demo Datafold API on loopback with
// a handful of realistic diffs, so it needs no credentials and no network.
//
//   npm run demo
//   npm run demo -- --diff-ids 101,102 --max-rows-changed 1%
//   DATAFOLD_API_KEY=... npm run demo -- --datafold-host eu.datafold.com --diff-ids 12345
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { dirname, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { runAction } from '../__fixtures__/run-action.js'
import { INPUT_NAMES } from '../src/inputs.js'
import { DEMO_DIFF_IDS, DEMO_PLAN, EXAMPLE_THRESHOLDS, startDemo } from './demo-datafold.js'
import { runnerLogLine } from './demo-log.js'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries(INPUT_NAMES.map((name) => [name, { type: 'string' as const }])),
    strict: true
  })
  const given = Object.fromEntries(
    Object.entries(values).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string'
    )
  )
  const useRealDatafold = Boolean(process.env.DATAFOLD_API_KEY ?? given['datafold-host'])
  const demo = useRealDatafold ? null : await startDemo()
  const demoUrl = demo?.fakes.datafold.url
  // Unless told otherwise, the demo gates the demo diffs by id and creates the plan's diffs too.
  const dbt = Boolean(given['dbt-prod-manifest'])
  const showcase = demo !== null && !given['diff-ids'] && !given.plan && !given['plan-file'] && !dbt
  // Your own manifests, read where you are: the folder that holds them is the run's workspace,
  // since the action reads no file outside its workspace.
  const manifests: string[] = []
  for (const name of ['dbt-prod-manifest', 'dbt-manifest'] as const) {
    const path = given[name]
    if (path) manifests.push((given[name] = resolve(path)))
  }
  const workspace = manifests.length > 0 ? commonFolder(manifests) : null
  const inputs: Record<string, string> = {
    ...(showcase ? { ...EXAMPLE_THRESHOLDS, plan: DEMO_PLAN, 'data-source': 'warehouse' } : {}),
    // In dbt mode, the demo diffs are not gated beside your models'.
    ...demo?.fakes.inputs(dbt ? '' : DEMO_DIFF_IDS.join(',')),
    'wait-timeout': '1m',
    ...given,
    ...(demoUrl ? { 'datafold-host': demoUrl } : {}),
    // A preview never writes to a pull request.
    'comment-mode': 'off'
  }
  console.log(
    demoUrl
      ? dbt
        ? `Demo Datafold API at ${demoUrl}: dbt mode creates your changed models' diffs there, with made-up counts\n`
        : `Demo Datafold API at ${demoUrl}: diffs ${DEMO_DIFF_IDS.join(', ')} (clean, over thresholds, cross-database, sampled, failed)${showcase ? `, and a plan of two tables to create:\n\n${DEMO_PLAN}` : '\n'}`
      : `Datafold at ${inputs['datafold-host'] ?? process.env.DATAFOLD_HOST ?? 'https://app.datafold.com'}\n`
  )
  const env: Record<string, string> = {}
  for (const name of ['DATAFOLD_API_KEY', 'DATAFOLD_HOST']) {
    const value = process.env[name]
    if (value) env[name] = value
  }
  console.log("──────── the action's log (as the job's log shows it) ────────\n")
  // The summary and outputs are read back before the run's temp folder is removed.
  const run = await runAction({
    inputs,
    eventName: 'workflow_dispatch',
    // The commit the plan's diffs are created for (a pull request's head in a real run).
    env: {
      GITHUB_SHA: '4711a2b3c4d5e6f708192a3b4c5d6e7f80912345',
      ...(workspace === null ? {} : { GITHUB_WORKSPACE: workspace }),
      ...env
    },
    onSpawn: showLog,
    reachAnyHost: useRealDatafold
  })
  await demo?.harness.end()

  console.log('\n──────── report (as the PR comment and job summary show it) ────────\n')
  console.log(run.summary)
  console.log('──────── outputs ────────\n')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value}`)
  console.log(
    `\nThe action exited with ${run.code}: ${run.code === 0 ? 'the check passes' : 'the check fails'}.`
  )
}

/** Prints the action's output as it comes, its workflow commands as a job's log shows them. */
function showLog(child: ChildProcess): void {
  if (child.stdout) {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const shown = runnerLogLine(line)
      if (shown !== null) console.log(shown)
    })
  }
  child.stderr?.pipe(process.stderr)
}

/** The deepest folder that holds every one of these files. */
function commonFolder(files: string[]): string {
  const [first = [], ...rest] = files.map((file) => dirname(file).split(sep))
  let length = first.length
  for (const folder of rest) {
    while (first.slice(0, length).some((part, i) => folder[i] !== part)) length--
  }
  return first.slice(0, length).join(sep) || sep
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
