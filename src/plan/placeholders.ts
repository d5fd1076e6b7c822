// The placeholders a plan's values may use, so a file in the repository can name a PR's schema:
// `{pr}`, `{sha}`, `{short-sha}` and `{env.NAME}`. Braces around anything else of the same shape
// (`{prs}`) are a mistake and reported; other braces (a JSON literal in a query) are left alone.
// Pure: the run's values come in.

export interface PlanContext {
  /** The pull request's number; null when the run has none, with why. */
  pr: number | null
  noPrReason?: string
  /** The PR's head commit, else GITHUB_SHA; null when unknown. */
  sha: string | null
  env: Record<string, string | undefined>
}

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
    return typeof value !== 'string' || value === ''
      ? { problem: `{${name}}: the environment variable ${variable} is not set` }
      : value
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
