// The run's GitHub context from the runner's environment. Read directly rather than through
// @actions/github's `context`, which would load the whole octokit stack at start-up.
import { readFileSync } from 'node:fs'

export function readGitHubContext(env: Record<string, string | undefined>): GitHubContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH),
    owner,
    repo,
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID ?? '',
    ...(env.GITHUB_RUN_ATTEMPT ? { runAttempt: env.GITHUB_RUN_ATTEMPT } : {})
  }
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {}
  try {
    const payload: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

export interface GitHubContext {
  eventName: string
  payload: Record<string, unknown>
  owner: string
  repo: string
  serverUrl: string
  runId: string
  /** GITHUB_RUN_ATTEMPT: 1, then 2 for the first re-run, ... */
  runAttempt?: string
}

/** The workflow run's page; null outside Actions. */
export function runUrl(github: GitHubContext): string | null {
  if (!github.runId || !github.owner) return null
  return `${github.serverUrl}/${github.owner}/${github.repo}/actions/runs/${github.runId}`
}
