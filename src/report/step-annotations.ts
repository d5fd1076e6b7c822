// GitHub shows at most 10 error and 10 warning annotations per step and drops the rest without a
// word. So the step writes at most nine of a kind (eight errors when it may fail: the failure
// message is an error annotation too), logs the rest as plain lines, and ends with one annotation
// of that kind that says how many more there are and where to read them. Pure.
import { formatNumber } from '../format.js'

/** GitHub's limit, per kind, per step. */
export const STEP_ANNOTATIONS_PER_KIND = 10

export type AnnotationKind = 'error' | 'warning'

export interface StepAnnotation {
  kind: AnnotationKind
  message: string
  title?: string
}

export interface AnnotationBudget {
  /** Whether one more annotation of this kind may be written; false: log it as a plain line. */
  admit(kind: AnnotationKind): boolean
  /** One annotation for each kind that ran over: how many more, and where to read them all.
   * `readMore` names that place: `the report comment (https://…)`, `the job summary`. */
  closing(readMore: string): StepAnnotation[]
}

/** `reserved`: annotations of a kind written after the closing one (the failure message). */
export function annotationBudget(
  reserved: Partial<Record<AnnotationKind, number>> = {}
): AnnotationBudget {
  const written = { error: 0, warning: 0 }
  const over = { error: 0, warning: 0 }
  const room = (kind: AnnotationKind) => STEP_ANNOTATIONS_PER_KIND - 1 - (reserved[kind] ?? 0)
  return {
    admit: (kind) => {
      if (written[kind] < room(kind)) {
        written[kind]++
        return true
      }
      over[kind]++
      return false
    },
    closing: (readMore) =>
      (['error', 'warning'] as const).flatMap((kind) => {
        const count = over[kind]
        if (count === 0) return []
        const kinds = `${kind}s`
        return [
          {
            kind,
            title: `${formatNumber(count)} more ${kinds}`,
            message:
              `${formatNumber(count)} more ${kinds} are not shown here: GitHub shows ` +
              `${STEP_ANNOTATIONS_PER_KIND} ${kind} annotations per step. Read them all in ` +
              `${readMore}, or in this step's log.`
          }
        ]
      })
  }
}
