// What the runner gives the action, and the same with every secret taken out of whatever is
// written: the one place the run's output is redacted.
import type { GitHubContext } from './github/context.js'
import type { GitHubClient } from './github/octokit.js'
import type { PublishIO } from './publish.js'
import type { Redactor } from './redact.js'
import { annotationBudget } from './report/step-annotations.js'
import type { SourceIO } from './sources/source.js'

/** What the runner gives the action: logging, outputs, files, the event, the network. */
export interface RunIO extends SourceIO, PublishIO {
  github: GitHubContext
  createGitHubClient(token: string): Promise<GitHubClient>
  /** The environment, for `{env.NAME}` and GITHUB_SHA. */
  env?: Record<string, string | undefined>
  /** Calls `stop` when the job is cancelled (SIGINT/SIGTERM); returns how to stop listening. */
  onStop?: (stop: () => Promise<void>) => () => void
  /** Masks a secret the run meets (a data source's password) in the runner's log. */
  mask?(secret: string): void
  /** An error annotation that does not by itself fail the step. */
  annotate(message: string, title: string): void
  setOutput(name: string, value: string): void
  /** Fails the step with `message`: an error annotation, or with `annotate: false` (each cause
   * has an annotation of its own already) a line of the log. */
  setFailed(message: string, options?: { annotate: boolean }): void
  /** The fetch through the runner's proxy for Datafold; none: Node's own http and https. */
  fetch?: typeof globalThis.fetch
  /** A file of the repository by its path from the root, for annotations; null when it cannot
   * be read. */
  readRepositoryFile?: (path: string) => Promise<string | null>
  /** The run's one redactor, which index.ts uses too; run() makes one when none is given. */
  redactor?: Redactor
}

/** The same I/O, with every secret taken out of whatever is written, those masked later too. */
export function redacting(io: RunIO, redact: Redactor): RunIO {
  return {
    ...io,
    mask: (secret) => {
      redact.learn([secret])
      io.mask?.(secret)
    },
    info: (message) => {
      io.info(redact(message))
    },
    warning: (message) => {
      io.warning(redact(message))
    },
    annotate: (message, title) => {
      io.annotate(redact(message), title)
    },
    setOutput: (name, value) => {
      io.setOutput(name, redact(value))
    },
    setFailed: (message, options) => {
      io.setFailed(redact(message), options)
    },
    appendSummary: (markdown) => io.appendSummary(redact(markdown)),
    writeReport: (fileName, markdown) => io.writeReport(fileName, redact(markdown))
  }
}

/**
 * The same I/O, writing at most nine annotations of each kind (eight errors when the failure
 * message is one more), as GitHub shows ten per step and drops the rest silently: the rest go to
 * the log as plain lines, and `closeAnnotations` writes one of each kind that ran over, counting
 * them.
 */
export function withinAnnotationLimits(io: RunIO): RunIO & {
  /** Whether the failure message, written after the closing annotations, is an error annotation
   * too, taking one error's place; told before the errors are written (it is, unless told not). */
  failureAnnotated(annotated: boolean): void
  closeAnnotations(readMore: string): void
} {
  // The budget reads what is reserved each time it admits one.
  const reserved = { error: 1 }
  const budget = annotationBudget(reserved)
  return {
    ...io,
    warning: (message) => {
      if (budget.admit('warning')) io.warning(message)
      else io.info(`Warning: ${message}`)
    },
    annotate: (message, title) => {
      if (budget.admit('error')) io.annotate(message, title)
      else io.info(`${title}: ${message}`)
    },
    failureAnnotated: (annotated) => {
      reserved.error = annotated ? 1 : 0
    },
    closeAnnotations: (readMore) => {
      for (const { kind, message, title = '' } of budget.closing(readMore)) {
        if (kind === 'error') io.annotate(message, title)
        else io.warning(message)
      }
    }
  }
}
