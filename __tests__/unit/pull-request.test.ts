// findPullRequest: which pull request a run comments on, for every kind of event; runTarget: the
// PR and commit the placeholders, tags and report name.
import { describe, expect, it } from '@jest/globals'
import {
  findPullRequest,
  headCommit,
  runTarget,
  type PullRequestTarget
} from '../../src/pull-request.js'

interface Case {
  name: string
  eventName: string
  payload: Record<string, unknown>
  input?: number
  expected: number | RegExp[]
}

const REPO = { id: 1001, full_name: 'acme/warehouse' }
const runWith = (pullRequests: unknown) => ({
  workflow_run: { id: 9, event: 'pull_request', pull_requests: pullRequests },
  repository: REPO
})
const listed = (number: number, baseRepoId = REPO.id) => ({
  number,
  head: { ref: 'feature', repo: { id: baseRepoId } },
  base: { ref: 'main', repo: { id: baseRepoId } }
})

const CASES: Case[] = [
  {
    name: 'pull_request',
    eventName: 'pull_request',
    payload: { action: 'synchronize', pull_request: { number: 42 } },
    expected: 42
  },
  {
    name: 'pull_request_target',
    eventName: 'pull_request_target',
    payload: { pull_request: { number: 7 } },
    expected: 7
  },
  {
    name: 'pull_request_review',
    eventName: 'pull_request_review',
    payload: { review: { id: 1 }, pull_request: { number: 8 } },
    expected: 8
  },
  {
    name: 'pull_request_review_comment',
    eventName: 'pull_request_review_comment',
    payload: { comment: { id: 1 }, pull_request: { number: 9 } },
    expected: 9
  },
  {
    name: 'pull_request without a number in its payload',
    eventName: 'pull_request',
    payload: {},
    expected: [/pull_request event payload has no pull_request\.number/, /set pr-number/]
  },
  {
    name: 'issue_comment on a pull request',
    eventName: 'issue_comment',
    payload: { issue: { number: 15, pull_request: { url: 'https://api.github.com/…/pulls/15' } } },
    expected: 15
  },
  {
    name: 'issue_comment on a plain issue',
    eventName: 'issue_comment',
    payload: { issue: { number: 16 } },
    expected: [/comment on issue #16, which is not a pull request/, /set pr-number to comment/]
  },
  {
    name: 'workflow_run with one pull request',
    eventName: 'workflow_run',
    payload: runWith([listed(23)]),
    expected: 23
  },
  {
    name: 'workflow_run from a fork (no pull requests listed)',
    eventName: 'workflow_run',
    payload: runWith([]),
    expected: [/workflow_run lists 0 pull requests \(runs from forks list none\)/, /pass pr-number/]
  },
  {
    name: 'workflow_run without a pull_requests list',
    eventName: 'workflow_run',
    payload: { workflow_run: { id: 9 } },
    expected: [/workflow_run lists 0 pull requests/]
  },
  {
    name: 'workflow_run with two pull requests',
    eventName: 'workflow_run',
    payload: runWith([listed(23), listed(24)]),
    expected: [/workflow_run lists 2 pull requests \(#23, #24\)/, /ambiguous: pass pr-number/]
  },
  {
    name: 'workflow_run also listing a pull request into another repository',
    eventName: 'workflow_run',
    payload: runWith([listed(500, 2002), listed(23)]),
    expected: 23
  },
  {
    name: 'push',
    eventName: 'push',
    payload: { ref: 'refs/heads/main' },
    expected: [
      /^this run was triggered by push, which has no pull request; set pr-number to comment$/
    ]
  },
  {
    name: 'schedule',
    eventName: 'schedule',
    payload: {},
    expected: [/triggered by schedule, which has no pull request/]
  },
  {
    name: 'workflow_dispatch',
    eventName: 'workflow_dispatch',
    payload: { inputs: {} },
    expected: [/triggered by workflow_dispatch, which has no pull request/]
  },
  {
    name: 'an unknown event name',
    eventName: '',
    payload: {},
    expected: [/GITHUB_EVENT_NAME is empty/, /set pr-number/]
  },
  {
    name: 'pr-number on a push',
    eventName: 'push',
    payload: {},
    input: 99,
    expected: 99
  },
  {
    name: 'pr-number wins over the pull request of the event',
    eventName: 'pull_request',
    payload: { pull_request: { number: 42 } },
    input: 99,
    expected: 99
  },
  {
    name: 'pr-number on a workflow_run from a fork',
    eventName: 'workflow_run',
    payload: runWith([]),
    input: 31,
    expected: 31
  }
]

describe('findPullRequest', () => {
  it.each(CASES)('$name', ({ eventName, payload, input, expected }) => {
    const target: PullRequestTarget = findPullRequest({ eventName, payload }, input ?? null)
    if (typeof expected === 'number') {
      expect(target).toEqual({ number: expected })
      return
    }
    expect(target.number).toBeNull()
    const reason = 'reason' in target ? target.reason : ''
    for (const pattern of expected) expect(reason).toMatch(pattern)
  })

  it('ignores numbers that are not positive integers', () => {
    for (const number of ['42', 0, -1, 1.5, null]) {
      expect(
        findPullRequest({ eventName: 'pull_request', payload: { pull_request: { number } } }, null)
      ).toEqual({ number: null, reason: expect.stringContaining('no pull_request.number') })
    }
  })
})

describe('runTarget', () => {
  const HEAD = '5f2c1e9a0b7d4c3e8f6a1b2c3d4e5f60718293a4'

  it('names the PR and its head commit, not the merge commit GITHUB_SHA names', () => {
    const payload = { pull_request: { number: 7, head: { sha: HEAD } } }
    const env = { GITHUB_SHA: 'merge' }
    expect(runTarget({ eventName: 'pull_request', payload }, null, env)).toEqual({
      pr: 7,
      sha: HEAD,
      env
    })
  })

  it("takes a status event's commit, not GITHUB_SHA, the default branch's", () => {
    const payload = { sha: HEAD, context: 'dbt Cloud CI', state: 'success' }
    expect(runTarget({ eventName: 'status', payload }, 9, { GITHUB_SHA: 'main-head' }).sha).toBe(
      HEAD
    )
  })

  it('takes GITHUB_SHA on other events, and says why there is no PR', () => {
    const target = runTarget({ eventName: 'push', payload: {} }, null, { GITHUB_SHA: 'pushed' })
    expect(target).toMatchObject({ pr: null, sha: 'pushed' })
    expect(target.noPrReason).toContain('push')
  })

  it('takes the pr-number input when given, and no commit when none is known', () => {
    expect(runTarget({ eventName: 'push', payload: {} }, 12, {})).toMatchObject({
      pr: 12,
      sha: null
    })
  })
})

// The commit the status and the check run go on: the PR's head as each event names it, never
// GITHUB_SHA, which a status or workflow_run event sets to the default branch's last commit.
const EVENT_HEAD = '5f2c1e9a0b7d4c3e8f6a1b2c3d4e5f60718293a4'

describe('headCommit', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    [
      'pull_request',
      { pull_request: { number: 482, head: { sha: EVENT_HEAD } } },
      'pull_request.head.sha'
    ],
    [
      'pull_request_target',
      { pull_request: { head: { sha: EVENT_HEAD } } },
      'pull_request.head.sha'
    ],
    [
      'pull_request_review',
      { pull_request: { head: { sha: EVENT_HEAD } } },
      'pull_request.head.sha'
    ],
    ['status', { sha: EVENT_HEAD, context: 'dbt Cloud CI', state: 'success' }, 'sha'],
    [
      'workflow_run',
      { workflow_run: { head_sha: EVENT_HEAD, pull_requests: [] } },
      'workflow_run.head_sha'
    ],
    ['check_run', { check_run: { head_sha: EVENT_HEAD } }, 'check_run.head_sha'],
    ['check_suite', { check_suite: { head_sha: EVENT_HEAD } }, 'check_suite.head_sha'],
    ['push', { after: EVENT_HEAD, before: '0'.repeat(40) }, 'after'],
    // No head in the event: the caller asks GitHub, or posts nothing.
    ['issue_comment', { issue: { number: 482, pull_request: {} } }, null],
    ['workflow_dispatch', {}, null],
    ['', {}, null],
    // A payload without a usable SHA.
    ['pull_request', { pull_request: { head: {} } }, null],
    ['status', { sha: 'main' }, null],
    ['workflow_run', { workflow_run: null }, null]
  ])('%s → %s', (eventName, payload, from) => {
    expect(headCommit({ eventName, payload })).toEqual(
      from === null ? null : { sha: EVENT_HEAD, from }
    )
  })
})
