// The plan (`plan` inline, or `plan-file` in the repository): read and checked whole before any
// request. Its entries are diffs to create; its `defaults` and `rules` also apply to dbt mode's
// models, so it is read before every source.
import { secretsOf, type Inputs } from '../inputs.js'
import type { PlanContext } from '../plan/placeholders.js'
import { parsePlan, PlanError, type ParsedPlan } from '../plan/plan.js'
import { reasonOf } from '../text.js'
import type { Source, SourceContext, SourceIO } from './source.js'

const NO_PLAN: ParsedPlan = { diffs: [], defaults: {}, rules: [] }

/** The plan's entries, defaults and rules; throws PlanError when it cannot be used. */
export async function readPlan(
  inputs: Inputs,
  target: PlanContext,
  io: Pick<SourceIO, 'readPlanFile'>
): Promise<ParsedPlan> {
  const { plan } = inputs
  if (plan === null) return NO_PLAN
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
    // `{env.NAME}` fills in none of the secrets the action masks.
    context: { ...target, secrets: secretsOf(inputs) },
    dataSource: inputs.dataSource,
    thresholds: inputs.thresholds
  })
}

/** The plan's entries, as diffs to create, and where they are written. */
export function planEntries({ inputs, plan }: SourceContext): Promise<Partial<Source>> {
  const written = inputs.plan
  return Promise.resolve({
    diffs: plan.diffs.map((request) => ({
      kind: 'requested',
      name: request.name,
      request,
      from: 'plan entry'
    })),
    plan:
      written === null
        ? null
        : written.input === 'plan'
          ? 'inline'
          : { file: written.path, lines: plan.lines ?? new Map() }
  })
}
