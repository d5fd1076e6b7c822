// The verdict where GitHub gates a pull request, besides the step's own check: a commit status on
// the PR's head commit (`commit-status`; on by default where the job's check is not on the PR) and
// a check run with the findings on the files that changed (`check-run`). Either may be refused or
// fail: one warning each, and the comment, the outputs and the verdict stand.
import type { CommitStatusSetting } from './inputs.js'
import { postCheckRun } from './github/check-run.js'
import { commitStatusWanted, postCommitStatus } from './github/commit-status.js'
import type { GateIO, GateVerdict } from './github/gate-verdict.js'
import type { GitHubClient } from './github/octokit.js'
import type { Redact } from './redact.js'
import { locateFindings, type AnnotationPlaces, type Finding } from './report/annotations.js'

export interface GateOptions {
  commitStatus: CommitStatusSetting
  /** The check run's name; null for none. */
  checkRun: string | null
  commentKey: string
  eventName: string
  owner: string
  repo: string
  /** The PR's head commit; null when the run does not know it. */
  sha: string | null
  token: string
  github: () => Promise<GitHubClient>
  runUrl: string | null
  /** When the run started, ISO 8601. */
  startedAt: string
  redact: Redact
}

/** What the step decided, for the status and the check run. */
export interface GateResult {
  verdict: GateVerdict
  /** The report's headline in plain words. */
  headline: string
  /** The report, shortened to fit a check run's summary. */
  summary: string
  commentUrl: string | null
  findings: readonly Finding[]
  places: AnnotationPlaces
}

export interface GatePublisher {
  /** The diffs are running and the wait matters: a `pending` status, once. */
  running: () => void
  publish: (result: GateResult) => Promise<void>
}

export function gatePublisher(
  options: GateOptions,
  io: { info(message: string): void; warning(message: string): void }
): GatePublisher {
  const gateIO: GateIO = { ...io, redact: options.redact }
  const status = commitStatusWanted(options.commitStatus, options.eventName)
  const checkRunName = options.checkRun
  const checkRun = checkRunName !== null
  const { sha } = options
  const target =
    (status || checkRun) && sha !== null && options.token !== '' ? { ...options, sha } : null
  // Asked for by name, its absence is a warning; `auto` goes quietly without a commit or a token.
  if ((status || checkRun) && target === null) {
    const what = checkRun ? 'check run' : 'commit status'
    const why = sha === null ? "this run's commit is not known" : 'github-token is empty'
    if (checkRun || options.commitStatus === true) io.warning(`No ${what}: ${why}`)
    else io.info(`No ${what}: ${why}`)
  }
  let pending: Promise<unknown> = Promise.resolve()
  let sentPending = false
  const post = async (verdict: GateVerdict | 'running', headline: string, url: string | null) => {
    if (target === null || !status) return
    await postCommitStatus(
      await target.github(),
      { ...target, verdict, headline, commentUrl: url, runUrl: target.runUrl },
      gateIO
    )
  }
  return {
    running: () => {
      if (sentPending) return
      sentPending = true
      pending = post('running', 'Waiting for the Datafold data diffs', null)
    },
    publish: async (result) => {
      // The final status after the pending one, never before it.
      await pending
      await post(result.verdict, result.headline, result.commentUrl)
      if (target === null || checkRunName === null) return
      const { annotations, notes } = await locateFindings(result.findings, result.places)
      await postCheckRun(
        await target.github(),
        {
          ...target,
          name: checkRunName,
          verdict: result.verdict,
          headline: result.headline,
          summary: result.summary,
          annotations,
          notes,
          detailsUrl: target.runUrl
        },
        gateIO
      )
    }
  }
}
