// One shape for every source of diffs: the diffs given by id, a plan's entries, dbt mode's changed
// models (from files, or from dbt Cloud). Each source (a module beside this one) reads its own
// inputs and answers a `Source`; read-sources.ts runs them in order and joins their answers.
import type { Inputs } from '../inputs.js'
import type { Thresholds } from '../limits.js'
import type { DbtPlan } from '../dbt/plan-dbt.js'
import type { PlannedDiff } from '../plan/merge.js'
import type { ParsedPlan } from '../plan/plan.js'
import type { PlanContext } from '../plan/placeholders.js'
import type { ManifestIo } from '../dbt/read-manifest.js'
import type { CommitStatus } from '../dbt-cloud/statuses.js'
import type { WorkflowEvent } from '../pull-request.js'

/** A diff that exists already: its id was given. It is judged against the step's thresholds. */
export interface GivenDiff {
  kind: 'given'
  id: number
  thresholds: Thresholds
}

/** A diff to create at Datafold (or reuse, when a run for the same commit created it). */
export interface RequestedDiff {
  kind: 'requested'
  /** The plan entry's or the dbt model's name. */
  name: string
  /** What to create; its thresholds are the diff's own, each with where it came from. */
  request: PlannedDiff
  /** Where it was asked for: `plan entry` or `dbt model`. */
  from: 'plan entry' | 'dbt model'
  /** A dbt model's file, as the manifest names it (`original_file_path`), when it is the root
   * project's. */
  file?: string
}

export type DiffToJudge = GivenDiff | RequestedDiff

/** What every source answers; a source that is off answers nothing. */
export interface Source {
  /** In the order they are reported: given ids, the plan's entries, then dbt's models. */
  diffs: DiffToJudge[]
  /** dbt mode's plan, for the report and `fail-on-skipped`; null when dbt mode is off. */
  dbt: DbtPlan | null
  /** Where the plan's entries are written, for annotations: its file and each entry's line, or
   * `inline` for the `plan` input; null without a plan. */
  plan: { file: string; lines: ReadonlyMap<string, number> } | 'inline' | null
  /** dbt Cloud mode's runs whose artifacts were compared, for the report and the outputs; null
   * in other modes. */
  dbtCloud: ComparedRuns | null
  /**
   * Why this run has nothing to do, when a source says so (dbt Cloud has not finished; the event
   * is not about this step's dbt Cloud job): the run logs it and ends there, with exit 0, writing
   * nothing (no comment, status, check run, summary or output). Null: the run goes on.
   */
  nothingToDo: string | null
}

/** A dbt Cloud run, as the report names it. */
export interface ComparedRun {
  id: number
  jobId: number | null
  jobName: string | null
  /** The commit it built. */
  gitSha: string | null
  /** ISO 8601; null when unknown. */
  finishedAt: string | null
  /** Its page in dbt Cloud. */
  url: string | null
}

/** The two dbt Cloud runs compared: the CI run that built the PR, and production's. */
export interface ComparedRuns {
  ci: ComparedRun
  production: ComparedRun & {
    /** How it was chosen: `the run dbt Cloud run 4242 deferred to`. */
    via: string
    /** How long before the lookup it finished; null when unknown. */
    ageMs: number | null
  }
}

/** The runner's part the sources may need. Each is optional: no plan file, no need. */
export interface SourceIO {
  info(message: string): void
  warning(message: string): void
  /** Reads a file of the repository (plan-file), relative to the workspace. */
  readPlanFile?: (path: string) => Promise<string>
  /** Opens a dbt manifest, relative to the workspace or absolute. */
  openManifest?: ManifestIo['open']
  /** The event that started the run: a `status` event names dbt Cloud's run. */
  github?: WorkflowEvent
  /** The fetch for requests to an origin (`https://host`), through the runner's proxy if any. */
  fetchFor?: (origin: string) => Promise<typeof globalThis.fetch>
  /** GitHub, read: a commit's statuses, newest first, where dbt Cloud's CI reports its run. */
  commitStatuses?: (sha: string) => Promise<CommitStatus[]>
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/** What a source reads: the inputs, the plan (its defaults and rules apply to dbt's models), the
 * run's PR and commit. */
export interface SourceContext {
  inputs: Inputs
  plan: ParsedPlan
  target: PlanContext
  io: SourceIO
}

/** The name a report and the log give a diff: its entry's or model's, else `diff 123`. */
export function nameOf(diff: DiffToJudge): string {
  return diff.kind === 'requested' ? diff.name : `diff ${diff.id}`
}

/** A source: answers for its own inputs, and nothing when they are not set. */
export type ReadSource = (context: SourceContext) => Promise<Partial<Source>>
