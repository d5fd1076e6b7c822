// The one report comment on a pull request: found again by a hidden marker and by who wrote it,
// then edited in place or replaced. Only comments the action's own account wrote are touched, so a
// person who quotes the marker never sees their comment edited or deleted.
import type { WritingMode } from './comment-modes.js'
import { commentWrite, CommentPermissionError, githubMessage, statusOf } from './errors.js'
import type { GitHubClient } from './octokit.js'
import { describeRun, isNewerRun, readRunStamp } from './run-stamp.js'

export interface UpsertCommentOptions {
  owner: string
  repo: string
  issueNumber: number
  marker: string
  /** The whole comment, the marker included (the caller puts it at the top). */
  body: string
  mode: WritingMode
  /** Who the token posts as, when known without asking GitHub (see `authorOfToken`). */
  author?: Author | null
  log?: (message: string) => void
}

export interface PostedComment {
  id: number
  url: string
  /** `kept`: a newer run's report is there already, and was left as it is. */
  action: 'created' | 'updated' | 'kept'
}

export function commentMarker(key: string): string {
  return `<!-- datafold-diff-gate:${key} -->`
}

/** The author a GITHUB_TOKEN posts as. */
const ACTIONS_BOT: Author = { login: 'github-actions[bot]', type: 'Bot' }

export interface Author {
  login: string
  /** `Bot` or `User`; null: either. */
  type: string | null
}

/**
 * The author a token posts as, when its prefix tells: an installation token (`ghs_`, which the
 * GITHUB_TOKEN is) cannot call `GET /user` and posts as github-actions[bot], so asking would only
 * cost a request. Null for other tokens: `GET /user` names their account.
 */
export function authorOfToken(token: string): Author | null {
  return token.startsWith('ghs_') ? ACTIONS_BOT : null
}

export interface IssueComment {
  id: number
  body?: string | null
  html_url: string
  user: { login: string; type: string } | null
}

export async function upsertComment(
  github: GitHubClient,
  options: UpsertCommentOptions
): Promise<PostedComment> {
  const { owner, repo, issueNumber, marker, mode } = options
  const log = options.log ?? (() => undefined)
  // Without the marker the next run could not find this comment again and would add another.
  const body = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`

  const author = options.author ?? (await postingAs(github))
  const listCandidates = () => listReportComments(github, options, author)
  const { all, candidates } = await listCandidates()
  log(
    `Found ${candidates.length} earlier report comment(s) by ${author.login} on #${issueNumber} ` +
      `among ${all} comment(s)`
  )

  // A run that started later has written its report already: ours is older news.
  const ours = readRunStamp(body)
  const newer = candidates.find((candidate) => isNewerRun(readRunStamp(candidate.body), ours))
  if (newer) {
    log(keptMessage(newer))
    return { id: newer.id, url: newer.html_url, action: 'kept' }
  }

  const [newest, ...older] = candidates
  if (mode === 'update' && newest) {
    const updated = await update(github, options, newest.id, body, log)
    for (const duplicate of older) await remove(github, options, duplicate.id, log)
    if (updated) return { ...updated, action: 'updated' }
  } else {
    for (const candidate of candidates) await remove(github, options, candidate.id, log)
  }

  const created = await commentWrite(`POST a comment on #${issueNumber}`, () =>
    github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
  )
  const posted: PostedComment = {
    id: created.data.id,
    url: created.data.html_url,
    action: 'created'
  }
  // Two runs that found no report at the same moment both created one. One more look settles
  // it: every racer keeps the oldest report (the lowest id) and deletes the others.
  let again: IssueComment[]
  try {
    again = (await listCandidates()).candidates
  } catch (error) {
    log(`Could not check for a report written by a concurrent run: ${githubMessage(error)}`)
    return posted
  }
  return settleRace(github, options, posted, again, body, log)
}

/** The report comments `author` wrote on the issue (those with the marker), newest first. */
export async function listReportComments(
  github: GitHubClient,
  target: { owner: string; repo: string; issueNumber: number; marker: string },
  author: Author
): Promise<{ all: number; candidates: IssueComment[] }> {
  const comments: IssueComment[] = await github.paginate(github.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100
  })
  const candidates = comments
    .filter((comment) => (comment.body ?? '').includes(target.marker) && isBy(comment, author))
    .sort((a, b) => b.id - a.id)
  return { all: comments.length, candidates }
}

/** Who this token comments as, from its prefix or else by asking GitHub. */
export async function commentAuthor(github: GitHubClient, token: string): Promise<Author> {
  return authorOfToken(token) ?? (await postingAs(github))
}

/** Keeps one report of several written at once: the oldest, with the newest run's body. */
async function settleRace(
  github: GitHubClient,
  options: UpsertCommentOptions,
  posted: PostedComment,
  candidates: IssueComment[],
  body: string,
  log: (message: string) => void
): Promise<PostedComment> {
  const oldestFirst = [...candidates].sort((a, b) => a.id - b.id)
  const survivor = oldestFirst[0]
  if (!survivor || oldestFirst.length === 1) return posted
  log(
    `Found ${oldestFirst.length} report comments after writing ${posted.id} (a concurrent run?); ` +
      `keeping the oldest, ${survivor.id}`
  )
  let result = posted
  if (survivor.id !== posted.id) {
    if (isNewerRun(readRunStamp(survivor.body), readRunStamp(body))) {
      log(keptMessage(survivor))
      result = { id: survivor.id, url: survivor.html_url, action: 'kept' }
    } else {
      const updated = await update(github, options, survivor.id, body, log)
      // Gone meanwhile: ours stays instead.
      if (updated) result = { ...updated, action: 'updated' }
    }
  }
  for (const other of oldestFirst) {
    if (other.id !== result.id) await remove(github, options, other.id, log)
  }
  return result
}

function keptMessage(comment: IssueComment): string {
  return (
    `Report comment ${comment.id} was written by a newer run (${describeRun(readRunStamp(comment.body))}); ` +
    'leaving it as it is rather than overwriting it with older results'
  )
}

/** Who this token comments as. `GET /user` names the account behind a personal token; a
 * GITHUB_TOKEN (and an app's installation token) is refused, and posts as github-actions[bot]. */
async function postingAs(github: GitHubClient): Promise<Author> {
  try {
    const { data } = await github.rest.users.getAuthenticated()
    return { login: data.login, type: null }
  } catch (error) {
    const status = statusOf(error)
    if (status === 403 || status === 404) return ACTIONS_BOT
    throw error
  }
}

function isBy(comment: IssueComment, author: Author): boolean {
  const user = comment.user
  if (!user || user.login !== author.login) return false
  return author.type === null || user.type === author.type
}

/** Edits the comment; null when it is gone (a concurrent `recreate` run deleted it meanwhile). */
async function update(
  github: GitHubClient,
  options: UpsertCommentOptions,
  commentId: number,
  body: string,
  log: (message: string) => void
): Promise<{ id: number; url: string } | null> {
  const { owner, repo } = options
  try {
    const { data } = await commentWrite(`PATCH comment ${commentId}`, () =>
      github.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })
    )
    return { id: data.id, url: data.html_url }
  } catch (error) {
    if (!(error instanceof CommentPermissionError && error.status === 404)) throw error
    log(`Comment ${commentId} is gone (deleted by a concurrent run?); creating a new one`)
    return null
  }
}

async function remove(
  github: GitHubClient,
  options: UpsertCommentOptions,
  commentId: number,
  log: (message: string) => void
): Promise<void> {
  const { owner, repo } = options
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
