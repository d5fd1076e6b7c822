// Runs a README workflow's action step as written, on the bundle against the fakes: the README's
// sections and yaml blocks, the step's inputs with the secret filled in, and a pull request run in
// a workspace of its own, where Datafold knows the data source the step names.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dataSources } from './data-sources.js'
import { startFakeDatafold, type FakeDatafold, type FakeDatafoldOptions } from './fake-datafold.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fake-github.js'
import { runAction, type ActionRun } from './run-action.js'
import type { ExpressionContext, UsesHandler } from './workflow-run.js'

export interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}

export interface Workflow {
  jobs: Record<string, { steps: Step[] }>
}

/** The section of a markdown file (README.md, docs/…) under `## heading`, up to the next `## `. */
export function docSection(file: string, heading: string): string {
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf(`\n## ${heading}\n`)
  if (start === -1) throw new Error(`${file} has no "## ${heading}" section`)
  const end = text.indexOf('\n## ', start + 5)
  return text.slice(start + 1, end === -1 ? undefined : end)
}

/** The README's section under `## heading`. */
export const readmeSection = (heading: string): string => docSection('README.md', heading)

/** The text of each ```yaml block. */
export const yamlBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')

export const stepsOf = (workflow: Workflow): Step[] =>
  Object.values(workflow.jobs).flatMap((job) => job.steps)

export interface ReadmeRun {
  datafold: FakeDatafold
  github: FakeGitHub
  /** The workspace to put the step's files in. */
  workspace: string
  /** A folder outside the workspace, for what a runner keeps elsewhere (artifacts, tools). */
  scratch: string
  /** The step's inputs as written, the API key secret filled in. */
  given: Record<string, string>
  /** Runs the step on PR 482 (its pull_request event, else `event`), with `inputs` over the
   * step's own. */
  run(inputs?: Record<string, string>, event?: WorkflowEvent): Promise<ActionRun>
  close(): Promise<void>
}

/** The secret the tests give for `secrets.DATAFOLD_API_KEY`. */
export const API_KEY = 'dfk_readme_0123456789'
const TOKEN = 'ghs_readme_0123456789'

/** The event a run starts from. */
export interface WorkflowEvent {
  eventName: string
  payload: object
  env?: Record<string, string>
}

/** The PR's base and head commits in the pull_request event the documented jobs run on. */
export const BASE_SHA = 'fedcba9876543210fedcba9876543210fedcba98'
export const PR_HEAD_SHA = '0123456789abcdef0123456789abcdef01234567'

/** The pull_request event of PR 482. */
export const README_PR_EVENT: WorkflowEvent = {
  eventName: 'pull_request',
  payload: {
    pull_request: { number: 482, head: { sha: PR_HEAD_SHA } }
  }
}

/** The fakes and a workspace for the workflow's step of this action. */
export async function readmeRun(
  workflow: Workflow,
  githubOptions: Omit<FakeGitHubOptions, 'token'> = {},
  datafoldOptions: Pick<FakeDatafoldOptions, 'scenarios'> = {}
): Promise<ReadmeRun> {
  const step = stepsOf(workflow).find((s) => s.uses?.startsWith('datafold-diff-gate/'))
  const given = Object.fromEntries(
    Object.entries(step?.with ?? {}).map(([name, value]) => [
      name,
      String(value).replace('${{ secrets.DATAFOLD_API_KEY }}', API_KEY)
    ])
  )
  const datafold = await startFakeDatafold({
    apiKey: API_KEY,
    dataSources: [
      ...dataSources(),
      { id: 31, name: String(given['data-source']), type: 'snowflake' }
    ],
    create: { polls: 1 },
    ...datafoldOptions
  })
  const github = await startFakeGitHub({ ...githubOptions, token: TOKEN })
  const workspace = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-readme-'))
  const scratch = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-runner-'))
  return {
    datafold,
    github,
    workspace,
    scratch,
    given,
    run: (inputs = {}, event = README_PR_EVENT) =>
      runAction({
        inputs: { ...given, ...inputs, 'datafold-host': datafold.url, 'github-token': TOKEN },
        eventName: event.eventName,
        payload: event.payload,
        apiUrl: github.url,
        serverUrl: github.serverUrl,
        env: { GITHUB_WORKSPACE: workspace, ...event.env }
      }),
    close: async () => {
      await datafold.close()
      await github.close()
      rmSync(workspace, { recursive: true, force: true })
      rmSync(scratch, { recursive: true, force: true })
    }
  }
}

/** What `${{ }}` reads in a documented job on PR 482: the secrets given, the token, the event. */
export function prContext(event: Record<string, unknown> = {}): ExpressionContext {
  return {
    secrets: {
      DATAFOLD_API_KEY: API_KEY,
      SNOWFLAKE_PASSWORD: 'snowflake-secret',
      DBT_CLOUD_TOKEN: 'dbtc-secret'
    },
    github: {
      token: TOKEN,
      event: {
        pull_request: { number: 482, base: { sha: BASE_SHA }, head: { sha: PR_HEAD_SHA } },
        ...event
      }
    }
  }
}

/** Runs this action's step of a job on the fakes, with its inputs as the job filled them in. */
export function actionStep(
  fakes: ReadmeRun,
  runs: ActionRun[],
  extra: Record<string, string> = {},
  event?: WorkflowEvent
): UsesHandler {
  return async (_step, inputs) => {
    const run = await fakes.run({ ...inputs, ...extra }, event)
    runs.push(run)
    return run.outputs
  }
}

/** `actions/checkout` and `actions/setup-python` where the job's repository is already there. */
export const NOTHING_TO_DO: UsesHandler = () => ({})

/** How the job's runs of the action went, to compare with `PASSED`. */
export function outcome(runs: readonly ActionRun[]): object {
  const [run] = runs
  return { runs: runs.length, code: run?.code, stderr: run?.stderr, result: run?.outputs.result }
}

/** One run of the action, exit 0, nothing on stderr, `result: pass`. */
export const PASSED = { runs: 1, code: 0, stderr: '', result: 'pass' }
