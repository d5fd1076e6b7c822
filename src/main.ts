// The action: the only module that reads inputs. It builds one validated Inputs object, wires the
// runner's I/O, and hands both to the run. `run()` is the entry GitHub's TypeScript action template
// and its local runner (@github/local-action) call; index.ts calls it on a runner. Only the inputs'
// check is loaded at start, so a bad input is refused without paying for the rest: what every run
// needs comes from one chunk of dist/ once the inputs are valid, and octokit from another when a
// comment is due.
import * as core from '@actions/core'
import { createReadStream } from 'node:fs'
import { readFile, realpath, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openManifest, readPlanFile, readRepositoryFile, type InputFiles } from './input-files.js'
import { INPUT_NAMES, parseInputs, secretInputs, type RawInputs } from './inputs.js'
import { createRedactor } from './redact.js'
import { reasonOf, StepFailure } from './text.js'

// The run's one redactor. What this module writes itself (the GitHub client's log, the last
// error) bypasses run()'s redacting I/O: it is cleaned here, with every secret run() learnt.
const redact = createRedactor([])

async function main(): Promise<void> {
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [name, core.getInput(name)])
  ) as RawInputs
  // Mask the secrets before anything can be logged, the environment fallback included.
  const secrets = secretInputs(raw, process.env)
  for (const secret of secrets) core.setSecret(secret)
  redact.learn(secrets)
  const inputs = parseInputs(raw, process.env)
  const reportDir = process.env.RUNNER_TEMP || tmpdir()
  const files: InputFiles = {
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    fs: {
      realpath,
      stat,
      readFile,
      // 1 MiB chunks read a 100 MB manifest about a quarter faster than the default 64 KiB.
      stream: (path) => createReadStream(path, { highWaterMark: 1 << 20 })
    }
  }
  // One name, one chunk: these four are always needed together.
  const [{ run: runFlow }, { proxyFetch }, { readGitHubContext }, { createGitHubClient }] =
    await Promise.all([
      import(/* webpackChunkName: "run" */ './run.js'),
      import(/* webpackChunkName: "run" */ './http/proxy.js'),
      import(/* webpackChunkName: "run" */ './github/context.js'),
      import(/* webpackChunkName: "run" */ './github/octokit.js')
    ])
  await runFlow(inputs, {
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
    setFailed: (message, options) => {
      if (options?.annotate !== false) core.setFailed(message)
      else {
        // Each cause has its error annotation already: fail the step without one more.
        core.info(message)
        process.exitCode = 1
      }
    },
    mask: (secret) => {
      core.setSecret(secret)
    },
    redactor: redact,
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write()
    },
    writeReport: async (fileName, markdown) => {
      const path = join(reportDir, fileName)
      await writeFile(path, markdown, 'utf8')
      return path
    },
    fetch: await proxyFetch(inputs.datafoldHost),
    fetchFor: async (origin) => (await proxyFetch(origin)) ?? globalThis.fetch,
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
    openManifest: (path) => openManifest(path, files),
    readPlanFile: (path) => readPlanFile(path, files),
    readRepositoryFile: (path) => readRepositoryFile(path, files),
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

/** Runs the action once; every failure is the step's, through core.setFailed. */
export async function run(): Promise<void> {
  await main().catch((error: unknown) => {
    // Bad inputs, and dbt Cloud mode's errors: the message says what to do.
    if (error instanceof StepFailure) {
      // A plan's or a manifest's problems quote what was written there, which could hold a secret.
      core.setFailed(redact(error.message))
      return
    }
    if (error instanceof Error && error.stack) core.debug(redact(error.stack))
    core.setFailed(redact(`datafold-diff-gate stopped: ${reasonOf(error)}`))
  })
}
