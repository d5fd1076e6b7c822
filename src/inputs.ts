// Turns the action's raw string inputs into one typed, validated object. Pure: index.ts reads
// the inputs and the environment and hands them in; nothing here talks to the runner.
import { z } from 'zod'
import { COMMENT_MODES, type CommentMode } from './github/comment-modes.js'
import { METRIC_SPEC, type MetricName, type MetricSpec } from './metric-spec.js'
import { createRedactor, redactCredentials } from './redact.js'
import type { Limit, Thresholds } from './limits.js'
import { StepFailure } from './text.js'

export const INPUT_NAMES = [
  'diff-ids',
  'plan',
  'plan-file',
  'dbt-prod-manifest',
  'dbt-manifest',
  'dbt-downstream',
  'dbt-packages',
  'dbt-seeds',
  'dbt-project-dir',
  'dbt-run-results',
  'dbt-cloud-token',
  'dbt-cloud-host',
  'dbt-cloud-account-id',
  'dbt-cloud-job-id',
  'dbt-cloud-prod-job-id',
  'fail-on-skipped',
  'data-source',
  'api-key',
  'datafold-host',
  'github-token',
  ...METRIC_SPEC.map((spec) => spec.input),
  'min-column-match',
  'ignore-columns',
  'sampled-limit',
  'fail-on-breach',
  'fail-on-error',
  'wait-timeout',
  'comment-mode',
  'comment-key',
  'pr-number',
  'title',
  'job-summary',
  'commit-status',
  'check-run'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

/** Where the plan is: inline YAML (the `plan` input) or a file in the repository. */
export type PlanInput = { input: 'plan'; text: string } | { input: 'plan-file'; path: string }

/** Which changed models dbt mode compares, whether the manifests come from files or dbt Cloud. */
export interface DbtModels {
  /** Also diff the models downstream of a changed one. */
  downstream: boolean
  /** Installed packages whose models count too. */
  packages: string[]
  /** Also diff changed seeds. */
  seeds: boolean
  /** Where the dbt project sits in the repository ('' for its root), for annotations on model
   * files; null: from the manifest's place (`transform/target/manifest.json` → `transform`). */
  projectDir: string | null
}

/** The `commit-status` input: `auto` posts one unless `pull_request` started the run. */
export type CommitStatusSetting = 'auto' | boolean

/** dbt mode: which manifests to read and which models count; on when dbt-prod-manifest is set. */
export interface DbtInput extends DbtModels {
  /** Production's manifest, as given (relative to the workspace, or absolute). */
  prodManifest: string
  /** The PR build's manifest. */
  manifest: string
  /** The PR build's run_results.json, when given: models it did not build are not compared. */
  runResults: string | null
}

/** dbt Cloud mode: both manifests from dbt Cloud's API; on when dbt-cloud-token is set. */
export interface DbtCloudInput extends DbtModels {
  /** A service token; a secret. */
  token: string
  /** `https://host` (the account's access URL), or null: the host of dbt Cloud's commit status. */
  host: string | null
  /** null: the account of dbt Cloud's commit status. */
  accountId: number | null
  /** The CI job, for when no dbt Cloud status is found; null when not set. */
  jobId: number | null
  /** The job whose latest successful run is production, when the CI run deferred to none. */
  prodJobId: number | null
}

export interface Inputs {
  diffIds: number[]
  plan: PlanInput | null
  dbt: DbtInput | null
  dbtCloud: DbtCloudInput | null
  /** Fail the step when a changed dbt model could not be compared. */
  failOnSkipped: boolean
  /** The data source of plan entries that name none: a name or an id; '' when not set. */
  dataSource: string
  apiKey: string
  datafoldHost: string
  githubToken: string
  thresholds: Thresholds
  failOnBreach: boolean
  failOnError: boolean
  waitTimeoutMs: number
  commentMode: CommentMode
  commentKey: string
  prNumber: number | null
  title: string
  jobSummary: boolean
  commitStatus: CommitStatusSetting
  /** The check run's name; null: no check run. */
  checkRun: string | null
}

export const DEFAULT_HOST = 'https://app.datafold.com'

/** Every input that does not parse, one line each; the message never repeats the API key. */
export class InputError extends StepFailure {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0] ?? ''}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`
    )
    this.name = 'InputError'
  }
}

/**
 * `env` supplies the fallbacks Datafold's own tools use: DATAFOLD_API_KEY and DATAFOLD_HOST.
 * Throws InputError naming every bad input and the value given.
 */
export function parseInputs(raw: RawInputs, env: Record<string, string | undefined> = {}): Inputs {
  const problems: string[] = []
  // A secret pasted into the wrong input is not echoed either.
  const redact = createRedactor(secretInputs(raw, env))
  const field = <T>(name: InputName, parse: z.ZodType<T>, value = raw[name].trim()): T => {
    const result = parse.safeParse(value)
    if (result.success) return result.data
    const reason = result.error.issues[0]?.message ?? 'invalid'
    problems.push(
      name === 'api-key' || name === 'dbt-cloud-token'
        ? `${name}: ${reason}`
        : `${name}: ${reason} (got "${redact(redactCredentials(value))}")`
    )
    return undefined as T
  }

  const max: Partial<Record<MetricName, Limit>> = {}
  for (const spec of METRIC_SPEC) {
    const limit = field(spec.input, limitOf(spec))
    if (limit) max[spec.name] = limit
  }

  const plan = planInput(raw, problems)
  const dbt = dbtInput(raw, field)
  const dbtCloud = dbtCloudInput(raw, field, problems)
  const inputs: Inputs = {
    diffIds: field('diff-ids', diffIds(plan === null && dbt === null && dbtCloud === null)),
    plan,
    dbt,
    dbtCloud,
    failOnSkipped: field('fail-on-skipped', boolean(false)),
    dataSource: raw['data-source'].trim(),
    apiKey: field('api-key', apiKey, raw['api-key'].trim() || (env.DATAFOLD_API_KEY ?? '').trim()),
    datafoldHost: field(
      'datafold-host',
      datafoldHost,
      raw['datafold-host'].trim() || (env.DATAFOLD_HOST ?? '').trim() || DEFAULT_HOST
    ),
    githubToken: raw['github-token'].trim(),
    thresholds: {
      max,
      minColumnMatch: field('min-column-match', minColumnMatch),
      ignoreColumns: field('ignore-columns', list),
      sampledLimit: field('sampled-limit', sampledLimit)
    },
    failOnBreach: field('fail-on-breach', boolean(true)),
    failOnError: field('fail-on-error', boolean(true)),
    waitTimeoutMs: field('wait-timeout', duration),
    commentMode: field('comment-mode', commentMode),
    commentKey: field('comment-key', commentKey),
    prNumber: field('pr-number', prNumber),
    title: raw.title.trim() || 'Datafold data diff',
    jobSummary: field('job-summary', boolean(true)),
    commitStatus: field('commit-status', commitStatus),
    checkRun: field('check-run', checkRun)
  }
  if (problems.length > 0) throw new InputError(problems)
  return inputs
}

/** The secrets among the inputs (and their environment fallbacks): masked, and never written. */
export function secretInputs(
  raw: Pick<RawInputs, 'api-key' | 'github-token' | 'dbt-cloud-token'>,
  env: Record<string, string | undefined>
): string[] {
  return [raw['api-key'], env.DATAFOLD_API_KEY ?? '', raw['github-token'], raw['dbt-cloud-token']]
    .map((secret) => secret.trim())
    .filter(Boolean)
}

/** The secrets among the parsed inputs: the API key, the GitHub token, the dbt Cloud token. */
export function secretsOf(inputs: Pick<Inputs, 'apiKey' | 'githubToken' | 'dbtCloud'>): string[] {
  return [inputs.apiKey, inputs.githubToken, inputs.dbtCloud?.token ?? ''].filter(Boolean)
}

/** A list of names separated by commas, spaces or newlines. */
export const list = z.string().transform((text) =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean)
)

/** The diff ids; at least one unless a plan gives the diffs. */
const diffIds = (required: boolean) =>
  list.pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^[0-9]+$/,
            'diff IDs are positive whole numbers separated by commas, spaces or newlines'
          )
          .transform(Number)
          .pipe(
            z
              .number()
              .positive('diff IDs start at 1')
              .refine(Number.isSafeInteger, 'diff ID is too large')
          )
      )
      .min(
        required ? 1 : 0,
        'at least one diff ID is required, or a plan (plan or plan-file), or dbt-prod-manifest, or dbt-cloud-token'
      )
      .transform((ids) => [...new Set(ids)])
  )

/** The plan input or the plan file, not both. The inline YAML is kept as written. */
function planInput(raw: RawInputs, problems: string[]): PlanInput | null {
  const text = raw.plan
  const path = raw['plan-file'].trim()
  if (text.trim() !== '' && path !== '') {
    problems.push('plan, plan-file: give one of them, not both')
    return null
  }
  if (text.trim() !== '') return { input: 'plan', text }
  if (path === '') return null
  // A file of the repository: nothing outside the workspace is read.
  if (!insideRepository(path)) {
    problems.push(
      `plan-file: give a path inside the repository, such as .github/datafold-plan.yml (got "${path}")`
    )
    return null
  }
  return { input: 'plan-file', path }
}

/** A relative path that stays in the repository: no drive, no leading `/`, no `..`. */
function insideRepository(path: string): boolean {
  return !(path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split(/[\\/]/).includes('..'))
}

/** dbt mode's inputs, or null when dbt-prod-manifest is not set (the others are then unused). */
function dbtInput(raw: RawInputs, field: Field): DbtInput | null {
  // Manifests are build artifacts, built or downloaded in the workspace: no file outside it is read.
  const prodManifest = raw['dbt-prod-manifest'].trim()
  if (prodManifest === '' || raw['dbt-cloud-token'].trim() !== '') return null
  return {
    prodManifest,
    manifest: raw['dbt-manifest'].trim() || DEFAULT_DBT_MANIFEST,
    runResults: raw['dbt-run-results'].trim() || null,
    ...dbtModels(field)
  }
}

type Field = <T>(name: InputName, parse: z.ZodType<T>, value?: string) => T

function dbtModels(field: Field): DbtModels {
  return {
    downstream: field('dbt-downstream', boolean(false)),
    packages: field('dbt-packages', list),
    seeds: field('dbt-seeds', boolean(false)),
    projectDir: field('dbt-project-dir', projectDir)
  }
}

/** A folder of the repository, with `/`: `transform/`, `.\\transform` → `transform`; `.` → ''. */
const projectDir = z.string().transform((text, ctx) => {
  if (text === '') return null
  if (!insideRepository(text)) {
    ctx.addIssue({
      code: 'custom',
      message: "give the dbt project's folder from the repository's root, such as transform"
    })
    return z.NEVER
  }
  const folder = text
    .replaceAll('\\', '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
  return folder.join('/')
})

/** dbt Cloud mode's inputs, or null when dbt-cloud-token is not set. */
function dbtCloudInput(raw: RawInputs, field: Field, problems: string[]): DbtCloudInput | null {
  const token = raw['dbt-cloud-token'].trim()
  if (token === '') return null
  // Both manifests come from dbt Cloud: a file given besides would be silently unused.
  for (const input of ['dbt-prod-manifest', 'dbt-run-results'] as const) {
    if (raw[input].trim() !== '') {
      problems.push(
        `dbt-cloud-token, ${input}: dbt Cloud mode reads the manifests and run_results.json from dbt Cloud; remove ${input}, or dbt-cloud-token for dbt mode on files`
      )
    }
  }
  return {
    token: field('dbt-cloud-token', dbtCloudToken),
    host: field('dbt-cloud-host', dbtCloudHost),
    accountId: field('dbt-cloud-account-id', dbtCloudId('an account id')),
    jobId: field('dbt-cloud-job-id', dbtCloudId('a job id')),
    prodJobId: field('dbt-cloud-prod-job-id', dbtCloudId('a job id')),
    ...dbtModels(field)
  }
}

const dbtCloudToken = z
  .string()
  .refine((token) => !/\s/.test(token), 'the token contains white space; check the secret')

/** The account's access URL: `https://ab123.us1.dbt.com` (a path or a trailing slash dropped). */
const dbtCloudHost = z.string().transform((text, ctx) => {
  if (text === '') return null
  const url = URL.canParse(text) ? new URL(text) : null
  const loopback = url?.protocol === 'http:' && LOOPBACK.test(url.hostname)
  if (url === null || (url.protocol !== 'https:' && !loopback)) {
    ctx.addIssue({
      code: 'custom',
      message:
        "expected the account's access URL, such as https://ab123.us1.dbt.com (https:// only)"
    })
    return z.NEVER
  }
  if (url.username || url.password || url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'give the host only, without credentials, query or #' })
    return z.NEVER
  }
  return url.origin
})

/** A dbt Cloud id: a positive whole number, or nothing. */
const dbtCloudId = (what: string) =>
  z.string().transform((text, ctx) => {
    if (text === '') return null
    const id = Number(text)
    if (/^[0-9]+$/.test(text) && id > 0 && Number.isSafeInteger(id)) return id
    ctx.addIssue({
      code: 'custom',
      message: `expected ${what} (a whole number, as in the URL of dbt Cloud's page), or nothing`
    })
    return z.NEVER
  })

export const DEFAULT_DBT_MANIFEST = 'target/manifest.json'

const apiKey = z
  .string()
  .min(1, 'no API key: set api-key (from a secret) or the DATAFOLD_API_KEY environment variable')
  .refine((key) => !/[\s]/.test(key), 'the API key contains white space; check the secret')

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** `eu.datafold.com`, `https://us.datafold.com/`, `https://x.example/api/v1` → `https://host[/path]`. */
const datafoldHost = z.string().transform((text, ctx) => {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a host name or URL' })
    return z.NEVER
  }
  const secureEnough =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname))
  if (!secureEnough) {
    ctx.addIssue({
      code: 'custom',
      message:
        url.protocol === 'http:'
          ? 'plain http:// would send the API key in clear text; use https://'
          : 'only https:// hosts are supported'
    })
    return z.NEVER
  }
  if (url.username || url.password || url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'give the host only, without credentials, query or #' })
    return z.NEVER
  }
  const path = url.pathname.replace(/\/api(\/.*)?$/, '').replace(/\/+$/, '')
  return `${url.protocol}//${url.host}${path}`
})

const count = z
  .string()
  .regex(/^[0-9]+$/)
  .transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER))

const percent = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?%$/)
  .transform((text) => Number(text.slice(0, -1)))
  .pipe(z.number().max(100, 'a percentage is at most 100%'))

const limit_ = z.union(
  [
    z.literal('').transform(() => undefined),
    count.transform((value): Limit => ({ kind: 'count', value })),
    percent.transform((value): Limit => ({ kind: 'percent', value }))
  ],
  { error: 'expected a count (250) or a percentage from 0% to 100% (1%, 0.25%), or nothing' }
)

/** The parser of a metric's `max-*` input, which a plan entry's threshold of that name shares. */
export function limitOf(spec: MetricSpec) {
  return spec.base === null ? countLimit(spec.words) : limit_
}

/** The limit of a count-only metric, such as `schema changes`. */
function countLimit(words: string) {
  return z.union(
    [
      z.literal('').transform(() => undefined),
      count.transform((value): Limit => ({ kind: 'count', value }))
    ],
    { error: `expected a count (0, 3), or nothing; ${words} have no percentage` }
  )
}

export const minColumnMatch = z.union(
  [
    z.literal('').transform(() => null),
    z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?%?$/)
      .transform((text) => Number(text.replace('%', '')))
      .pipe(z.number().max(100, 'a percentage is at most 100'))
  ],
  { error: 'expected a percentage from 0 to 100 (99.5 or 99.5%), or nothing' }
)

/** The YAML 1.2 core-schema booleans, as core.getBooleanInput accepts them. */
function boolean(fallback: boolean) {
  return z.string().transform((text, ctx) => {
    if (text === '') return fallback
    if (['true', 'True', 'TRUE'].includes(text)) return true
    if (['false', 'False', 'FALSE'].includes(text)) return false
    ctx.addIssue({ code: 'custom', message: 'expected true or false' })
    return z.NEVER
  })
}

const DURATION = /^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/

/** `90` (seconds), `90s`, `10m`, `1h`, `1h30m`; `0` = do not wait. At most a day. */
const duration = z.string().transform((text, ctx) => {
  const value = text === '' ? '20m' : text
  const parts = /^[0-9]+$/.test(value)
    ? [undefined, undefined, undefined, value]
    : DURATION.exec(value)
  if (!parts || value === '') {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a duration such as 90, 90s, 10m, 1h or 1h30m'
    })
    return z.NEVER
  }
  const [, h = '0', m = '0', s = '0'] = parts
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000
  if (ms > 24 * 3600 * 1000) {
    ctx.addIssue({ code: 'custom', message: 'at most 24h' })
    return z.NEVER
  }
  return ms
})

const sampledLimit = z
  .string()
  .transform((text) => text || 'estimate')
  .pipe(z.enum(['estimate', 'upper'], { error: 'expected estimate or upper' }))

const commentMode = z
  .string()
  .transform((text) => text || 'update')
  .pipe(
    z.enum(COMMENT_MODES, {
      error: `expected ${COMMENT_MODES.slice(0, -1).join(', ')} or ${COMMENT_MODES.at(-1) ?? ''}`
    })
  )

// The key goes inside an HTML comment: keep it to characters that cannot end or break it.
const commentKey = z
  .string()
  .transform((text) => text || 'default')
  .pipe(
    z
      .string()
      .max(100, 'at most 100 characters')
      .regex(/^[A-Za-z0-9._/:-]+$/, 'use letters, digits and . _ - / : only')
  )

const commitStatus = z.string().transform((text, ctx): CommitStatusSetting => {
  if (text === '' || text === 'auto') return 'auto'
  const setting = boolean(false).safeParse(text)
  if (setting.success) return setting.data
  ctx.addIssue({ code: 'custom', message: 'expected auto, true or false' })
  return z.NEVER
})

/** A name GitHub shows on one line in the PR's checks. */
const checkRun = z
  .string()
  .transform((text) => text || null)
  .pipe(
    z
      .string()
      .max(100, 'at most 100 characters')
      .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'one line of text, without control characters')
      .nullable()
  )

const prNumber = z.union(
  [
    z.literal('').transform(() => null),
    z
      .string()
      .regex(/^[0-9]+$/)
      .transform(Number)
      .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
  ],
  { error: 'expected a pull request number' }
)
