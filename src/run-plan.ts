// The plan's part of a run: read and check the plan before any request, then at Datafold cancel
// what older commits left running, create (or reuse) this commit's diffs, and cancel them if the
// job is stopped. What was created is kept in the report comment's hidden block.
import { cancelDiffs, cancelUnfinished, type DiffToCancel } from './datafold/cancel-diffs.js'
import { createPlannedDiffs, type PlannedOutcome } from './datafold/create-diffs.js'
import type { DatafoldPlanClient } from './datafold/endpoints.js'
import { createsInFlight } from './datafold/in-flight.js'
import type { FetchedDiff } from './datafold/fetched.js'
import type { DiffResult, ErroredDiff } from './diff.js'
import { commentAuthor, commentMarker, listReportComments } from './github/comment.js'
import type { GitHubContext } from './github/context.js'
import type { GitHubClient } from './github/octokit.js'
import { findPullRequest } from './github/pull-request.js'
import type { Inputs } from './inputs.js'
import { normaliseDiff } from './normalise.js'
import { createdBlock, readCreatedBlock, type CreatedDiff } from './plan/created-block.js'
import type { PlanContext } from './plan/placeholders.js'
import type { Dataset, PlannedDiff } from './plan/merge.js'
import { parsePlan, PlanError, type ParsedPlan } from './plan/plan.js'
import { reasonOf } from './text.js'
import type { Thresholds } from './limits.js'

/** What the runner gives the plan besides the rest of RunIO. All optional: no plan, no need. */
export interface PlanIO {
  /** The environment, for `{env.NAME}` and GITHUB_SHA. */
  env?: Record<string, string | undefined>
  /** Reads a file of the repository (plan-file), relative to the workspace. */
  readPlanFile?: (path: string) => Promise<string>
  /** Masks a secret the run meets (a data source's password) in the log and what is written. */
  mask?(secret: string): void
  /** Calls `stop` when the job is cancelled (SIGINT/SIGTERM); returns how to stop listening. */
  onStop?: (stop: () => Promise<void>) => () => void
}

interface RunnerContext extends PlanIO {
  github: GitHubContext
  info(message: string): void
  warning(message: string): void
  createGitHubClient(token: string): Promise<GitHubClient>
}

/** The run's PR, commit and environment, for the placeholders and the tags. */
export function planContext(inputs: Inputs, io: RunnerContext): PlanContext {
  const env = io.env ?? {}
  const target = findPullRequest(io.github, inputs.prNumber)
  const pullRequest = io.github.payload.pull_request as { head?: { sha?: unknown } } | undefined
  const head = pullRequest?.head?.sha
  const sha = typeof head === 'string' && head !== '' ? head : env.GITHUB_SHA || null
  const secrets = [inputs.apiKey, inputs.githubToken]
  return target.number === null
    ? { pr: null, noPrReason: target.reason, sha, env, secrets }
    : { pr: target.number, sha, env, secrets }
}

/** The plan's diffs and rules; throws PlanError, before any request, when it cannot be used. */
export async function readPlan(
  inputs: Inputs,
  context: PlanContext,
  io: RunnerContext
): Promise<ParsedPlan> {
  const { plan } = inputs
  if (plan === null) return { diffs: [], defaults: {}, rules: [] }
  const source = plan.input === 'plan' ? 'plan' : `plan-file ${plan.path}`
  let text: string
  if (plan.input === 'plan') text = plan.text
  else {
    try {
      if (!io.readPlanFile) throw new Error('this runner reads no files')
      text = await io.readPlanFile(plan.path)
    } catch (error) {
      throw new PlanError(source, [`the file cannot be read: ${reasonOf(error)}`])
    }
  }
  return parsePlan(text, {
    source,
    context,
    dataSource: inputs.dataSource,
    thresholds: inputs.thresholds
  })
}

/** What earlier runs created for this PR, from the report comment; [] when there is none. */
export async function earlierCreated(inputs: Inputs, io: RunnerContext): Promise<CreatedDiff[]> {
  const pullRequest = findPullRequest(io.github, inputs.prNumber)
  if (inputs.commentMode === 'off' || pullRequest.number === null || !inputs.githubToken) {
    return []
  }
  try {
    const github = await io.createGitHubClient(inputs.githubToken)
    const author = await commentAuthor(github, inputs.githubToken)
    const { candidates } = await listReportComments(
      github,
      {
        owner: io.github.owner,
        repo: io.github.repo,
        issueNumber: pullRequest.number,
        marker: commentMarker(inputs.commentKey)
      },
      author
    )
    return readCreatedBlock(candidates[0]?.body)
  } catch (error) {
    io.warning(`Could not read which diffs earlier runs created: ${reasonOf(error)}`)
    return []
  }
}

export interface PlannedDiffs {
  planned: PlannedDiff[]
  outcomes: PlannedOutcome[]
  /** Created by this run, in plan order. */
  created: DiffToCancel[]
  /** Stops listening for the job being cancelled. */
  release: () => void
}

/** Cancels what older commits left running, then creates (or reuses) the plan's diffs. */
export async function createPlan(
  planned: PlannedDiff[],
  options: {
    client: DatafoldPlanClient
    /** For cancelling when the job is stopped: short, no retries. */
    stopClient: Pick<DatafoldPlanClient, 'cancelDiff'>
    context: PlanContext
    repository: string
    earlier: CreatedDiff[]
    io: RunnerContext
  }
): Promise<PlannedDiffs> {
  const { client, context, io } = options
  const log = (message: string): void => {
    io.info(message)
  }
  const older = options.earlier.filter((diff) => diff.sha !== context.sha)
  if (older.length > 0) {
    const by = context.sha === null ? 'a newer commit' : `commit ${context.sha.slice(0, 7)}`
    await cancelUnfinished(client, older, `replaced by ${by}`, log)
  }
  const created: DiffToCancel[] = []
  const inFlight = createsInFlight()
  const release =
    io.onStop?.(async () => {
      await inFlight.stop(log)
      await cancelDiffs(options.stopClient, created, 'the job was cancelled', log)
    }) ?? (() => undefined)
  const outcomes = await createPlannedDiffs(planned, {
    client,
    tags: { repository: options.repository, pr: context.pr, sha: context.sha },
    earlier: options.earlier,
    log,
    mask: (secret) => io.mask?.(secret),
    inFlight,
    onCreated: (id, entry) => created.push({ id, entry })
  })
  return { planned, outcomes, created, release }
}

/** The block to keep in the comment: this commit's diffs, less those cancelled. */
export function blockFor(
  outcomes: PlannedOutcome[],
  sha: string | null,
  cancelled: readonly number[]
): string | null {
  if (sha === null) return null
  const kept = outcomes.flatMap(({ entry, id, fingerprint }) =>
    id === null || cancelled.includes(id) ? [] : [{ entry, fingerprint, sha, id }]
  )
  return kept.length === 0 ? null : createdBlock(kept)
}

/**
 * The results in report order, the given ids first, then each entry by name; and the created diffs
 * cancelled because wait-timeout ended before they finished (not with wait-timeout 0).
 */
export async function gatherResults(
  diffIds: number[],
  fetched: FetchedDiff[],
  plan: PlannedDiffs | null,
  options: { client: DatafoldPlanClient; timedOut: boolean; host: string; log: (m: string) => void }
): Promise<{ diffs: DiffResult[]; cancelled: number[] }> {
  const unfinished = new Set(fetched.flatMap((f) => (f.summary === null ? [f.id] : [])))
  const cancelled =
    plan && options.timedOut
      ? await cancelDiffs(
          options.client,
          plan.created.filter((diff) => unfinished.has(diff.id)),
          'wait-timeout ended before it finished',
          options.log
        )
      : []
  const results = new Map(fetched.map((f) => [f.id, normaliseDiff(f, options.host)]))
  const diffs = [
    ...diffIds.flatMap((id) => results.get(id) ?? []),
    ...(plan?.outcomes ?? []).map((outcome) => {
      const result = outcome.id === null ? undefined : results.get(outcome.id)
      const entry = plan?.planned.find((p) => p.name === outcome.entry)
      return result ? { ...result, entry: outcome.entry } : notCreated(outcome, entry)
    })
  ]
  return { diffs, cancelled }
}

/** Each plan entry's own thresholds, by its name; undefined for a diff given by id. */
export function thresholdsOf(planned: PlannedDiff[]): (diff: DiffResult) => Thresholds | undefined {
  const byName = new Map(planned.map((entry) => [entry.name, entry.thresholds]))
  return (diff) => (diff.entry === undefined ? undefined : byName.get(diff.entry))
}

/** An entry whose diff could not be created, as a diff in error for the report. */
function notCreated(outcome: PlannedOutcome, entry: PlannedDiff | undefined): ErroredDiff {
  const named = (dataset: Dataset | undefined): string | null =>
    dataset === undefined ? null : 'table' in dataset ? dataset.table.join('.') : dataset.query
  const crossDb =
    entry !== undefined && JSON.stringify(entry.dataSourceA) !== JSON.stringify(entry.dataSourceB)
  return {
    id: 0,
    url: '',
    // What the entry asked to compare, as the report shows a created diff's.
    target: {
      datasetA: named(entry?.datasetA),
      datasetB: named(entry?.datasetB),
      kind: entry === undefined ? null : crossDb ? 'cross_db' : 'in_db'
    },
    warnings: [],
    status: 'error',
    reason: `${outcome.entry}: ${outcome.error ?? 'not created'}`,
    entry: outcome.entry
  }
}
