// The demo shows the action's stdout as a runner's job log does, not as the runner's protocol
// (`::error title=…::…`, `%0A`): a newcomer reads `Error: …` lines in a terminal.

const ANNOTATIONS: Readonly<Record<string, string>> = {
  error: 'Error',
  warning: 'Warning',
  notice: 'Notice'
}

/** Commands a job log does not show: masks, debug (only with step debugging on), the rest state. */
const HIDDEN = new Set([
  'add-mask',
  'debug',
  'endgroup',
  'echo',
  'save-state',
  'set-output',
  'set-env',
  'add-path'
])

/** The runner's escapes: a message escapes `%`, CR and LF; a property also `:` and `,`. */
const MESSAGE_ESCAPES: Readonly<Record<string, string>> = { '%25': '%', '%0D': '\r', '%0A': '\n' }
const PROPERTY_ESCAPES: Readonly<Record<string, string>> = {
  ...MESSAGE_ESCAPES,
  '%3A': ':',
  '%2C': ','
}

function unescape(text: string, escapes: Readonly<Record<string, string>>): string {
  return text.replace(/%(?:25|0D|0A|3A|2C)/g, (escape) => escapes[escape] ?? escape)
}

/** `title=a,file=b` → { title: 'a', file: 'b' }, as the runner splits them. */
function parseProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=')
    if (equals > 0)
      properties[pair.slice(0, equals)] = unescape(pair.slice(equals + 1), PROPERTY_ESCAPES)
  }
  return properties
}

/**
 * What a job log shows for one line the action printed: the line itself, a workflow command as
 * the runner shows it (an annotation as `Error (title): message`, a group as a heading), or null
 * for a command the log leaves out (a mask, a debug line, the end of a group).
 */
export function runnerLogLine(line: string): string | null {
  const end = line.startsWith('::') ? line.indexOf('::', 2) : -1
  if (end < 0) return line
  const head = line.slice(2, end)
  const space = head.indexOf(' ')
  const command = (space < 0 ? head : head.slice(0, space)).toLowerCase()
  const message = unescape(line.slice(end + 2), MESSAGE_ESCAPES)
  if (HIDDEN.has(command)) return null
  if (command === 'group') return `▸ ${message}`
  const kind = ANNOTATIONS[command]
  // The runner prints a command it does not know as it came.
  if (!kind) return line
  const { title, file, line: row, col } = parseProperties(space < 0 ? '' : head.slice(space + 1))
  const place = file ? [file, row, row && col].filter(Boolean).join(':') : undefined
  const label = [title, place].filter(Boolean).join(', ')
  return `${kind}${label ? ` (${label})` : ''}: ${message}`
}
