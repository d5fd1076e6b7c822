// dbt Cloud mode's source of manifests: which CI run built the PR, which production run it is
// compared against, and their artifacts, streamed. The one entry point is findDbtCloudRuns; all
// I/O (fetch, the commit's statuses, the clock) is passed in.
//
// How the caller turns each result into the run:
// - `found`: read `files.prodManifest`, then `files.manifest`, then `files.runResults` with
//   readManifest / readRunResults and `{ open }`, exactly as dbt mode reads files;
// - `not-yet` and `not-ours`: log `message`, and end with exit 0 writing nothing;
// - a thrown DbtCloudError: fail the step with its message (it names the input to change).
import { now as clockNow, sleep as clockSleep } from '../clock.js'
import type { DbtCloudInput } from '../inputs.js'
import { createRedactor, type Redact } from '../redact.js'
import { findCiRun, type DbtCloudEvent } from './ci-run.js'
import { createDbtCloudClient, type DbtCloudClient } from './client.js'
import { dbtCloudErrors } from './errors.js'
import { findProduction, type ProductionRun } from './production.js'
import type { RunInfo } from './runs.js'
import type { CommitStatus } from './statuses.js'

export type { DbtCloudEvent } from './ci-run.js'
export type { ProductionRun } from './production.js'
export type { RunInfo } from './runs.js'
export type { CommitStatus } from './statuses.js'
export { DbtCloudError } from './errors.js'

export interface FindDbtCloudRunsOptions {
  input: Pick<DbtCloudInput, 'token' | 'host' | 'accountId' | 'jobId' | 'prodJobId'>
  event: DbtCloudEvent
  /** The commit's statuses, newest first (`GET /repos/{o}/{r}/commits/{sha}/statuses`). */
  listStatuses: (sha: string) => Promise<CommitStatus[]>
  /** The PR of a commit (`GET /repos/{o}/{r}/commits/{sha}/pulls`), for a `status` event whose
   * run does not name its PR. */
  pullRequestOf?: (sha: string) => Promise<number | null>
  /** How long to wait for dbt Cloud (its status, its run); 0: look once. */
  waitTimeoutMs: number
  userAgent: string
  fetch?: typeof globalThis.fetch
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  random?: () => number
  log?: (message: string) => void
  /** Takes the secrets out of what is logged and thrown; default: the token's redactor. */
  redact?: Redact
  /** Between two looks at dbt Cloud; default 15 s. */
  pollIntervalMs?: number
  /** How long a commit may show no dbt Cloud status without dbt-cloud-job-id; default 2 min. */
  statusGraceMs?: number
}

/** The labels the artifacts are opened by, which messages about them name. */
export interface DbtCloudFiles {
  prodManifest: string
  manifest: string
  runResults: string
}

export type DbtCloudRuns =
  | {
      kind: 'found'
      /** The CI run that built the PR. */
      ci: RunInfo
      production: ProductionRun & {
        /** How long before the lookup production's run finished; null when unknown. */
        ageMs: number | null
      }
      /** The commit built. */
      headSha: string
      prNumber: number | null
      files: DbtCloudFiles
      /** Opens a file of `files` (ManifestIo's open): the artifact, as it downloads. */
      open: (file: string) => AsyncIterable<Uint8Array>
      /** Any artifact of either run. */
      openArtifact: (run: RunInfo, name: string) => AsyncIterable<Uint8Array>
    }
  | { kind: 'not-yet'; message: string }
  | { kind: 'not-ours'; message: string }

export async function findDbtCloudRuns(options: FindDbtCloudRunsOptions): Promise<DbtCloudRuns> {
  const now = options.now ?? clockNow
  const sleep = options.sleep ?? clockSleep
  const redact = options.redact ?? createRedactor([options.input.token])
  const log = (message: string): void => options.log?.(redact(message))
  const startedAt = now()
  const deadline = startedAt + options.waitTimeoutMs
  const clients = new Map<string, DbtCloudClient>()
  const clientFor = (origin: string, accountId: number): DbtCloudClient => {
    const key = `${origin} ${accountId}`
    const client =
      clients.get(key) ??
      createDbtCloudClient({
        ...{ origin, accountId, token: options.input.token, userAgent: options.userAgent },
        ...{ fetch: options.fetch, sleep, now, random: options.random, redact, log },
        // wait-timeout 0 looks once, but a request is still tried again, as Datafold's are.
        ...(options.waitTimeoutMs > 0 ? { deadline } : {})
      })
    clients.set(key, client)
    return client
  }

  const found = await findCiRun(options.event, {
    input: options.input,
    clientFor,
    listStatuses: options.listStatuses,
    wait: { sleep, now, deadline, intervalMs: options.pollIntervalMs ?? 15_000, log },
    startedAt,
    statusGraceMs: options.statusGraceMs ?? 120_000
  })
  if (found.kind !== 'found') return found
  const { run: ci, client } = found
  if (!ci.artifactsSaved) throw dbtCloudErrors.artifactsNotSaved(ci)
  const production = await findProduction(ci, client, options.input.prodJobId)
  if (!production.run.artifactsSaved) throw dbtCloudErrors.artifactsNotSaved(production.run)
  const headSha = options.event.sha
  const prNumber =
    (options.event.kind === 'commit' ? options.event.prNumber : null) ??
    ci.trigger.pullRequest ??
    (await options.pullRequestOf?.(headSha)) ??
    null
  log(
    `dbt Cloud: comparing run ${ci.id} (job ${ci.jobId ?? '?'}, commit ${ci.gitSha ?? headSha}) with production run ${production.run.id} (job ${production.run.jobId ?? '?'}), ${production.via}`
  )

  const label = (run: RunInfo, name: string): string => `${name} of dbt Cloud run ${run.id}`
  const artifacts = new Map<string, [RunInfo, string]>([
    [label(production.run, 'manifest.json'), [production.run, 'manifest.json']],
    [label(ci, 'manifest.json'), [ci, 'manifest.json']],
    [label(ci, 'run_results.json'), [ci, 'run_results.json']]
  ])
  const openArtifact = (run: RunInfo, name: string) => client.openArtifact(run, name)
  const finishedAt =
    production.run.finishedAt === null ? NaN : Date.parse(production.run.finishedAt)
  return {
    kind: 'found',
    ci,
    production: { ...production, ageMs: Number.isNaN(finishedAt) ? null : now() - finishedAt },
    headSha,
    prNumber,
    files: {
      prodManifest: label(production.run, 'manifest.json'),
      manifest: label(ci, 'manifest.json'),
      runResults: label(ci, 'run_results.json')
    },
    open: (file) => {
      const artifact = artifacts.get(file)
      if (artifact === undefined) throw new Error(`${file}: not an artifact of the runs found`)
      return openArtifact(...artifact)
    },
    openArtifact
  }
}
