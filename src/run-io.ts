// What the runner gives the action, and the same with every secret taken out of whatever is
// written: the one place the run's output is redacted.
import type { DbtIO } from './run-dbt.js'
import type { PlanIO } from './run-plan.js'
import type { PublishIO } from './publish.js'
import type { Redact } from './redact.js'

/** What the runner gives the action: logging, outputs, files, the event, the network. */
export interface RunIO extends PlanIO, DbtIO, PublishIO {
  /** An error annotation that does not by itself fail the step. */
  annotate(message: string, title: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  /** The fetch through the runner's proxy for Datafold; none: Node's own http and https. */
  fetch?: typeof globalThis.fetch
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/** The same I/O, with every secret taken out of whatever is written. */
export function redacting(io: RunIO, redact: Redact): RunIO {
  return {
    ...io,
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
    setFailed: (message) => {
      io.setFailed(redact(message))
    },
    appendSummary: (markdown) => io.appendSummary(redact(markdown)),
    writeReport: (fileName, markdown) => io.writeReport(fileName, redact(markdown))
  }
}
