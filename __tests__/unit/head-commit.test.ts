// The commit the status and the check run go on: the PR's head as each event names it, never
// GITHUB_SHA, which a status or workflow_run event sets to the default branch's last commit.
import { describe, expect, it } from '@jest/globals'
import { headCommit } from '../../src/github/head-commit.js'

const HEAD = '5f2c1e9a0b7d4c3e8f6a1b2c3d4e5f60718293a4'

describe('headCommit', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    [
      'pull_request',
      { pull_request: { number: 482, head: { sha: HEAD } } },
      'pull_request.head.sha'
    ],
    ['pull_request_target', { pull_request: { head: { sha: HEAD } } }, 'pull_request.head.sha'],
    ['pull_request_review', { pull_request: { head: { sha: HEAD } } }, 'pull_request.head.sha'],
    ['status', { sha: HEAD, context: 'dbt Cloud CI', state: 'success' }, 'sha'],
    [
      'workflow_run',
      { workflow_run: { head_sha: HEAD, pull_requests: [] } },
      'workflow_run.head_sha'
    ],
    ['check_run', { check_run: { head_sha: HEAD } }, 'check_run.head_sha'],
    ['check_suite', { check_suite: { head_sha: HEAD } }, 'check_suite.head_sha'],
    ['push', { after: HEAD, before: '0'.repeat(40) }, 'after'],
    // No head in the event: the caller asks GitHub, or posts nothing.
    ['issue_comment', { issue: { number: 482, pull_request: {} } }, null],
    ['workflow_dispatch', {}, null],
    ['', {}, null],
    // A payload without a usable SHA.
    ['pull_request', { pull_request: { head: {} } }, null],
    ['status', { sha: 'main' }, null],
    ['workflow_run', { workflow_run: null }, null]
  ])('%s → %s', (eventName, payload, from) => {
    expect(headCommit({ eventName, payload })).toEqual(from === null ? null : { sha: HEAD, from })
  })
})
