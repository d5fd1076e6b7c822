// Ends every end-to-end test: nothing the action wrote (stdout, stderr, every file in
// RUNNER_TEMP: outputs, job summary, report) and no request it sent to GitHub (paths and bodies)
// may hold a secret: in plain text, in base64, escaped (as markdown, HTML, JSON or a URL escape
// it, which GitHub and browsers show as the secret), or its first RECOGNISABLE characters (what
// a cut through it leaves). `::add-mask::` lines are how a secret is registered with the runner,
// which consumes them, so they are left out of the search.
import { base64Forms, unescaped } from '../src/redact.js'
import type { FakeGitHub } from './fake-github.js'
import { runAction, type ActionRun, type RunActionOptions } from './run-action.js'

/** Inputs and environment variables that carry a secret into a run. */
const SECRET_INPUTS = ['api-key', 'github-token', 'dbt-cloud-token'] as const
const SECRET_ENV = ['DATAFOLD_API_KEY'] as const

export interface Place {
  where: string
  text: string
}

export class SecretSweep {
  private runs: { run: ActionRun; secrets: string[] }[] = []
  private githubs: FakeGitHub[] = []

  /** `secrets` are searched for everywhere; each run's own api-key and token are added to them. */
  constructor(private readonly secrets: string[]) {}

  /** runAction, remembered for the sweep. */
  async runAction(options: RunActionOptions): Promise<ActionRun> {
    return this.remember(await runAction(options), options)
  }

  /** Adds a run to the sweep, with the secrets its options gave it. */
  remember(run: ActionRun, options: Pick<RunActionOptions, 'inputs' | 'env'>): ActionRun {
    const given = [
      ...SECRET_INPUTS.map((name) => options.inputs[name]),
      ...SECRET_ENV.map((name) => options.env?.[name])
    ].filter((secret): secret is string => Boolean(secret?.trim()))
    this.runs.push({ run, secrets: given })
    return run
  }

  watch(github: FakeGitHub): void {
    this.githubs.push(github)
  }

  /** What leaked where, e.g. `run 2: base64 of secret 1`; then forgets the runs and fakes. */
  take(): { checked: number; leaks: string[] } {
    const secrets = [...new Set([...this.secrets, ...this.runs.flatMap((r) => r.secrets)])]
    const places: Place[] = [
      ...this.runs.map(({ run }, i) => ({
        where: `run ${String(i + 1)}`,
        text: run.everything.replace(/^::add-mask::.*$/gm, '')
      })),
      ...this.githubs.map((github, i) => ({
        where: `GitHub fake ${String(i + 1)}`,
        text: JSON.stringify(
          github.requests.map(({ method, path, body }) => ({ method, path, body }))
        )
      }))
    ]
    const checked = this.runs.length
    this.runs = []
    this.githubs = []
    return { checked, leaks: findLeaks(places, secrets) }
  }
}

/** The first characters of a secret that still give it away. */
export const RECOGNISABLE = 6

/**
 * Each secret found in any place, in the first of these forms that matches: plain text, base64,
 * escaped, the start of it. `where: form of secret N`.
 */
export function findLeaks(places: Place[], secrets: string[]): string[] {
  return places.flatMap(({ where, text }) => {
    const shown = unescaped(text)
    return secrets.flatMap((secret, s) => {
      const found = [
        { form: 'plain text', seen: text.includes(secret) },
        { form: 'base64', seen: base64Forms(secret).some((value) => text.includes(value)) },
        { form: 'an escaped form', seen: shown.includes(secret) },
        {
          form: `the first ${String(RECOGNISABLE)} characters`,
          seen: secret.length > RECOGNISABLE && shown.includes(secret.slice(0, RECOGNISABLE))
        }
      ].find(({ seen }) => seen)
      return found ? [`${where}: ${found.form} of secret ${String(s + 1)}`] : []
    })
  })
}
