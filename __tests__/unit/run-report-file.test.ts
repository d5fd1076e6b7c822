// run() and its report file: named for the step, so two steps in a job never share one; and a
// file that cannot be written costs a warning, not the summary, the outputs or the verdict.
import { describe, expect, it } from '@jest/globals'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import type { RunIO } from '../../src/run-io.js'
import { run } from '../../src/run.js'

const SUMMARY = {
  status: 'done',
  pks: {
    total_rows: [10, 10],
    nulls: [0, 0],
    dupes: [0, 0],
    exclusives: [0, 0],
    distincts: [10, 10]
  },
  values: null
}

function inputs(overrides: Partial<RawInputs> = {}) {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
  return parseInputs({
    ...raw,
    'diff-ids': '12',
    'api-key': 'dfk_report_1234',
    'comment-mode': 'off',
    ...overrides
  })
}

function recordingIO(writeReport: RunIO['writeReport'], step?: string) {
  const seen = { warnings: [] as string[], outputs: {} as Record<string, string>, summary: '' }
  const failed: string[] = []
  const io: RunIO = {
    info: () => undefined,
    warning: (message) => seen.warnings.push(message),
    annotate: () => undefined,
    setOutput: (name, value) => {
      seen.outputs[name] = value
    },
    setFailed: (message) => failed.push(message),
    appendSummary: (markdown) => {
      seen.summary += markdown
      return Promise.resolve()
    },
    writeReport,
    fetch: (input) => {
      const url = input instanceof Request ? input.url : input.toString()
      return Promise.resolve(
        Response.json(url.endsWith('/summary_results') ? SUMMARY : { kind: 'in_db' })
      )
    },
    createGitHubClient: () => Promise.reject(new Error('no GitHub in this test')),
    github: {
      eventName: 'push',
      payload: {},
      owner: 'acme',
      repo: 'warehouse',
      serverUrl: 'https://github.com',
      runId: '555'
    },
    ...(step === undefined ? {} : { step }),
    sleep: () => Promise.resolve()
  }
  return { io, seen, failed }
}

describe('the report file', () => {
  it.each([
    [undefined, 'default', 'datafold-diff-gate-default.md'],
    [
      '__acme_datafold-diff-gate',
      'default',
      'datafold-diff-gate-__acme_datafold-diff-gate-default.md'
    ],
    [
      '__acme_datafold-diff-gate_2',
      'default',
      'datafold-diff-gate-__acme_datafold-diff-gate_2-default.md'
    ],
    ['check', 'team/orders:v2', 'datafold-diff-gate-check-team_orders_v2.md']
  ])('step %j with comment-key %j is named %j', async (step, commentKey, fileName) => {
    const names: string[] = []
    const { io, seen } = recordingIO((name) => {
      names.push(name)
      return Promise.resolve(`/runner/temp/${name}`)
    }, step)
    await run(inputs({ 'comment-key': commentKey }), io)
    expect(names).toEqual([fileName])
    expect(seen.outputs['report-path']).toBe(`/runner/temp/${fileName}`)
  })

  it('that cannot be written is a warning; the summary, the outputs and the verdict still come', async () => {
    const { io, seen, failed } = recordingIO(() =>
      Promise.reject(new Error("ENOENT: no such file or directory, open '/gone/report.md'"))
    )
    const evaluation = await run(inputs({ 'max-rows-removed': '0' }), io)
    expect(seen.warnings).toEqual([
      "Could not write the report file datafold-diff-gate-default.md: ENOENT: no such file or directory, open '/gone/report.md'; report-path is empty"
    ])
    expect(evaluation?.result).toBe('pass')
    expect(seen.summary).toContain('diff')
    expect(seen.outputs.result).toBe('pass')
    expect(seen.outputs['report-path']).toBe('')
    expect(failed).toEqual([])
  })
})
