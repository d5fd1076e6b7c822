// The REST calls on a pull request's comments that the report needs: list every page, read one,
// create, edit, delete. A write GitHub refuses becomes a CommentPermissionError (see errors.ts); an edit or
// a delete of a comment that is gone already is told apart from a failure.
import { commentWrite, CommentPermissionError, statusOf } from './errors.js'
import type { GitHubClient } from './octokit.js'

/** Where the comments live. */
export interface Thread {
  owner: string
  repo: string
  issueNumber: number
}

export interface IssueComment {
  id: number
  body?: string | null
  html_url: string
  user: { login: string; type: string } | null
}

export function listComments(github: GitHubClient, thread: Thread): Promise<IssueComment[]> {
  return github.paginate(github.rest.issues.listComments, {
    owner: thread.owner,
    repo: thread.repo,
    issue_number: thread.issueNumber,
    per_page: 100
  })
}

/** The comment as it is now; null when it is gone. */
export async function getComment(
  github: GitHubClient,
  thread: Thread,
  commentId: number
): Promise<IssueComment | null> {
  try {
    const { data } = await github.rest.issues.getComment({
      owner: thread.owner,
      repo: thread.repo,
      comment_id: commentId
    })
    return data
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw error
  }
}

export async function createComment(
  github: GitHubClient,
  thread: Thread,
  body: string
): Promise<IssueComment> {
  const { owner, repo, issueNumber } = thread
  const { data } = await commentWrite(`POST a comment on #${issueNumber}`, () =>
    github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
  )
  return data
}

/** Edits the comment; null when it is gone (deleted meanwhile, by a concurrent run or a person). */
export async function updateComment(
  github: GitHubClient,
  thread: Thread,
  commentId: number,
  body: string,
  log: (message: string) => void
): Promise<IssueComment | null> {
  const { owner, repo } = thread
  try {
    const { data } = await commentWrite(`PATCH comment ${commentId}`, () =>
      github.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })
    )
    return data
  } catch (error) {
    if (!(error instanceof CommentPermissionError && error.status === 404)) throw error
    log(`Comment ${commentId} is gone (deleted by a concurrent run?)`)
    return null
  }
}

export async function deleteComment(
  github: GitHubClient,
  thread: Thread,
  commentId: number,
  log: (message: string) => void
): Promise<void> {
  const { owner, repo } = thread
  try {
    await commentWrite(`DELETE comment ${commentId}`, () =>
      github.rest.issues.deleteComment({ owner, repo, comment_id: commentId })
    )
    log(`Deleted earlier report comment ${commentId}`)
  } catch (error) {
    // Already deleted by a run racing this one: the goal is reached either way.
    if (error instanceof CommentPermissionError && error.status === 404) {
      log(`Earlier report comment ${commentId} was already deleted`)
      return
    }
    throw error
  }
}
