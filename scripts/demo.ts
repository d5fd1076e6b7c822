// Preview the report locally: runs the bundled action (dist/index.js) the way a runner does.
// With no DATAFOLD_API_KEY and no --datafold-host it starts a demo Datafold API on loopback with
// a handful of realistic diffs, so it needs no credentials and no network. It exits with the
// action's exit code: non-zero when the check fails (the showcase's does, by design).
//
//   npm run demo
//   npm run demo -- --diff-ids 101,102 --max-rows-changed 1%
//   npm run demo -- --plan-file .github/datafold-plan.yml      (your plan alone; the demo answers
//   npm run demo -- --plan "$(cat my-plan.yml)"                  any tables with made-up counts)
//   DATAFOLD_API_KEY=... npm run demo -- --datafold-host eu.datafold.com --diff-ids 12345
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { dirname, relative, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'
import { runAction } from '../__fixtures__/run-action.js'
import { INPUT_NAMES } from '../src/inputs.js'
import { DEMO_DIFF_IDS, DEMO_PLAN, EXAMPLE_THRESHOLDS, startDemo } from './demo-datafold.js'
import { runnerLogLine } from './demo-log.js'

/** The inputs that name files: read where you are, then from the run's workspace. */
const FILE_INPUTS = ['plan-file', 'dbt-prod-manifest', 'dbt-manifest', 'dbt-run-results'] as const

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
  const dbt = Boolean(given['dbt-prod-manifest'])
  const ownPlan = Boolean(given.plan ?? given['plan-file'])
  // Unless told otherwise, the demo gates the demo diffs by id and creates the plan's diffs too.
  const showcase = demo !== null && !given['diff-ids'] && !ownPlan && !dbt
  // Your own files, read where you are: the folder that holds them is the run's workspace, since
  // the action reads no file outside its workspace, and each is given to it from there.
  const here = whereYouAre()
  const files = FILE_INPUTS.flatMap((name) => {
    const path = given[name]
    return path ? [{ name, path: resolve(here, path) }] : []
  })
  const missing = files.find((file) => !existsSync(file.path))
  if (missing) {
    await demo?.harness.end()
    throw new Error(
      `--${missing.name}: no file ${missing.path} (read from ${here}, where you ran the demo)`
    )
  }
  const workspace = files.length > 0 ? commonFolder(files.map((file) => file.path)) : null
  for (const { name, path } of files) given[name] = relative(workspace ?? here, path)
  const inputs: Record<string, string> = {
    ...(showcase ? { ...EXAMPLE_THRESHOLDS, plan: DEMO_PLAN } : {}),
    // Your plan or your dbt project alone: the demo diffs are gated beside them only when you
    // give --diff-ids too.
    ...demo?.fakes.inputs(dbt || ownPlan ? '' : DEMO_DIFF_IDS.join(',')),
    ...(demo ? { 'data-source': 'warehouse' } : {}),
    'wait-timeout': '1m',
    ...given,
    ...(demoUrl ? { 'datafold-host': demoUrl } : {}),
    // A preview never writes to a pull request.
    'comment-mode': 'off'
  }
  console.log(
    demoUrl
      ? dbt || ownPlan
        ? `Demo Datafold API at ${demoUrl}: ${dbt ? "dbt mode creates your changed models' diffs" : "the action creates your plan's diffs"} there; it answers any tables with made-up counts${given['diff-ids'] ? `, and diffs ${DEMO_DIFF_IDS.join(', ')} by id` : ''}\n`
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

  if (demo && demo.fakes.datafold.created.length > 0) {
    console.log('\n──────── the diffs the action asked the demo Datafold to create ────────\n')
    for (const { id, body } of demo.fakes.datafold.created) console.log(describeCreate(id, body))
  }
  console.log('\n──────── report (as the PR comment and job summary show it) ────────\n')
  console.log(run.summary)
  console.log('──────── outputs ────────\n')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value}`)
  console.log(`\nThe action exited with ${run.code}: ${verdict(run.code, showcase)}`)
  process.exitCode = run.code
}

/** The last line: what the exit code means, and that the showcase fails on purpose. */
function verdict(code: number, showcase: boolean): string {
  if (code === 0) return 'the check passes.'
  if (!showcase) return 'the check fails (so does this command, with the same code).'
  return (
    'the check fails, as this demo means it to: diff 102 is over its limits and 105 failed ' +
    'in Datafold, to show a failing report. So `npm run demo` exits with 1 too (npm then ' +
    'reports the exit code); nothing is wrong with your setup.'
  )
}

/** `9001: ANALYTICS.PROD.ORDERS → ANALYTICS.PR_482.ORDERS, key ID`, as the create asked. */
function describeCreate(id: number, body: Record<string, unknown>): string {
  const side = (table: unknown, query: unknown): string =>
    Array.isArray(table) ? table.map(String).join('.') : `query ${JSON.stringify(query)}`
  const key = Array.isArray(body.pk_columns) ? body.pk_columns.join(', ') : 'inferred'
  return `${id}: ${side(body.table1, body.query1)} → ${side(body.table2, body.query2)}, key ${key}`
}

/** Where you ran the demo: npm runs scripts in the package's folder and says where you were. */
function whereYouAre(): string {
  const { INIT_CWD, npm_lifecycle_event } = process.env
  return npm_lifecycle_event === 'demo' && INIT_CWD ? INIT_CWD : process.cwd()
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
