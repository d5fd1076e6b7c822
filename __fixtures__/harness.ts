// The one end-to-end harness: the fakes on 127.0.0.1 (Datafold, and GitHub unless left out), the
// inputs that point the bundled action at them, runs of dist/index.js, and at the end every fake
// closed and every run and GitHub request searched for the secrets. The end-to-end tests, the
// fault tests, the demo and the benchmark run the action through it. Plain TypeScript, no jest:
// the demo and the benchmark import it under `tsx`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Scenarios } from './datafold-scenario.js'
import { demoScenario } from './diffs.js'
import { startFakeDatafold, type FakeDatafold, type FakeDatafoldOptions } from './fake-datafold.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fake-github.js'
import type { ActionRun, RunActionOptions } from './run-action.js'
import { SecretSweep } from './secret-sweep.js'

/** The secrets the fakes expect; the sweep searches everything for them. */
export interface Secrets {
  apiKey: string
  token?: string
  /** Secrets no input carries by default: a personal token, a data source's password. */
  others?: readonly string[]
}

export const E2E_SECRETS = {
  apiKey: 'dfk_e2e_0123456789abcdef',
  token: 'ghs_e2e_fedcba9876543210'
} as const satisfies Secrets

/** The event payload of the pull request the fake GitHub holds (482). */
export const PR_482 = { pull_request: { number: 482 } }

export interface FakesOptions {
  /** Default: the five demo diffs. */
  scenarios?: Scenarios
  /**
   * The fake GitHub's options, or false for no fake GitHub. Its token is the harness's unless
   * given: another token, or `token: undefined` to let any token in.
   */
  github?: FakeGitHubOptions | false
  /** Added to every answer of both fakes, in milliseconds. */
  latencyMs?: number
  /** The rest of the fake Datafold's options: its data sources, how it creates diffs, faults. */
  datafold?: Omit<FakeDatafoldOptions, 'scenarios' | 'apiKey' | 'latencyMs'>
}

/** What a run changes: `inputs` are merged over the ones that point the action at the fakes. */
export type RunOptions = Partial<RunActionOptions>

export interface Fakes<GitHub extends FakeGitHub | null = FakeGitHub> {
  datafold: FakeDatafold
  github: GitHub
  /** diff-ids, the api-key and datafold-host; the github-token when there is a fake GitHub. */
  inputs(diffIds: string): Record<string, string>
  /** Runs the bundle against these fakes: GITHUB_API_URL and PR 482 at the fake GitHub, if any. */
  run(diffIds: string, options?: RunOptions): Promise<ActionRun>
}

interface Closable {
  close(): Promise<void>
}

export class Harness {
  readonly sweep: SecretSweep
  private open: Closable[] = []

  /** `defaults` apply to every run, under what a run gives. */
  constructor(
    readonly secrets: Secrets = E2E_SECRETS,
    private readonly defaults: RunOptions = {}
  ) {
    this.sweep = new SecretSweep(
      [secrets.apiKey, secrets.token, ...(secrets.others ?? [])].filter(
        (s): s is string => s !== undefined
      )
    )
  }

  start(options: FakesOptions & { github: false }): Promise<Fakes<null>>
  start(options?: FakesOptions): Promise<Fakes>
  async start(options: FakesOptions = {}): Promise<Fakes<FakeGitHub | null>> {
    const { apiKey, token } = this.secrets
    const { latencyMs } = options
    const datafold = this.track(
      await startFakeDatafold({
        ...options.datafold,
        scenarios: options.scenarios ?? demoScenario(),
        apiKey,
        latencyMs
      })
    )
    const github =
      options.github === false
        ? null
        : this.track(await startFakeGitHub({ latencyMs, token, ...options.github }))
    if (github) this.sweep.watch(github)
    const inputs = (diffIds: string): Record<string, string> => ({
      'diff-ids': diffIds,
      'api-key': apiKey,
      ...(github && token ? { 'github-token': token } : {}),
      'datafold-host': datafold.url
    })
    return {
      datafold,
      github,
      inputs,
      run: (diffIds, run = {}) =>
        this.runAction({
          ...(github ? { apiUrl: github.url, payload: PR_482 } : {}),
          ...run,
          inputs: { ...inputs(diffIds), ...run.inputs }
        })
    }
  }

  /** Closes `server` with the fakes at the end. */
  track<T extends Closable>(server: T): T {
    this.open.push(server)
    return server
  }

  /** A new empty directory, removed with the fakes at the end. */
  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-e2e-'))
    this.track({
      close: () => {
        rmSync(dir, { recursive: true, force: true })
        return Promise.resolve()
      }
    })
    return dir
  }

  /** Runs the bundle with these options (over the harness's defaults), remembered for the sweep. */
  runAction(options: RunActionOptions): Promise<ActionRun> {
    return this.sweep.runAction({ ...this.defaults, ...options })
  }

  /** Closes every fake, then sweeps the runs since the last sweep for the secrets. */
  async end(): Promise<{ checked: number; leaks: string[] }> {
    await Promise.all(this.open.splice(0).map((server) => server.close()))
    return this.sweep.take()
  }
}

/** The lines of stdout that start with `prefix` (a workflow command such as `::error::`). */
export function commandLines(run: ActionRun, prefix: string): string[] {
  return run.stdout.split('\n').filter((line) => line.startsWith(prefix))
}

/** The first `::error::` line of a run, or '' when there is none. */
export function firstError(run: ActionRun): string {
  return commandLines(run, '::error::')[0] ?? ''
}
