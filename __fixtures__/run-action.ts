// Runs the bundled action (dist/index.js) as a child process with the environment a runner
// gives it, and reads back what it wrote: exit code, stdout/stderr, the outputs file and the
// job summary. Used by the end-to-end harness (harness.ts) and the demo.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { node24 } from './node24.js'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const BUNDLE = join(REPO_ROOT, 'dist', 'index.js')
const LOOPBACK_ONLY = join(REPO_ROOT, '__fixtures__', 'loopback-only.cjs')

/** The machine's Node, and Node 24 (what action.yml names) when the machine's is another. */
export function nodeRuntimes(): { name: string; path: string }[] {
  const node24Path = node24()
  return [
    {
      name: `node ${process.versions.node.split('.')[0] ?? ''} (this machine)`,
      path: process.execPath
    },
    ...(node24Path === process.execPath ? [] : [{ name: 'node 24 (action.yml)', path: node24Path }])
  ]
}

export interface RunActionOptions {
  /** Action inputs by their action.yml names; become INPUT_<NAME> with the hyphens kept. */
  inputs: Record<string, string>
  node?: string
  /** Flags for node before the script, e.g. `--require` of a probe. */
  nodeArgs?: string[]
  eventName?: string
  payload?: object
  repository?: string
  apiUrl?: string
  serverUrl?: string
  /** Extra environment, e.g. DATAFOLD_API_KEY. */
  env?: Record<string, string>
  timeoutMs?: number
  stdio?: 'pipe' | 'inherit'
  /** Leave RUNNER_TEMP (and the report in it) on disk, as the demo does; tests clean up. */
  keepRunnerTemp?: boolean
  /** Let the action reach hosts beyond loopback (the demo against a real Datafold). */
  reachAnyHost?: boolean
  /** Called with the child process once it is started, e.g. to signal it. */
  onSpawn?: (child: ChildProcess) => void
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Every byte the process wrote: stdout, stderr, and every file in RUNNER_TEMP. */
  everything: string
  durationMs: number
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-run-'))
  const files = {
    output: join(runnerTemp, 'github_output'),
    summary: join(runnerTemp, 'step_summary.md'),
    event: join(runnerTemp, 'event.json')
  }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.event, JSON.stringify(options.payload ?? {}))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? runnerTemp,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: options.repository ?? 'acme/analytics-dbt',
    GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9/api/v3',
    GITHUB_SERVER_URL: options.serverUrl ?? 'https://github.example',
    GITHUB_RUN_ID: '1234567',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: runnerTemp,
    ...Object.fromEntries(
      Object.entries(options.inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
    ),
    ...options.env
  }
  const started = Date.now()
  const { code, stdout, stderr } = await new Promise<{
    code: number
    stdout: string
    stderr: string
  }>((resolvePromise, reject) => {
    const guard = options.reachAnyHost ? [] : ['--require', LOOPBACK_ONLY]
    const args = [...guard, ...(options.nodeArgs ?? []), BUNDLE]
    const child = spawn(options.node ?? process.execPath, args, {
      env,
      cwd: runnerTemp,
      stdio: options.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe']
    })
    options.onSpawn?.(child)
    let out = ''
    let err = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolvePromise({ code: status ?? -1, stdout: out, stderr: err })
    })
  })
  const durationMs = Date.now() - started
  const outputText = readFileSync(files.output, 'utf8')
  const summary = readFileSync(files.summary, 'utf8')
  const everything = [
    stdout,
    stderr,
    ...readdirSync(runnerTemp).map((f) => readFileSync(join(runnerTemp, f), 'utf8'))
  ].join('\n')
  if (!options.keepRunnerTemp) rmSync(runnerTemp, { recursive: true, force: true })
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    everything,
    durationMs
  }
}

/** Reads the `name<<delimiter … delimiter` records @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!header) continue
    const [, name = '', delimiter] = header
    const end = lines.indexOf(delimiter ?? '', i + 1)
    outputs[name] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}
