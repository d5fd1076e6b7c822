// The action's entry point: the only module that reads inputs. It builds one validated Inputs
// object, wires the runner's I/O, and hands both to run(). Only the inputs' check is loaded at
// start, so a bad input is refused without paying for the rest: what every run needs comes from
// one chunk of dist/ once the inputs are valid, and octokit from another when a comment is due.
import * as core from '@actions/core'
import { createReadStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { INPUT_NAMES, InputError, parseInputs, secretInputs, type RawInputs } from './inputs.js'
import { createRedactor, type Redact } from './redact.js'
import { reasonOf } from './text.js'

// What this module writes itself (the GitHub client's log, the last error) bypasses run()'s
// redacting I/O: it is cleaned here, once the secrets are known.
let redact: Redact = (text) => text

async function main(): Promise<void> {
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [name, core.getInput(name)])
  ) as RawInputs
  // Mask the secrets before anything can be logged, the environment fallback included.
  const secrets = secretInputs(raw, process.env)
  for (const secret of secrets) core.setSecret(secret)
  redact = createRedactor(secrets)
  const inputs = parseInputs(raw, process.env)
  const reportDir = process.env.RUNNER_TEMP || tmpdir()
  // One name, one chunk: these four are always needed together.
  const [{ run }, { fetchForHost }, { readGitHubContext }, { createGitHubClient }] =
    await Promise.all([
      import(/* webpackChunkName: "run" */ './run.js'),
      import(/* webpackChunkName: "run" */ './datafold/proxy.js'),
      import(/* webpackChunkName: "run" */ './github/context.js'),
      import(/* webpackChunkName: "run" */ './github/octokit.js')
    ])
  await run(inputs, {
    info: (message) => {
      core.info(message)
    },
    warning: (message) => {
      core.warning(message)
    },
    annotate: (message, title) => {
      core.error(message, { title })
    },
    setOutput: (name, value) => {
      core.setOutput(name, value)
    },
    setFailed: (message) => {
      core.setFailed(message)
    },
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write()
    },
    writeReport: async (fileName, markdown) => {
      const path = join(reportDir, fileName)
      const { writeFile } = await import('node:fs/promises')
      await writeFile(path, markdown, 'utf8')
      return path
    },
    fetch: await fetchForHost(inputs.datafoldHost),
    createGitHubClient: (token) =>
      createGitHubClient(token, {
        baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
        log: (message) => {
          core.info(redact(message))
        }
      }),
    github: readGitHubContext(process.env),
    step: process.env.GITHUB_ACTION,
    env: process.env,
    // 1 MiB chunks read a 100 MB manifest about a quarter faster than the default 64 KiB.
    openManifest: (path) =>
      createReadStream(resolve(process.env.GITHUB_WORKSPACE || '.', path), {
        highWaterMark: 1 << 20
      }),
    readPlanFile: async (path) => {
      const { readFile } = await import('node:fs/promises')
      return readFile(resolve(process.env.GITHUB_WORKSPACE || '.', path), 'utf8')
    },
    onStop: (stop) => {
      // The runner sends SIGINT, then SIGTERM, when the job is cancelled: cancel what was created.
      let stopping = false
      const handler = (signal: NodeJS.Signals): void => {
        if (stopping) return
        stopping = true
        core.info(`Received ${signal}: cancelling the diffs this run created`)
        void stop().finally(() => process.exit(1))
      }
      process.once('SIGINT', handler)
      process.once('SIGTERM', handler)
      return () => {
        process.off('SIGINT', handler)
        process.off('SIGTERM', handler)
      }
    }
  })
}

main().catch((error: unknown) => {
  if (error instanceof InputError) {
    // A plan's or a manifest's problems quote what was written there, which could hold a secret.
    core.setFailed(redact(error.message))
    return
  }
  if (error instanceof Error && error.stack) core.debug(redact(error.stack))
  core.setFailed(redact(`datafold-diff-gate stopped: ${reasonOf(error)}`))
})
