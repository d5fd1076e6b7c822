// The one report comment on a pull request. A comment is the report only when its body starts with
// the report's marker (the action always writes it first) and the account the action posts as wrote
// it: a comment that quotes the marker anywhere else, or that anyone else wrote, is never edited,
// deleted, nor read. A run never replaces a newer run's report (comment-state.ts says which is
// newer): it reads the report afresh right before writing, and looks again after (see `settle`).
import { compareReports, describeRun, isNewerReport, readStamp } from '../comment-state.js'
import type { WritingMode } from './comment-modes.js'
import {
  createComment,
  deleteComment,
  getComment,
  listComments,
  updateComment,
  type IssueComment,
  type Thread
} from './comment-requests.js'
import { githubMessage, statusOf } from './errors.js'
import type { GitHubClient } from './octokit.js'

export interface UpsertCommentOptions extends Thread {
  marker: string
  /** The whole comment, the marker and the run stamp included (the caller puts them at the top). */
  body: string
  mode: WritingMode
  /** Who the token posts as, when known without asking GitHub (see `authorOfToken`). */
  author?: Author | null
  /**
   * What the run found when it started (see thread.ts): a report, read again right before writing
   * rather than listed anew, or null for none, when a comment is created at once (a report a
   * racing run wrote meanwhile is settled after). Undefined: not looked for, so listed now.
   */
  known?: IssueComment | null
  log?: (message: string) => void
}

export interface PostedComment {
  id: number
  url: string
  /** `kept`: a newer run's report is there, and was left as it is. */
  action: 'created' | 'updated' | 'kept'
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

interface Written {
  comment: IssueComment
  action: 'created' | 'updated'
}

export async function upsertComment(
  github: GitHubClient,
  options: UpsertCommentOptions
): Promise<PostedComment> {
  const { marker, mode } = options
  const log = options.log ?? (() => undefined)
  // The marker first: that is how the next run knows this comment for the report.
  const body = options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`

  const author = options.author ?? (await postingAs(github))
  const newest = await freshNewest(github, options, author, log)
  // A run that started later has written its report already: ours is older news.
  if (newest && isNewerReport(newest, { id: 0, body })) {
    log(keptMessage(newest))
    return posted(newest, 'kept')
  }

  // `recreate` posts first and deletes the old report after (in `settle`): a post GitHub refuses
  // leaves the old report in place.
  const updated =
    mode === 'update' && newest ? await updateComment(github, options, newest.id, body, log) : null
  const written: Written = updated
    ? { comment: updated, action: 'updated' }
    : { comment: await createComment(github, options, body), action: 'created' }
  return settle(github, options, written, body, author, log)
}

/**
 * The newest report as it is right before writing: the one found when the run started, or by
 * listing, read afresh. A listing GitHub answered late can be older than a newer run's write.
 */
async function freshNewest(
  github: GitHubClient,
  options: UpsertCommentOptions,
  author: Author,
  log: (message: string) => void
): Promise<IssueComment | null> {
  const { known } = options
  if (known === null) return null
  const again = known === undefined ? null : await getComment(github, options, known.id)
  if (again !== null && (again.body ?? '').startsWith(options.marker)) return again
  const newest = await findReport(github, options, author, log)
  return newest === null ? null : ((await getComment(github, options, newest.id)) ?? newest)
}

/**
 * Looks again after writing, and leaves the newest run's report: by run (see `compareRuns`), then
 * the comment written last. A report is deleted only when what it holds is not newer than this
 * run's, so an older run never removes a newer one; a newer run removes this one. This run's
 * comment, when an older run overwrote it meanwhile, is written again.
 */
async function settle(
  github: GitHubClient,
  options: UpsertCommentOptions,
  written: Written,
  body: string,
  assumed: Author,
  log: (message: string) => void
): Promise<PostedComment> {
  const ours: IssueComment = { ...written.comment, body }
  let reports: IssueComment[]
  try {
    // As the account the write was made as, which GitHub has just named.
    const author = written.comment.user ?? assumed
    reports = reportsIn(await listComments(github, options), options.marker, author)
  } catch (error) {
    log(
      `Could not check for a report written by a concurrent run: ${githubMessage(error)}; ` +
        `keeping comment ${ours.id}`
    )
    return posted(ours, written.action)
  }
  const there = reports.find((report) => report.id === ours.id)
  const gone = (): Error =>
    new Error(
      `report comment ${ours.id} on #${options.issueNumber} was deleted while this run wrote it`
    )
  if (!there && !reports.some((report) => compareReports(report, ours) > 0)) throw gone()
  // This run's comment counts with what it holds now when a newer run wrote there since, else
  // with this run's report (written again below if an older run overwrote it).
  const mine = there && compareReports(there, ours) > 0 ? there : ours
  const view = [...reports.filter((report) => report.id !== ours.id), ...(there ? [mine] : [])]
  const winner = view.reduce(newer, mine)
  const obsolete = view.filter(
    (report) => report.id !== winner.id && compareReports(report, ours) <= 0
  )
  if (obsolete.length > 0) {
    log(
      `Found ${view.length} report comments after writing ${ours.id}: keeping ${winner.id}, ` +
        "the newest run's, and deleting the ones no newer than this run's"
    )
  }

  let result = posted(winner, 'kept')
  if (winner !== ours) {
    log(keptMessage(winner))
  } else {
    if (there && isNewerReport(ours, there)) {
      log(
        `Report comment ${ours.id} was overwritten by an older run ` +
          `(${describeRun(readStamp(there.body))}); writing this run's report again`
      )
      if (!(await updateComment(github, options, ours.id, body, log))) throw gone()
    }
    result = posted(ours, written.action)
  }
  for (const report of obsolete) await deleteComment(github, options, report.id, log)
  return result
}

/** The comments that are this report: the marker first, by the account the action posts as. */
function reportsIn(comments: IssueComment[], marker: string, author: Author): IssueComment[] {
  return comments.filter((comment) => {
    const user = comment.user
    if (!user || user.login !== author.login) return false
    if (author.type !== null && user.type !== author.type) return false
    return (comment.body ?? '').startsWith(marker)
  })
}

function newer(a: IssueComment | null, b: IssueComment): IssueComment {
  return a && compareReports(a, b) >= 0 ? a : b
}

function posted(comment: IssueComment, action: PostedComment['action']): PostedComment {
  return { id: comment.id, url: comment.html_url, action }
}

function keptMessage(comment: IssueComment): string {
  return (
    `Report comment ${comment.id} was written by a newer run (${describeRun(readStamp(comment.body))}); ` +
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

/** The newest report `author` wrote on the issue (see `reportsIn` and `compareReports`); null when
 * there is none. */
export async function findReport(
  github: GitHubClient,
  target: Thread & { marker: string },
  author: Author,
  log: (message: string) => void = () => undefined
): Promise<IssueComment | null> {
  const comments = await listComments(github, target)
  const reports = reportsIn(comments, target.marker, author)
  log(
    `Found ${reports.length} earlier report comment(s) by ${author.login} on #${target.issueNumber} ` +
      `among ${comments.length} comment(s)`
  )
  return reports.reduce<IssueComment | null>(newer, null)
}

/** Who this token comments as, from its prefix or else by asking GitHub. */
export async function commentAuthor(github: GitHubClient, token: string): Promise<Author> {
  return authorOfToken(token) ?? (await postingAs(github))
}
