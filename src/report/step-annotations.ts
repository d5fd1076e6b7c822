// GitHub shows at most 10 error and 10 warning annotations per step and drops the rest without a
// word. The step writes one error per breach and a warning per problem, so past ten a reviewer
// would never learn of the others: it writes nine of each kind, then one that says how many more
// there are and where to read them all. Pure.
import { formatNumber } from '../format.js'

/** GitHub's limit, per kind, per step. */
export const STEP_ANNOTATIONS_PER_KIND = 10

export interface StepAnnotation {
  message: string
  title?: string
}

export interface StepAnnotations {
  errors: StepAnnotation[]
  warnings: StepAnnotation[]
}

export interface FittedAnnotations extends StepAnnotations {
  /** The ones not written as annotations, in order: the caller logs them as plain lines, so the
   * log still holds every one. */
  unannotated: StepAnnotation[]
}

/**
 * The annotations to write: all of a kind when it has at most ten; else its first nine and one
 * that counts the others and says where they are. `readMore` names that place: `the report
 * comment (https://…)`, `the job summary`.
 */
export function withinStepLimits(all: StepAnnotations, readMore: string): FittedAnnotations {
  const errors = fit(all.errors, 'errors', readMore)
  const warnings = fit(all.warnings, 'warnings', readMore)
  return {
    errors: errors.shown,
    warnings: warnings.shown,
    unannotated: [...errors.hidden, ...warnings.hidden]
  }
}

function fit(
  annotations: StepAnnotation[],
  kind: 'errors' | 'warnings',
  readMore: string
): { shown: StepAnnotation[]; hidden: StepAnnotation[] } {
  if (annotations.length <= STEP_ANNOTATIONS_PER_KIND) return { shown: annotations, hidden: [] }
  const kept = STEP_ANNOTATIONS_PER_KIND - 1
  const hidden = annotations.slice(kept)
  const more: StepAnnotation = {
    title: `${formatNumber(hidden.length)} more ${kind}`,
    message:
      `${formatNumber(hidden.length)} more ${kind} are not shown here: GitHub shows ` +
      `${STEP_ANNOTATIONS_PER_KIND} ${kind === 'errors' ? 'error' : 'warning'} annotations per ` +
      `step. Read them all in ${readMore}, or in this step's log.`
  }
  return { shown: [...annotations.slice(0, kept), more], hidden }
}
