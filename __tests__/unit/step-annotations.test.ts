// GitHub shows at most 10 error and 10 warning annotations per step: the step writes at most nine
// of a kind (eight errors, as the failure message is one more), then one that counts the rest and
// says where they are; the rest are logged.
import { describe, expect, it } from '@jest/globals'
import {
  annotationBudget,
  STEP_ANNOTATIONS_PER_KIND,
  type AnnotationKind
} from '../../src/report/step-annotations.js'
import { withinAnnotationLimits } from '../../src/run-io.js'

const WHERE = 'the report comment (https://github.com/acme/wh/pull/7#issuecomment-1)'

/** How many of `count` annotations of a kind the budget admits. */
function admitted(
  budget: ReturnType<typeof annotationBudget>,
  kind: AnnotationKind,
  count: number
) {
  return Array.from({ length: count }, () => budget.admit(kind)).filter(Boolean).length
}

describe('annotationBudget', () => {
  it("is GitHub's limit of 10 per kind", () => {
    expect(STEP_ANNOTATIONS_PER_KIND).toBe(10)
  })

  it.each([
    [0, 0, 0, 0],
    [3, 3, 3, 3],
    [9, 9, 9, 9],
    [10, 12, 9, 9],
    [120, 25, 9, 9]
  ])('%i errors and %i warnings → %i and %i annotations', (e, w, shownE, shownW) => {
    const budget = annotationBudget()
    expect(admitted(budget, 'error', e)).toBe(shownE)
    expect(admitted(budget, 'warning', w)).toBe(shownW)
    // With the closing one, never more than ten of a kind.
    const closing = budget.closing(WHERE)
    expect(shownE + closing.filter((c) => c.kind === 'error').length).toBeLessThanOrEqual(10)
    expect(shownW + closing.filter((c) => c.kind === 'warning').length).toBeLessThanOrEqual(10)
  })

  it('keeps a slot for what is written after: the failure message', () => {
    const budget = annotationBudget({ error: 1 })
    expect(admitted(budget, 'error', 20)).toBe(8)
    expect(budget.closing(WHERE)).toHaveLength(1)
  })

  it('ends each kind that ran over with one line that counts the rest and says where to read them', () => {
    const budget = annotationBudget()
    admitted(budget, 'error', 120)
    admitted(budget, 'warning', 12)
    admitted(budget, 'warning', 0)
    expect(budget.closing(WHERE)).toEqual([
      {
        kind: 'error',
        title: '111 more errors',
        message:
          "111 more errors are not shown here: GitHub shows 10 error annotations per step. Read them all in the report comment (https://github.com/acme/wh/pull/7#issuecomment-1), or in this step's log."
      },
      {
        kind: 'warning',
        title: '3 more warnings',
        message:
          "3 more warnings are not shown here: GitHub shows 10 warning annotations per step. Read them all in the report comment (https://github.com/acme/wh/pull/7#issuecomment-1), or in this step's log."
      }
    ])
  })

  it('says nothing when no kind ran over, and counts in the report’s number format', () => {
    const quiet = annotationBudget()
    admitted(quiet, 'error', 9)
    expect(quiet.closing(WHERE)).toEqual([])
    const busy = annotationBudget()
    admitted(busy, 'error', 1_209)
    expect(busy.closing('the job summary')[0]?.title).toBe('1,200 more errors')
  })
})

describe("the step's annotations (withinAnnotationLimits)", () => {
  /** The error annotations a step writes for `count` breaches, its failure annotated or not. */
  function errorsOf(count: number, failureAnnotated: boolean | null): string[] {
    const written: string[] = []
    const io = withinAnnotationLimits({
      info: () => undefined,
      warning: () => undefined,
      annotate: (message) => written.push(message),
      setOutput: () => undefined,
      setFailed: () => undefined,
      appendSummary: () => Promise.resolve(),
      writeReport: () => Promise.resolve(''),
      createGitHubClient: () => Promise.reject(new Error('no GitHub here')),
      github: { eventName: 'push', payload: {}, owner: '', repo: '', serverUrl: '', runId: '' }
    })
    if (failureAnnotated !== null) io.failureAnnotated(failureAnnotated)
    for (let i = 1; i <= count; i++) io.annotate(`breach ${i}`, 'Datafold threshold exceeded')
    io.closeAnnotations('the job summary')
    return written
  }

  it.each([
    ['a failure message that is an annotation', true, 8, '12 more errors'],
    ['a failure message that is a line of the log', false, 9, '11 more errors'],
    ['nothing told: room kept for the failure', null, 8, '12 more errors']
  ])('with %s, writes %i breaches and one counting the rest', (_what, annotated, shown, more) => {
    const errors = errorsOf(20, annotated)
    expect(errors).toHaveLength(shown + 1)
    expect(errors.slice(0, shown)).toEqual(
      Array.from({ length: shown }, (_, i) => `breach ${i + 1}`)
    )
    expect(errors.at(-1)).toMatch(new RegExp(`^${more} are not shown here`))
  })
})
