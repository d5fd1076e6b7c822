// The placeholders a plan's values may use, so a file in the repository can name a PR's schema:
// `{pr}`, `{sha}`, `{short-sha}` and `{env.NAME}`. Braces around anything else of the same shape
// (`{prs}`) are a mistake and reported; other braces (a JSON literal in a query) are left alone.
// A value filled in is sent to Datafold inside the diff's definition, so `{env.NAME}` never fills
// in a secret the action knows of. Pure: the run's values come in.
import type { RunTarget } from '../pull-request.js'
import { SHORTEST_SECRET } from '../redact.js'

/** The run's PR, commit and environment, and the secrets no placeholder may fill in. */
export interface PlanContext extends RunTarget {
  /** The secrets the action masks (the API key, the GitHub and dbt Cloud tokens): never filled in. */
  secrets?: readonly string[]
}

/** Words in a variable's name that say it holds a secret, whatever their case. */
export const SECRET_WORDS = ['TOKEN', 'KEY', 'SECRET', 'PASSWORD']

const PLACEHOLDER = /\{([a-z][a-z-]*|env\.[A-Za-z_][A-Za-z0-9_]*)\}/g

/** `text` with every placeholder filled in, or the problems that stop it. */
export function fillPlaceholders(
  text: string,
  context: PlanContext
): { ok: true; text: string } | { ok: false; problems: string[] } {
  const problems: string[] = []
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = valueOf(name, context)
    if (typeof value === 'string') return value
    problems.push(value.problem)
    return whole
  })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, text: filled }
}

function valueOf(name: string, context: PlanContext): string | { problem: string } {
  if (name.startsWith('env.')) {
    const variable = name.slice('env.'.length)
    const value = Object.hasOwn(context.env, variable) ? context.env[variable] : undefined
    if (typeof value !== 'string' || value === '') {
      return { problem: `{${name}}: the environment variable ${variable} is not set` }
    }
    const secret = whySecret(variable, value, context.secrets ?? [])
    return secret === null
      ? value
      : { problem: `{${name}}: not filled in, as ${secret}; a plan's values are sent to Datafold` }
  }
  switch (name) {
    case 'pr':
      return context.pr === null
        ? { problem: `{pr}: this run has no pull request (${context.noPrReason ?? 'unknown'})` }
        : String(context.pr)
    case 'sha':
    case 'short-sha':
      if (context.sha === null) return { problem: `{${name}}: this run's commit is not known` }
      return name === 'sha' ? context.sha : context.sha.slice(0, 7)
    default:
      return {
        problem: `{${name}} is not a placeholder; use {pr}, {sha}, {short-sha} or {env.NAME}`
      }
  }
}

/**
 * Why a variable may hold a secret, or null: the action's own inputs (`INPUT_*`, the API key among
 * them), a name with TOKEN, KEY, SECRET or PASSWORD in it, or a value holding a secret the action
 * masks. The runner's own list of masked values cannot be read, so a secret under another name is
 * not known here.
 */
function whySecret(variable: string, value: string, secrets: readonly string[]): string | null {
  const upper = variable.toUpperCase()
  if (upper.startsWith('INPUT_')) return "it holds one of this action's inputs"
  const word = SECRET_WORDS.find((w) => upper.includes(w))
  if (word !== undefined) return `its name says it holds a secret (${word})`
  const held = secrets.some((secret) => secret.length >= SHORTEST_SECRET && value.includes(secret))
  return held ? 'its value holds a secret this action masks' : null
}
