// What a pull request's plan file, and Datafold's answers to it, cannot do to the bundle
// (`node dist/index.js` against the fake Datafold and GitHub): send a secret away through
// `{env.NAME}`, write out a data source's password that Datafold quotes, crash on a plan key,
// have a file read that is not the repository's (a link out, /dev/zero, a pipe, Latin-1, too
// large), or leave the diffs it was creating running when the job is stopped.
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { DATA_SOURCE_SECRETS, dataSources } from '../../__fixtures__/data-sources.js'
import { sameDbDone } from '../../__fixtures__/diffs.js'
import { hang, type CreateScript, type FakeDatafold } from '../../__fixtures__/fake-datafold.js'
import type { FakeGitHub } from '../../__fixtures__/fake-github.js'
import { firstError, type RunOptions } from '../../__fixtures__/harness.js'
import { sweptHarness } from '../../__fixtures__/swept-harness.js'
import { findLeaks } from '../../__fixtures__/secret-sweep.js'
import { runnerLogLine } from '../../scripts/demo-log.js'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const API_KEY = 'dfk_e2e_harden_0123456789abcdef'
const TOKEN = 'ghs_e2e_harden_fedcba9876543210'
const [SF_PASSWORD = '', PG_PASSWORD = ''] = DATA_SOURCE_SECRETS

const harness = sweptHarness({ apiKey: API_KEY, token: TOKEN, others: DATA_SOURCE_SECRETS })

const start = (create: CreateScript = {}) =>
  harness.start({
    scenarios: {},
    datafold: {
      dataSources: dataSources(),
      create: { polls: 1, summary: (_body, id) => sameDbDone({ id }), ...create }
    }
  })

/** A workspace whose .github/datafold-plan.yml `write` makes (a file, a link, a pipe). */
function workspace(write: (file: string, dir: string) => void): string {
  const dir = harness.tempDir()
  mkdirSync(join(dir, 'repo', '.github'), { recursive: true })
  write(join(dir, 'repo', '.github', 'datafold-plan.yml'), dir)
  return join(dir, 'repo')
}

function planRun(github: FakeGitHub, root: string, env: Record<string, string> = {}): RunOptions {
  return {
    inputs: { 'plan-file': '.github/datafold-plan.yml', 'data-source': 'warehouse' },
    payload: { pull_request: { number: 482, head: { sha: SHA } } },
    serverUrl: github.serverUrl,
    env: { GITHUB_WORKSPACE: root, ...env },
    // A run that hangs is killed, and fails the test, well before jest's own timeout.
    timeoutMs: 30_000
  }
}

const planFile = (plan: string) =>
  workspace((file) => {
    writeFileSync(file, plan)
  })

const creates = (datafold: FakeDatafold) =>
  datafold.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/datadiffs')

/** Every line written, but those that register a secret with the runner. */
const written = (everything: string) => everything.replace(/^::add-mask::.*$/gm, '')

describe('{env.NAME} in a plan', () => {
  it('never fills in a secret: the plan is refused before any request, naming entry and placeholder', async () => {
    const fakes = await start()
    const plan = `defaults: { primary-key: id }
diffs:
  - name: orders
    table-a: a.orders
    table-b: b.orders
    filter: "token = '{env.GITHUB_TOKEN}'"
  - name: payments
    table-a: a.payments
    table-b: b.{env.DATAFOLD_API_KEY}
  - name: events
    table-a: a.events
    table-b: b.events
    filter: "hook = '{env.DEPLOY_HOOK}' and title = '{env.INPUT_TITLE}'"
  - name: refunds
    table-a: a.refunds
    table-b: b.refunds_{env.TEAM}
`
    const run = await fakes.run(
      '',
      planRun(fakes.github, planFile(plan), {
        GITHUB_TOKEN: TOKEN,
        DATAFOLD_API_KEY: API_KEY,
        // Another name for the API key: its value gives it away.
        DEPLOY_HOOK: API_KEY,
        // As the runner gives the action its title input.
        INPUT_TITLE: 'Data diff',
        TEAM: 'ops'
      })
    )
    expect(run.code).toBe(1)
    const message = firstError(run)
    expect(message).toContain('Invalid plan (plan-file .github/datafold-plan.yml), 4 problems')
    const sent = "a plan's values are sent to Datafold"
    for (const problem of [
      `entry 1 (orders): filter: {env.GITHUB_TOKEN}: not filled in, as its name says it holds a secret (TOKEN); ${sent}`,
      `entry 2 (payments): table-b: {env.DATAFOLD_API_KEY}: not filled in, as its name says it holds a secret (KEY); ${sent}`,
      `entry 3 (events): filter: {env.DEPLOY_HOOK}: not filled in, as its value holds a secret this action masks; ${sent}`,
      `entry 3 (events): filter: {env.INPUT_TITLE}: not filled in, as it holds one of this action's inputs; ${sent}`
    ]) {
      expect(message).toContain(problem)
    }
    expect(fakes.datafold.requests).toEqual([])
  }, 60_000)
})

describe("a data source's password that Datafold quotes", () => {
  it('is masked for the runner and written nowhere: log, comment, summary, outputs, report', async () => {
    // Datafold refuses payments' create (data source 12) quoting the connection it tried, as a
    // JSON string, escaped.
    const fakes = await start({
      refuse: (body) =>
        body.data_source2_id === 12
          ? [
              {
                loc: ['body', 'table2'],
                msg: `cannot connect as DATAFOLD with password "${SF_PASSWORD}" (also tried ${PG_PASSWORD}): table not found`,
                type: 'value_error'
              }
            ]
          : []
    })
    const plan = `defaults: { primary-key: id }
diffs:
  - { name: orders, table-a: analytics.prod.orders, table-b: analytics.pr.orders }
  - { name: payments, data-source-b: snowflake-eu, table-a: analytics.prod.payments, table-b: eu.payments }
`
    const run = await fakes.run('', planRun(fakes.github, planFile(plan)))
    expect(run.outputs.result).toBe('error')
    expect(fakes.datafold.created).toHaveLength(1)
    // Registered with the runner, which masks the log: every text of the records' options.
    for (const secret of [SF_PASSWORD, PG_PASSWORD, 'acme-xy12345', 'db.internal']) {
      expect(run.stdout).toContain(`::add-mask::${secret}`)
    }
    // Where the refusal is shown, the passwords (and the user, a text of the record) are ***.
    expect(run.stdout).toContain(
      'payments: could not create the diff: Datafold refused the request (HTTP 422): body.table2: cannot connect as *** with password "***" (also tried ***): table not found'
    )
    const comment = fakes.github.commentsOn()[0]?.body ?? ''
    expect(comment).toContain('with password')
    expect(
      findLeaks(
        [
          { where: 'written', text: written(run.everything) },
          { where: 'comment', text: comment }
        ],
        DATA_SOURCE_SECRETS
      )
    ).toEqual([])
  }, 60_000)
})

describe('a plan key', () => {
  it('named like a property of every object is an unknown key, never a crash', async () => {
    const fakes = await start()
    const plan = `defaults:
  constructor: 1
  primary-key: id
  hasOwnProperty: x
diffs:
  - name: orders
    table-a: a.orders
    table-b: b.orders
    toString: x
    sampling: { __proto__: 1, ratio: 0.1 }
`
    const run = await fakes.run('', planRun(fakes.github, planFile(plan)))
    expect(run.code).toBe(1)
    const message = firstError(run)
    expect(message).toContain('Invalid plan (plan-file .github/datafold-plan.yml), 4 problems')
    for (const problem of [
      'defaults: constructor: unknown key',
      'defaults: hasOwnProperty: unknown key',
      'entry 1 (orders): toString: unknown key',
      'entry 1 (orders): sampling: __proto__: unknown key'
    ]) {
      expect(message).toContain(problem)
    }
    expect(message).not.toContain('is not a function')
    expect(fakes.datafold.requests).toEqual([])
  }, 60_000)
})

const PLAN = 'diffs:\n  - { name: orders, table-a: a.orders, table-b: b.orders, primary-key: id }\n'

describe('a plan file that is not what it seems', () => {
  it.each([
    {
      file: 'a link to a plan outside the workspace',
      make: (file: string, dir: string) => {
        writeFileSync(join(dir, 'outside.yml'), PLAN)
        symlinkSync(join(dir, 'outside.yml'), file)
      },
      problem:
        /- the file cannot be read: outside the workspace \(.*\): it is .*\/outside\.yml; only the repository's files are read/
    },
    {
      file: 'a link to /dev/zero',
      make: (file: string) => {
        symlinkSync('/dev/zero', file)
      },
      problem: /- the file cannot be read: outside the workspace \(.*\): it is \/dev\/zero/
    },
    {
      file: 'a named pipe',
      make: (file: string) => {
        execFileSync('mkfifo', [file])
      },
      problem: /- the file cannot be read: a named pipe, not a regular file/
    },
    {
      file: 'a Latin-1 file',
      make: (file: string) => {
        writeFileSync(file, Buffer.from(PLAN.replace('a.orders', 'a.café'), 'latin1'))
      },
      problem: /- the file cannot be read: not UTF-8 text: save the plan as UTF-8/
    },
    {
      file: 'a file over 1 MiB',
      make: (file: string) => {
        writeFileSync(file, `${PLAN}${'# padding\n'.repeat(110_000)}`)
      },
      problem:
        /- the file cannot be read: 1,\d{3},\d{3} bytes, more than the 1 MB this input may hold/
    }
  ])(
    'is refused before any request: $file',
    async ({ make, problem }) => {
      const fakes = await start()
      const run = await fakes.run('', planRun(fakes.github, workspace(make)))
      expect(run.code).toBe(1)
      const message = runnerLogLine(firstError(run)) ?? ''
      expect(message).toContain('Invalid plan (plan-file .github/datafold-plan.yml), 1 problem')
      expect(message).toMatch(problem)
      expect(fakes.datafold.requests).toEqual([])
    },
    60_000
  )

  it('is read with a byte-order mark and CRLF line ends, its names whole', async () => {
    const fakes = await start()
    const crlf = `\uFEFF${PLAN.replace('a.orders', 'a.café').replaceAll('\n', '\r\n')}`
    const run = await fakes.run('', planRun(fakes.github, planFile(crlf)))
    expect(run.code).toBe(0)
    // On a Snowflake data source, as Snowflake stores names written without quotes.
    expect(fakes.datafold.created.map((c) => c.body.table1)).toEqual([['A', 'CAFÉ']])
  }, 60_000)
})

describe('a job stopped while it creates its diffs', () => {
  /** A plan of `count` entries. */
  const entries = (count: number) =>
    `defaults: { primary-key: id }\ndiffs:\n${Array.from(
      { length: count },
      (_, i) => `  - { name: t${i + 1}, table-a: a.t${i + 1}, table-b: b.t${i + 1} }`
    ).join('\n')}\n`

  /** SIGTERM once `sent` creates have reached Datafold. */
  const stopWhen =
    (datafold: FakeDatafold, sent: number): RunOptions['onSpawn'] =>
    (child) => {
      const timer = setInterval(() => {
        if (creates(datafold).length >= sent) {
          clearInterval(timer)
          child.kill('SIGTERM')
        }
      }, 20)
      child.on('exit', () => {
        clearInterval(timer)
      })
    }

  it('sends no more creates, waits for the 8 sent and cancels the diffs they made', async () => {
    // Datafold makes each diff at once and answers its create 1.5 s later.
    const fakes = await start({ answerAfterMs: 1_500, polls: 1_000 })
    const { datafold, github } = fakes
    const run = await fakes.run('', {
      ...planRun(github, planFile(entries(10)), {}),
      onSpawn: stopWhen(datafold, 8)
    })
    expect(run.code).not.toBe(0)
    // At most 8 creates are under way at once: the other 2 are never sent.
    expect(creates(datafold)).toHaveLength(8)
    const ids = datafold.created.map((c) => c.id)
    expect(ids).toHaveLength(8)
    expect([...datafold.cancellations].sort()).toEqual([...ids].sort())
    expect(run.stdout).toContain('Received SIGTERM: cancelling the diffs this run created')
    expect(run.stdout).toContain('Waiting up to 5s for the creates sent')
    for (const { id, body } of datafold.created) {
      // Entry t3's table a.t3, upper-case on the Snowflake data source.
      const entry = (body.table1 as string[])[1]?.toLowerCase() ?? ''
      expect(run.stdout).toContain(`Cancelled diff ${id} (${entry}): the job was cancelled`)
    }
    expect(run.stdout).not.toContain('did not answer its create')
  }, 60_000)

  it('names a create still unanswered when the wait ends', async () => {
    // The first create to arrive is never answered (nor made); the other is answered late.
    const fakes = await start({ answerAfterMs: 1_500, polls: 1_000, faults: [hang()] })
    const { datafold, github } = fakes
    const run = await fakes.run('', {
      ...planRun(github, planFile(entries(2)), {}),
      onSpawn: stopWhen(datafold, 2)
    })
    expect(run.code).not.toBe(0)
    const [made] = datafold.created
    expect(datafold.created).toHaveLength(1)
    expect(datafold.cancellations).toEqual([made?.id])
    const answered = (made?.body.table1 as string[] | undefined)?.[1]?.toLowerCase() ?? ''
    const hung = answered === 't1' ? 't2' : 't1'
    expect(run.stdout).toContain(`Cancelled diff ${made?.id} (${answered}): the job was cancelled`)
    expect(run.stdout).toContain(
      `${hung}: Datafold did not answer its create within 5s; a diff it makes of it now is not cancelled`
    )
  }, 60_000)
})
