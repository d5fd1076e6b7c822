// Runs a documented workflow's job as a runner would, in a temporary repository: each `run:` step
// in bash (with its `if:`, `env:` and `working-directory:`, and `${{ }}` expressions filled in from
// the context), with stand-ins for `pip`, `dbt` and `gh` on PATH; each `uses:` step by a handler
// the test gives (checkout, artifacts, this action on the bundle). Only what the documented
// workflows use is understood: an unknown expression or action fails the run, so a snippet that
// grows a step no test runs fails here.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface WorkflowStep {
  id?: string
  name?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  'working-directory'?: string
}

export interface WorkflowJob {
  if?: string
  env?: Record<string, unknown>
  steps: WorkflowStep[]
}

export interface WorkflowFile {
  name?: string
  env?: Record<string, unknown>
  jobs: Record<string, WorkflowJob>
}

/** What `${{ }}` may read: `secrets.X`, `github.*`, and the steps' outputs (filled in as they run). */
export interface ExpressionContext {
  secrets: Record<string, string>
  github: Record<string, unknown>
}

/** A `uses:` step, with its `with:` filled in; answers the step's outputs. */
export type UsesHandler = (
  step: WorkflowStep,
  inputs: Record<string, string>,
  cwd: string
) => Promise<Record<string, string>> | Record<string, string>

export interface JobRun {
  /** Each step that ran, by its name, `uses` or first line, in order. */
  ran: string[]
  /** Each step that its `if:` skipped. */
  skipped: string[]
  /** Every command the stand-ins ran: `<folder relative to the workspace> <command line>`. */
  commands: string[]
  outputs: Record<string, Record<string, string>>
}

const MAX_BUFFER = 16 * 1024 * 1024

/** Fills in every `${{ path }}` of `text`; a path the context does not hold throws. */
export function expand(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, path: string) => {
    let value: unknown = context
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined
    }
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    throw new Error(`the test knows no \${{ ${path} }}`)
  })
}

/** `steps.ID.outputs.NAME == 'VALUE'` (or `!=`), the one form of `if:` the documented jobs use. */
function condition(text: string, context: Record<string, unknown>): boolean {
  const match = /^steps\.([\w-]+)\.outputs\.([\w-]+) (==|!=) '([^']*)'$/.exec(text.trim())
  if (!match) throw new Error(`the test cannot evaluate if: ${text}`)
  const [, id = '', name = '', op, expected] = match
  const steps = context.steps as Record<string, { outputs: Record<string, string> } | undefined>
  const actual = steps[id]?.outputs[name] ?? ''
  return op === '==' ? actual === expected : actual !== expected
}

function stringValues(
  record: Record<string, unknown> | undefined,
  context: Record<string, unknown>
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).map(([key, value]) => [key, expand(String(value), context)])
  )
}

/** `name=value` lines of a GITHUB_OUTPUT file (the `name<<EOF` form too). */
function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] ?? '', i + 1)
      outputs[heredoc[1] ?? ''] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

/**
 * Stand-ins for the commands the documented jobs run, in `dir/bin`. `dbt` refuses to parse or
 * build before `dbt deps` where the project has a packages.yml (as dbt does), and writes
 * `target/manifest.json` from `$FAKE_DBT_MANIFESTS/<target>.json`; `gh run list` prints
 * `$FAKE_GH_RUN_ID`, and `gh run download` copies `$FAKE_GH_ARTIFACTS/<run>/<name>/` into `--dir`.
 */
export function standIns(dir: string): string {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const log = 'echo "$PWD $(basename "$0") $*" >> "$FAKE_COMMANDS"'
  const scripts: Record<string, string> = {
    pip: log,
    dbt: `${log}
command=\${1:-}; target=; state=
while [ $# -gt 0 ]; do
  case "$1" in --target) target=$2; shift ;; --state) state=$2; shift ;; esac; shift
done
if [ "$command" = deps ]; then mkdir -p dbt_packages; exit 0; fi
if [ -f packages.yml ] && [ ! -d dbt_packages ]; then
  echo "dbt found 1 package(s) specified in packages.yml, but only 0 package(s) installed in dbt_packages. Run \\"dbt deps\\" to install package dependencies." >&2
  exit 2
fi
if [ -n "$state" ] && [ ! -f "$state/manifest.json" ]; then echo "no manifest in --state $state" >&2; exit 2; fi
mkdir -p target && cp "$FAKE_DBT_MANIFESTS/$target.json" target/manifest.json`,
    gh: `${log}
if [ "$1 $2" = "run list" ]; then echo "\${FAKE_GH_RUN_ID:-}"; exit 0; fi
if [ "$1 $2" = "run download" ]; then
  run=$3; name=; dir=.
  shift 3
  while [ $# -gt 0 ]; do case "$1" in --name) name=$2; shift ;; --dir) dir=$2; shift ;; esac; shift; done
  [ -d "$FAKE_GH_ARTIFACTS/$run/$name" ] || { echo "no artifact $name in run $run" >&2; exit 1; }
  mkdir -p "$dir" && cp -R "$FAKE_GH_ARTIFACTS/$run/$name/." "$dir/"
  exit 0
fi
echo "gh $*: not understood by the test" >&2; exit 1`
  }
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  return bin
}

export interface RunJobOptions {
  workspace: string
  /** Where the stand-ins live and log (see `standIns`). */
  scratch: string
  context: ExpressionContext
  /** Environment for the stand-ins: FAKE_DBT_MANIFESTS, FAKE_GH_RUN_ID, FAKE_GH_ARTIFACTS. */
  env?: Record<string, string>
  /** Handlers by the action's name before `@`: `actions/checkout`, this action, … */
  uses: Record<string, UsesHandler>
}

/** Runs the workflow's one job, step by step; a step that fails throws with its output. */
export async function runJob(workflow: WorkflowFile, options: RunJobOptions): Promise<JobRun> {
  const [job] = Object.values(workflow.jobs)
  if (!job) throw new Error('the workflow has no job')
  const bin = standIns(options.scratch)
  const commandsFile = join(options.scratch, 'commands.log')
  writeFileSync(commandsFile, '')
  const steps: Record<string, { outputs: Record<string, string> }> = {}
  const context = { ...options.context, steps }
  const run: JobRun = { ran: [], skipped: [], commands: [], outputs: {} }
  const jobEnv = { ...stringValues(workflow.env, context), ...stringValues(job.env, context) }

  for (const [index, step] of job.steps.entries()) {
    const label = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${String(index)}`
    if (step.if !== undefined && !condition(step.if, context)) {
      run.skipped.push(label)
      continue
    }
    run.ran.push(label)
    const cwd = join(options.workspace, step['working-directory'] ?? '.')
    let outputs: Record<string, string>
    if (step.run !== undefined) {
      const outputFile = join(options.scratch, `output-${String(index)}`)
      writeFileSync(outputFile, '')
      const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', expand(step.run, context)], {
        cwd,
        encoding: 'utf8',
        maxBuffer: MAX_BUFFER,
        env: {
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          HOME: options.scratch,
          GITHUB_OUTPUT: outputFile,
          GITHUB_WORKSPACE: options.workspace,
          FAKE_COMMANDS: commandsFile,
          ...options.env,
          ...jobEnv,
          ...stringValues(step.env, context)
        }
      })
      if (result.status !== 0) {
        throw new Error(`step "${label}" exited ${String(result.status)}: ${result.stderr}`)
      }
      outputs = readOutputs(outputFile)
      rmSync(outputFile)
    } else {
      const name = (step.uses ?? '').split('@')[0] ?? ''
      const handler = options.uses[name]
      if (!handler) throw new Error(`the test has no stand-in for uses: ${String(step.uses)}`)
      outputs = await handler(step, stringValues(step.with, context), cwd)
    }
    if (step.id !== undefined) steps[step.id] = { outputs }
    run.outputs[step.id ?? label] = outputs
  }
  run.commands = readFileSync(commandsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [dir = '', ...rest] = line.split(' ')
      return [relative(options.workspace, dir) || '.', ...rest].join(' ')
    })
  return run
}
