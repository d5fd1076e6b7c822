// A fake GitHub, the action's own GitHub client on it, and the log a commit status or a check run
// writes to: what their integration tests start with.
import type { FakeGitHubOptions, fakeGitHubPool } from './fake-github.js'
import type { GateIO } from '../src/github/gate-verdict.js'
import { createGitHubClient } from '../src/github/octokit.js'
import { createRedactor } from '../src/redact.js'

export async function gitHubWithClient(
  pool: ReturnType<typeof fakeGitHubPool>,
  token: string,
  options: FakeGitHubOptions = {}
) {
  const gh = await pool.start({ token, ...options })
  const github = await createGitHubClient(token, { baseUrl: gh.url, fetch: globalThis.fetch })
  const log = { infos: [] as string[], warnings: [] as string[] }
  const io: GateIO = {
    info: (message) => {
      log.infos.push(message)
    },
    warning: (message) => {
      log.warnings.push(message)
    },
    redact: createRedactor([token])
  }
  return { gh, github, io, log }
}
