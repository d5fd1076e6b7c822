// A commit's statuses, read: where dbt Cloud's CI reports its run on the PR's head commit, which dbt
// Cloud mode follows on a `pull_request` event. The first page (100, newest first) holds dbt
// Cloud's: a commit that ran more than 100 status updates since is not one dbt Cloud reports on.
import { InputError } from '../inputs.js'
import { StepFailure } from '../text.js'
import { githubMessage, statusOf } from './errors.js'
import type { GitHubClient } from './octokit.js'

export interface CommitStatusesOptions {
  owner: string
  repo: string
  /** Empty: there is no reading them. */
  token: string
  github: () => Promise<GitHubClient>
}

/** A commit status, in the fields dbt Cloud mode reads. */
export interface ListedStatus {
  context: string
  state: string
  target_url: string | null
}

/** Reads the statuses of a commit, newest first; throws a message that says what to change. */
export function commitStatusReader(
  options: CommitStatusesOptions
): (sha: string) => Promise<ListedStatus[]> {
  return async (sha) => {
    if (!options.token) {
      throw new InputError([
        "github-token: dbt Cloud mode reads the PR head's commit statuses with it, and it is empty"
      ])
    }
    const github = await options.github()
    try {
      const { data } = await github.rest.repos.listCommitStatusesForRef({
        owner: options.owner,
        repo: options.repo,
        ref: sha,
        per_page: 100
      })
      return data.map(({ context, state, target_url }) => ({ context, state, target_url }))
    } catch (error) {
      const status = statusOf(error)
      const permission =
        status === 403 || status === 404
          ? ': give the job `statuses: read` (or write) in its `permissions:`'
          : ''
      throw new StepFailure(
        `could not read the commit statuses of ${sha} (GitHub answered ${status ?? 'nothing'}: ${githubMessage(error)})${permission}`
      )
    }
  }
}
