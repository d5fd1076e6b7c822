// GitHub shows at most 10 error and 10 warning annotations per step: past ten, the step writes
// nine of a kind and one that counts the rest and says where they are, and logs the rest.
import { describe, expect, it } from '@jest/globals'
import {
  STEP_ANNOTATIONS_PER_KIND,
  withinStepLimits,
  type StepAnnotation
} from '../../src/report/step-annotations.js'

const breaches = (n: number): StepAnnotation[] =>
  Array.from({ length: n }, (_, i) => ({
    message: `diff ${100 + i} (analytics.t${i}): rows-changed ${i + 2}% > max 1%`,
    title: 'Datafold threshold exceeded'
  }))
const warnings = (n: number): StepAnnotation[] =>
  Array.from({ length: n }, (_, i) => ({ message: `dbt model not compared: m${i}: no key` }))

const WHERE = 'the report comment (https://github.com/acme/wh/pull/7#issuecomment-1)'

describe('withinStepLimits', () => {
  it("is GitHub's limit of 10 per kind", () => {
    expect(STEP_ANNOTATIONS_PER_KIND).toBe(10)
  })

  it.each([
    [0, 0, 0, 0, 0],
    [1, 3, 1, 3, 0],
    [10, 10, 10, 10, 0],
    [11, 0, 10, 0, 2],
    [120, 25, 10, 10, 111 + 16],
    [0, 11, 0, 10, 2]
  ])(
    '%i errors and %i warnings → %i and %i annotations, %i only logged',
    (e, w, shownE, shownW, hidden) => {
      const fitted = withinStepLimits({ errors: breaches(e), warnings: warnings(w) }, WHERE)
      expect(fitted.errors).toHaveLength(shownE)
      expect(fitted.warnings).toHaveLength(shownW)
      // Nothing is lost: what is not annotated is handed back to be logged.
      expect(fitted.unannotated).toHaveLength(hidden)
    }
  )

  it('keeps every annotation as it is when a kind has ten or fewer', () => {
    const all = { errors: breaches(10), warnings: warnings(2) }
    expect(withinStepLimits(all, WHERE)).toEqual({ ...all, unannotated: [] })
  })

  it('writes the first nine, then one line that counts the rest and says where to read them', () => {
    const errors = breaches(120)
    const fitted = withinStepLimits({ errors, warnings: warnings(12) }, WHERE)
    expect(fitted.errors.slice(0, 9)).toEqual(errors.slice(0, 9))
    expect(fitted.errors[9]).toEqual({
      title: '111 more errors',
      message:
        "111 more errors are not shown here: GitHub shows 10 error annotations per step. Read them all in the report comment (https://github.com/acme/wh/pull/7#issuecomment-1), or in this step's log."
    })
    expect(fitted.warnings[9]?.message).toBe(
      "3 more warnings are not shown here: GitHub shows 10 warning annotations per step. Read them all in the report comment (https://github.com/acme/wh/pull/7#issuecomment-1), or in this step's log."
    )
    expect(fitted.unannotated).toEqual([...errors.slice(9), ...warnings(12).slice(9)])
  })

  it('counts in the report’s number format', () => {
    const fitted = withinStepLimits({ errors: breaches(1_209), warnings: [] }, 'the job summary')
    expect(fitted.errors[9]?.title).toBe('1,200 more errors')
  })
})
