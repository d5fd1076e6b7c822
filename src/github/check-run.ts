// A check run on the pull request's head commit: the report as its summary, the step's verdict as
// its conclusion, and the findings as annotations on the files a reviewer reads. GitHub takes 50
// annotations per request: the run is created with the first 50 and each update appends 50 more.
// A refused or failed write is a warning: the verdict, the comment and the outputs stand without it.
import { formatNumber, plural } from '../format.js'
import type { Redact } from '../redact.js'
import type { FileAnnotation } from '../report/annotations.js'
import { oneLine, truncate } from '../text.js'
import { refusedWriteWarning, type GateIO, type GateVerdict } from './gate-verdict.js'
import type { GitHubClient } from './octokit.js'

// GitHub's limits, from its OpenAPI description of `POST /repos/{owner}/{repo}/check-runs`.
/** `output.annotations`: `maxItems: 50`. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50
/** `output.summary`: `maxLength: 65535`. */
export const MAX_SUMMARY_LENGTH = 65_535
/** An annotation's `title`: "The maximum size is 255 characters". */
export const MAX_ANNOTATION_TITLE = 255
/** An annotation's `message`: "The maximum size is 64 KB"; 16,000 code points are at most 64,000
 * bytes of UTF-8. */
export const MAX_ANNOTATION_MESSAGE = 16_000
/** The action's own bound on one check run's annotations: 20 requests, which the client spaces a
 * second apart, well within the two minutes the GitHub part may take. */
export const MAX_ANNOTATIONS = 1_000

export type CheckConclusion = 'success' | 'failure' | 'neutral'

/**
 * `failure` when the step fails; `neutral` when it passes with something to look at (a breach or
 * an error under `fail-on-breach`/`fail-on-error: false`, a changed model not compared): grey in
 * the PR, findings shown, and, as GitHub counts a neutral check as passing, never blocking where
 * the step does not; `success` when every diff was checked and within its limits.
 */
export function checkRunConclusion(verdict: GateVerdict): CheckConclusion {
  if (verdict.failed) return 'failure'
  if (verdict.result !== 'pass' || verdict.breaches > 0 || verdict.unchecked > 0) return 'neutral'
  return 'success'
}

export interface CheckRunRequest {
  owner: string
  repo: string
  /** The pull request's head commit: never GITHUB_SHA of a status or workflow_run event. */
  sha: string
  /** The `check-run` input. */
  name: string
  verdict: GateVerdict
  /** The report's headline in plain text: the check run's title. */
  headline: string
  /** The report, rendered by the caller with the report's own shortening to fit
   * MAX_SUMMARY_LENGTH (cut here, with a note, if it does not). */
  summary: string
  /** From `locateFindings`: the annotations, and the notes on findings without a file. */
  annotations: readonly FileAnnotation[]
  notes: readonly string[]
  /** Where "Details" leads: the run. */
  detailsUrl: string | null
  /** When the run started, ISO 8601. */
  startedAt?: string
}

export interface PostedCheckRun {
  id: number
  url: string
  conclusion: CheckConclusion
  /** How many annotations GitHub took. */
  annotations: number
}

type Annotation = {
  path: string
  start_line: number
  end_line: number
  annotation_level: FileAnnotation['level']
  title: string
  message: string
}

/** Creates the check run, then appends the annotations past the first 50. Null, after one
 * warning, when it could not be created; never throws. */
export async function postCheckRun(
  github: GitHubClient,
  request: CheckRunRequest,
  io: GateIO
): Promise<PostedCheckRun | null> {
  const { owner, repo } = request
  const conclusion = checkRunConclusion(request.verdict)
  const annotations = request.annotations.slice(0, MAX_ANNOTATIONS).map((a) => wire(a, io.redact))
  const left = request.annotations.length - annotations.length
  const notes = [...request.notes]
  if (left > 0) {
    notes.push(
      `${plural(left, 'more finding')} not annotated: this check run takes at most ` +
        `${formatNumber(MAX_ANNOTATIONS)} annotations. The report lists them all.`
    )
  }
  const title = truncate(oneLine(io.redact(request.headline)).trim(), MAX_ANNOTATION_TITLE)
  const output = {
    title: title || request.name,
    summary: checkRunSummary(io.redact(request.summary), notes.map(io.redact))
  }
  const batches = Array.from(
    { length: Math.ceil(annotations.length / MAX_ANNOTATIONS_PER_REQUEST) },
    (_, i) =>
      annotations.slice(i * MAX_ANNOTATIONS_PER_REQUEST, (i + 1) * MAX_ANNOTATIONS_PER_REQUEST)
  )
  let created: { id: number; html_url: string | null }
  try {
    const { data } = await github.rest.checks.create({
      owner,
      repo,
      name: request.name,
      head_sha: request.sha,
      status: 'completed',
      conclusion,
      ...(request.startedAt === undefined ? {} : { started_at: request.startedAt }),
      ...(request.detailsUrl === null ? {} : { details_url: request.detailsUrl }),
      output: { ...output, ...(batches[0] ? { annotations: batches[0] } : {}) }
    })
    created = data
  } catch (error) {
    io.warning(io.redact(refusedWriteWarning('create the check run', 'checks', error)))
    return null
  }
  let sent = batches[0]?.length ?? 0
  for (const batch of batches.slice(1)) {
    try {
      await github.rest.checks.update({
        owner,
        repo,
        check_run_id: created.id,
        output: { ...output, annotations: batch }
      })
      sent += batch.length
    } catch (error) {
      const what = `add annotations ${formatNumber(sent + 1)} to ${formatNumber(annotations.length)} to the check run`
      io.warning(
        `${io.redact(refusedWriteWarning(what, 'checks', error))}; the report lists every finding`
      )
      break
    }
  }
  const url = created.html_url ?? ''
  io.info(
    `Check run "${request.name}" ${conclusion} with ${plural(sent, 'annotation')}${url ? `: ${url}` : ''}`
  )
  return { id: created.id, url, conclusion, annotations: sent }
}

/** The summary and the notes under it, within GitHub's 65,535 characters: the report is cut
 * (never in a surrogate pair) so that the notes always fit. */
export function checkRunSummary(report: string, notes: readonly string[]): string {
  const tail =
    notes.length === 0 ? '' : `\n\n---\n\n${notes.map((n) => `> ${oneLine(n)}`).join('\n>\n')}`
  const whole = `${report}${tail}`
  if (Array.from(whole).length <= MAX_SUMMARY_LENGTH) return whole
  const cutNote =
    "\n\n*The report was cut here to fit a check run's summary: the job summary has it all.*"
  const room = MAX_SUMMARY_LENGTH - Array.from(`${cutNote}${tail}`).length
  return `${truncate(report, room)}${cutNote}${tail}`
}

function wire(annotation: FileAnnotation, redact: Redact): Annotation {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: annotation.level,
    title: truncate(oneLine(redact(annotation.title)), MAX_ANNOTATION_TITLE),
    message: truncate(redact(annotation.message), MAX_ANNOTATION_MESSAGE)
  }
}
