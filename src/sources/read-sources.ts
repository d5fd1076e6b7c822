// Where the sources of diffs are chosen, and run: a new source is one module beside this one and
// one line in SOURCES. Everything is read and checked before any request is sent.
import { InputError, type Inputs } from '../inputs.js'
import type { PlanContext } from '../plan/placeholders.js'
import { dbtModels } from './dbt.js'
import { dbtCloudModels } from './dbt-cloud.js'
import { givenDiffs } from './given.js'
import { planEntries, readPlan } from './plan.js'
import type {
  DiffToJudge,
  ReadSource,
  RequestedDiff,
  Source,
  SourceContext,
  SourceIO
} from './source.js'

/** Where sources are chosen: each answers for its own inputs, and nothing when they are not set. */
const SOURCES: readonly ReadSource[] = [givenDiffs, planEntries, dbtModels, dbtCloudModels]

const NOTHING: Source = { diffs: [], dbt: null, plan: null, dbtCloud: null, nothingToDo: null }

/** Every source's diffs, in order; throws InputError (a PlanError) naming every problem. */
export async function readSources(
  inputs: Inputs,
  target: PlanContext,
  io: SourceIO
): Promise<Source> {
  const plan = await readPlan(inputs, target, io)
  const context: SourceContext = { inputs, plan, target, io }
  const parts: Partial<Source>[] = []
  // One after the other: a dbt manifest being read is large, and errors come in input order.
  for (const read of SOURCES) {
    const part = await read(context)
    // A source with nothing to do stops the run: the others are not read.
    if (part.nothingToDo) return { ...NOTHING, nothingToDo: part.nothingToDo }
    parts.push(part)
  }
  const source: Source = {
    diffs: parts.flatMap((part) => part.diffs ?? []),
    dbt: parts.find((part) => part.dbt)?.dbt ?? null,
    plan: parts.find((part) => part.plan)?.plan ?? null,
    dbtCloud: parts.find((part) => part.dbtCloud)?.dbtCloud ?? null,
    nothingToDo: null
  }
  refuseSharedNames(source.diffs)
  return source
}

/** Two diffs to create may not share a name: the report, the outputs and reuse tell them by it. */
function refuseSharedNames(diffs: DiffToJudge[]): void {
  const seen = new Map<string, RequestedDiff>()
  const problems: string[] = []
  for (const diff of diffs) {
    if (diff.kind !== 'requested') continue
    const other = seen.get(diff.name)
    if (other && other.from !== diff.from) {
      problems.push(
        `plan: entry ${diff.name} has the name of a dbt model dbt mode compares; rename the entry`
      )
    }
    seen.set(diff.name, diff)
  }
  if (problems.length > 0) throw new InputError(problems)
}
