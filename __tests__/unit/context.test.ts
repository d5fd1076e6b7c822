import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readGitHubContext } from '../../src/github/context.js'

describe('readGitHubContext', () => {
  it('reads the event, repository, server and run from the runner environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'))
    const eventPath = join(dir, 'event.json')
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 7 } }))
    expect(
      readGitHubContext({
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: 'acme/warehouse',
        GITHUB_SERVER_URL: 'https://ghe.example/',
        GITHUB_RUN_ID: '99'
      })
    ).toEqual({
      eventName: 'pull_request',
      payload: { pull_request: { number: 7 } },
      owner: 'acme',
      repo: 'warehouse',
      serverUrl: 'https://ghe.example',
      runId: '99'
    })
  })

  it('falls back to an empty payload when the event file is missing or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'))
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '<html>')
    expect(readGitHubContext({ GITHUB_EVENT_PATH: bad }).payload).toEqual({})
    expect(readGitHubContext({ GITHUB_EVENT_PATH: join(dir, 'none.json') }).payload).toEqual({})
    expect(readGitHubContext({}).serverUrl).toBe('https://github.com')
    expect(readGitHubContext({}).runAttempt).toBeUndefined()
    expect(readGitHubContext({ GITHUB_RUN_ATTEMPT: '2' }).runAttempt).toBe('2')
  })
})
