// The pull request's conversation as the run finds it, read once when the run starts and handed
// on: where the report comment goes, who the token posts as, the report an earlier run wrote and
// what it carries. Reading it never fails the run: when GitHub cannot be read, no comment is
// written and nothing is reused, with one warning that says so.
import { commentMarker, readState, type CarriedState } from '../comment-state.js'
import { reasonOf } from '../text.js'
import type { CommentMode } from './comment-modes.js'
import { commentAuthor, findReport, type Author } from './comment.js'
import type { IssueComment, Thread } from './comment-requests.js'
import type { GitHubClient } from './octokit.js'

/** Where the report comment goes: the PR's conversation, and the marker that finds the report. */
export interface ReportPlace extends Thread {
  marker: string
}

export interface ReportThread {
  /** Null when no comment is written: commenting is off, there is no PR or no token, or the
   * conversation could not be read. */
  place: ReportPlace | null
  /** Who the token posts as; null when not known. */
  author: Author | null
  /** The newest report earlier runs wrote; null when there is none. */
  report: IssueComment | null
  /** What that report carries for this run. */
  carried: CarriedState | null
}

export const NO_THREAD: ReportThread = { place: null, author: null, report: null, carried: null }

export interface ThreadOptions {
  commentMode: CommentMode
  commentKey: string
  token: string
  /** The run's PR; null with why. */
  target: { pr: number | null; noPrReason?: string }
  repository: { owner: string; repo: string }
  github: () => Promise<GitHubClient>
  info: (message: string) => void
  warning: (message: string) => void
}

export async function readThread(options: ThreadOptions): Promise<ReportThread> {
  const place = reportPlace(options)
  if (place === null) return NO_THREAD
  try {
    const github = await options.github()
    const author = await commentAuthor(github, options.token)
    const report = await findReport(github, place, author)
    return { place, author, report, carried: readState(report?.body) }
  } catch (error) {
    options.warning(
      `Could not read the PR's comments, so no report comment is written and no diff an earlier run created is reused: ${reasonOf(error)}`
    )
    return NO_THREAD
  }
}

/** Where the report comment goes; null, saying why, when none is written. */
function reportPlace(options: ThreadOptions): ReportPlace | null {
  if (options.commentMode === 'off') return null
  const { pr, noPrReason } = options.target
  if (pr === null) {
    options.info(`No PR comment: ${noPrReason ?? 'this run has no pull request'}`)
    return null
  }
  if (!options.token) {
    options.warning('No PR comment: github-token is empty')
    return null
  }
  const { owner, repo } = options.repository
  return { owner, repo, issueNumber: pr, marker: commentMarker(options.commentKey) }
}
