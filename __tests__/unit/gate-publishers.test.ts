// The pure parts of the commit status and the check run: when a status is posted, its name, state
// and description (GitHub's 140 characters, cut at a word, never in a surrogate pair or an emoji);
// the check run's conclusion and its summary within GitHub's 65,535 characters; and the one
// warning a refused write gives.
import { describe, expect, it } from '@jest/globals'
import {
  checkRunConclusion,
  checkRunSummary,
  MAX_ANNOTATIONS,
  MAX_SUMMARY_LENGTH,
  postCheckRun
} from '../../src/github/check-run.js'
import {
  commitStatusWanted,
  MAX_STATUS_DESCRIPTION,
  statusContext,
  statusDescription,
  statusState
} from '../../src/github/commit-status.js'
import { refusedWriteWarning, type GateVerdict } from '../../src/github/gate-verdict.js'
import type { GitHubClient } from '../../src/github/octokit.js'
import { createRedactor } from '../../src/redact.js'

const codePoints = (text: string) => Array.from(text).length
const verdict = (v: Partial<GateVerdict>): GateVerdict => ({
  result: 'pass',
  breaches: 0,
  unchecked: 0,
  failed: false,
  ...v
})

describe('commit status', () => {
  it.each([
    ['auto', 'status', true],
    ['auto', 'workflow_run', true],
    ['auto', 'push', true],
    ['auto', 'issue_comment', true],
    ['auto', 'pull_request', false],
    ['auto', 'pull_request_target', false],
    [true, 'pull_request', true],
    [false, 'status', false]
  ] as const)('commit-status %j on a %s event: posted %j', (setting, event, wanted) => {
    expect(commitStatusWanted(setting, event)).toBe(wanted)
  })

  it.each([
    ['default', 'Datafold diff gate'],
    ['dbt-prod', 'Datafold diff gate (dbt-prod)'],
    ['models/marts', 'Datafold diff gate (models/marts)']
  ])('comment-key %j → context %j', (key, context) => {
    expect(statusContext(key)).toBe(context)
  })

  it.each<[string, GateVerdict | 'running', string]>([
    ['diffs running', 'running', 'pending'],
    ['all within limits', verdict({}), 'success'],
    ['breaches, step failed', verdict({ result: 'fail', breaches: 2, failed: true }), 'failure'],
    ['errors only, step failed', verdict({ result: 'error', failed: true }), 'error'],
    [
      'breaches and errors, step failed: breaches first',
      verdict({ result: 'error', breaches: 1, failed: true }),
      'failure'
    ],
    ['unchecked models under fail-on-skipped', verdict({ unchecked: 2, failed: true }), 'failure'],
    [
      'breaches, advisory (fail-on-breach: false)',
      verdict({ result: 'fail', breaches: 3 }),
      'success'
    ],
    ['errors, advisory (fail-on-error: false)', verdict({ result: 'error' }), 'success']
  ])('%s → %s', (_case, given, state) => {
    expect(statusState(given)).toBe(state)
  })

  it('is GitHub’s limit of 140 characters', () => {
    expect(MAX_STATUS_DESCRIPTION).toBe(140)
  })

  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ')
  it.each<[string, string, string]>([
    [
      'short: as it is',
      '❌ 2 of 12 tables over their limits',
      '❌ 2 of 12 tables over their limits'
    ],
    [
      'one line, spaces squeezed',
      '  ❌ 2 tables\n over  their\tlimits ',
      '❌ 2 tables over their limits'
    ],
    ['exactly 140 kept', 'x'.repeat(140), 'x'.repeat(140)],
    [
      'cut at the last whole word, with …',
      words(40),
      `${words(40).slice(0, words(40).lastIndexOf(' ', 139))}…`
    ],
    [
      'a separator left at the cut is dropped',
      `${'a'.repeat(130)} · ${'b'.repeat(20)}`,
      `${'a'.repeat(130)}…`
    ],
    ['one long word: cut between characters', 'y'.repeat(300), `${'y'.repeat(139)}…`],
    ['astral characters count once', '😀'.repeat(140), '😀'.repeat(140)],
    ['never half a surrogate pair', '😀'.repeat(141), `${'😀'.repeat(139)}…`],
    ['never half an emoji sequence', `${'z'.repeat(137)}👩‍💻👩‍💻`, `${'z'.repeat(137)}…`]
  ])('description: %s', (_case, headline, expected) => {
    const description = statusDescription(headline)
    expect(description).toBe(expected)
    expect(codePoints(description)).toBeLessThanOrEqual(MAX_STATUS_DESCRIPTION)
    expect(description).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
    )
  })

  it('scrubs secrets before it cuts, so no piece of one is left at the cut', () => {
    const secret = 'dfk_live_9f8e7d6c5b4a39281706'
    const headline = `${'word '.repeat(25)}${secret} and more words after the secret`
    const description = statusDescription(headline, createRedactor([secret]))
    expect(description).not.toContain('dfk_live')
    expect(description).not.toContain('9f8e7d')
    expect(codePoints(description)).toBeLessThanOrEqual(140)
  })
})

describe('check run', () => {
  it.each<[string, GateVerdict, string]>([
    ['all checked, within limits', verdict({}), 'success'],
    ['step failed on breaches', verdict({ result: 'fail', breaches: 4, failed: true }), 'failure'],
    ['step failed on errors', verdict({ result: 'error', failed: true }), 'failure'],
    ['step failed on unchecked models', verdict({ unchecked: 1, failed: true }), 'failure'],
    ['advisory breaches', verdict({ result: 'fail', breaches: 4 }), 'neutral'],
    ['advisory errors', verdict({ result: 'error' }), 'neutral'],
    ['passing, but models unchecked', verdict({ unchecked: 2 }), 'neutral']
  ])('%s → %s', (_case, given, conclusion) => {
    expect(checkRunConclusion(given)).toBe(conclusion)
  })

  it('is GitHub’s limit of 65,535 characters', () => {
    expect(MAX_SUMMARY_LENGTH).toBe(65_535)
  })

  it('keeps a summary that fits, with its notes under it', () => {
    expect(checkRunSummary('## ❌ 2 over limits', [])).toBe('## ❌ 2 over limits')
    expect(checkRunSummary('## report', ['note one', 'note\ntwo'])).toBe(
      '## report\n\n---\n\n> note one\n>\n> note two'
    )
  })

  it.each([
    ['plain text', 'r'.repeat(70_000)],
    ['astral characters', '😀'.repeat(66_000)],
    ['a surrogate pair across the cut', `${'r'.repeat(65_000)}${'😀'.repeat(2_000)}`]
  ])('cuts a summary over the limit (%s), keeping every note', (_case, report) => {
    const notes = ['The plan was given inline: no annotations.']
    const summary = checkRunSummary(report, notes)
    expect(codePoints(summary)).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH)
    expect(codePoints(summary)).toBeGreaterThan(MAX_SUMMARY_LENGTH - 10)
    expect(summary).toContain("The report was cut here to fit a check run's summary")
    expect(summary.endsWith('> The plan was given inline: no annotations.')).toBe(true)
    expect(summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })
})

/** An error as octokit throws it. */
function githubError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), {
    status,
    response: { status, headers, data: { message, documentation_url: 'https://docs.github.com' } }
  })
}

describe('a refused write', () => {
  it.each([
    ['statuses', 403, 'Resource not accessible by integration'],
    ['checks', 403, 'Resource not accessible by integration'],
    ['statuses', 404, 'Not Found']
  ] as const)('%s %i gives the permission line to add', (permission, status, message) => {
    const warning = refusedWriteWarning('post it', permission, githubError(status, message))
    expect(warning).toContain(`GitHub answered ${status} (${message})`)
    expect(warning).toContain(
      `add \`${permission}: write\` to the workflow's or the job's \`permissions:\` block`
    )
    expect(warning).toContain('The rest of the run is unaffected.')
  })

  it('says a personal access token cannot create check runs', () => {
    const warning = refusedWriteWarning(
      'create the check run',
      'checks',
      githubError(403, 'You must authenticate via a GitHub App.')
    )
    expect(warning).toContain('Check runs can only be created with a GitHub App token')
  })

  it.each([
    [
      'a rate limit',
      githubError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }),
      'Could not post it: GitHub answered 403: API rate limit exceeded'
    ],
    [
      'a validation error',
      githubError(422, 'Validation Failed'),
      'Could not post it: GitHub answered 422: Validation Failed'
    ],
    [
      'a time-out',
      new Error('GitHub did not answer POST /x within 30s'),
      'Could not post it: GitHub did not answer POST /x within 30s'
    ]
  ])('names %s as it is, without a permission line', (_case, error, warning) => {
    expect(refusedWriteWarning('post it', 'statuses', error)).toBe(warning)
  })
})

describe('postCheckRun past its own bound of 1,000 annotations', () => {
  it('sends 1,000 in 20 requests of 50 and says in the summary how many were left out', async () => {
    const calls: { kind: string; annotations: number; summary: string }[] = []
    const record =
      (kind: string) => (params: { output?: { summary: string; annotations?: unknown[] } }) => {
        calls.push({
          kind,
          annotations: params.output?.annotations?.length ?? 0,
          summary: params.output?.summary ?? ''
        })
        return Promise.resolve({ data: { id: 7, html_url: 'https://github.com/acme/wh/runs/7' } })
      }
    // Only the two calls postCheckRun makes; the HTTP path is the integration test's.
    const github = {
      rest: { checks: { create: record('create'), update: record('update') } }
    } as unknown as GitHubClient
    const infos: string[] = []
    const posted = await postCheckRun(
      github,
      {
        owner: 'acme',
        repo: 'wh',
        sha: 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe',
        name: 'Datafold data diffs',
        verdict: verdict({ result: 'fail', breaches: 1_234, failed: true }),
        headline: '❌ 1,234 over their limits',
        summary: '## report',
        annotations: Array.from({ length: 1_234 }, (_, i) => ({
          path: `m${i}.sql`,
          line: 1,
          level: 'failure' as const,
          title: 't',
          message: 'm'
        })),
        notes: [],
        detailsUrl: null
      },
      {
        info: (m) => infos.push(m),
        warning: (m) => {
          throw new Error(m)
        },
        redact: (t) => t
      }
    )
    expect(MAX_ANNOTATIONS).toBe(1_000)
    expect(calls.map((c) => c.kind)).toEqual(['create', ...Array<string>(19).fill('update')])
    expect(calls.every((c) => c.annotations === 50)).toBe(true)
    expect(calls[0]?.summary).toContain(
      '234 more findings not annotated: this check run takes at most 1,000 annotations. The report lists them all.'
    )
    expect(posted).toEqual({
      id: 7,
      url: 'https://github.com/acme/wh/runs/7',
      conclusion: 'failure',
      annotations: 1_000
    })
    expect(infos).toEqual([
      'Check run "Datafold data diffs" failure with 1,000 annotations: https://github.com/acme/wh/runs/7'
    ])
  })
})
