// Runs a README workflow's action step as written, on the bundle against the fakes: the README's
// sections and yaml blocks, the step's inputs with the secret filled in, and a pull request run in
// a workspace of its own, where Datafold knows the data source the step names.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dataSources } from './data-sources.js'
import { startFakeDatafold, type FakeDatafold } from './fake-datafold.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fake-github.js'
import { runAction, type ActionRun } from './run-action.js'

export interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}

export interface Workflow {
  jobs: Record<string, { steps: Step[] }>
}

/** The README's section under `## heading`, up to the next `## `. */
export function readmeSection(heading: string): string {
  const readme = readFileSync('README.md', 'utf8')
  const start = readme.indexOf(`## ${heading}`)
  return readme.slice(start, readme.indexOf('\n## ', start + 5))
}

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
  /** The step's inputs as written, the API key secret filled in. */
  given: Record<string, string>
  /** Runs the step on PR 482 (its pull_request event, else `event`), with `inputs` over the
   * step's own. */
  run(inputs?: Record<string, string>, event?: WorkflowEvent): Promise<ActionRun>
  close(): Promise<void>
}

const API_KEY = 'dfk_readme_0123456789'
const TOKEN = 'ghs_readme_0123456789'

/** The event a run starts from. */
export interface WorkflowEvent {
  eventName: string
  payload: object
  env?: Record<string, string>
}

/** The pull_request event of PR 482. */
export const README_PR_EVENT: WorkflowEvent = {
  eventName: 'pull_request',
  payload: {
    pull_request: { number: 482, head: { sha: '0123456789abcdef0123456789abcdef01234567' } }
  }
}

/** The fakes and a workspace for the workflow's step of this action. */
export async function readmeRun(
  workflow: Workflow,
  githubOptions: Omit<FakeGitHubOptions, 'token'> = {}
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
    create: { polls: 1 }
  })
  const github = await startFakeGitHub({ ...githubOptions, token: TOKEN })
  const workspace = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-readme-'))
  return {
    datafold,
    github,
    workspace,
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
    }
  }
}
