// The pull request of a run that no pull_request event started: on `status` (dbt Cloud's CI
// reports a commit status), the event names only the commit. GitHub lists the pull requests a
// commit belongs to; the open one whose head it is, is the run's.
import type { RunTarget } from '../pull-request.js'
import { reasonOf } from '../text.js'
import type { GitHubClient } from './octokit.js'

/** Events that name a commit and no pull request. */
const COMMIT_EVENTS = new Set(['status'])

export interface CommitPullsOptions {
  eventName: string
  owner: string
  repo: string
  /** Empty: GitHub is not asked. */
  token: string
  github: () => Promise<GitHubClient>
}

/** `target` with its pull request, when the event names none and GitHub knows one. */
export async function withPullRequestOfCommit(
  target: RunTarget,
  options: CommitPullsOptions
): Promise<RunTarget> {
  const { sha } = target
  if (target.pr !== null || sha === null || !COMMIT_EVENTS.has(options.eventName)) return target
  if (!options.token) return target
  const noPr = (reason: string): RunTarget => ({ ...target, noPrReason: reason })
  try {
    const github = await options.github()
    const { data } = await github.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: options.owner,
      repo: options.repo,
      commit_sha: sha
    })
    const heads = data.filter((pull) => pull.state === 'open' && pull.head.sha === sha)
    const [only] = heads
    if (heads.length === 1 && only) return { ...target, pr: only.number, noPrReason: undefined }
    const short = sha.slice(0, 7)
    return noPr(
      heads.length === 0
        ? `commit ${short} is the head of no open pull request; set pr-number to comment`
        : `commit ${short} is the head of ${heads.length} open pull requests (${heads
            .map((pull) => `#${pull.number}`)
            .join(', ')}): set pr-number to say which`
    )
  } catch (error) {
    return noPr(
      `could not ask GitHub which pull request commit ${sha.slice(0, 7)} is in: ${reasonOf(error)}`
    )
  }
}
