// The bundle as GitHub runs it: `node dist/index.js` in a child process, under this machine's
// Node and under Node 24, against the fake Datafold and GitHub servers on 127.0.0.1. Each test's
// timeout guards against a hang: ten times its duration on a busy 2-core machine.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  crossDbDone,
  DEMO_DIFF_IDS,
  demoScenario,
  diffRecord,
  runningSummary,
  sameDbDone
} from '../../__fixtures__/diffs.js'
import {
  failedScenario,
  finishedScenario,
  json,
  rateLimited,
  runningScenario,
  serverError,
  waitingOnPersonScenario
} from '../../__fixtures__/fake-datafold.js'
import { BOT_USER, reportMarker } from '../../__fixtures__/fake-github.js'
import { startFakeProxy } from '../../__fixtures__/fake-proxy.js'
import { commandLines, firstError, Harness } from '../../__fixtures__/harness.js'
import { nodeRuntimes, REPO_ROOT } from '../../__fixtures__/run-action.js'

const harness = new Harness()
const { apiKey: API_KEY, token: TOKEN } = harness.secrets
const MARKER = '<!-- datafold-diff-gate:default -->'
const LOADED_MODULES = join(REPO_ROOT, '__fixtures__', 'loaded-modules.cjs')

/** The npm packages in the files of dist/ a run loaded (listed in `file` by LOADED_MODULES). */
function bundledPackages(file: string): string[] {
  const chunks = readFileSync(file, 'utf8')
    .split('\n')
    .filter((path) => path.startsWith(join(REPO_ROOT, 'dist')))
  const sources = chunks.flatMap(
    (chunk) => (JSON.parse(readFileSync(`${chunk}.map`, 'utf8')) as { sources: string[] }).sources
  )
  const packages = sources.map((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1])
  return [...new Set(packages.filter((name) => name !== undefined))]
}

afterEach(async () => {
  // Every scenario, error paths included, ends with the secrets sweep.
  expect((await harness.end()).leaks).toEqual([])
})

// Found on this machine, or installed once from the npm registry (see __fixtures__/node24.ts).
const runtimes = nodeRuntimes()

beforeAll(() => {
  // Without Node 24 this suite would silently test the machine's Node only.
  const versions = runtimes.map(({ path }) =>
    execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
  )
  expect(versions.filter((version) => version.startsWith('v24.'))).toHaveLength(1)
})

describe.each(runtimes)('dist/index.js under $name', ({ path: node }) => {
  it('passes, and comments on the PR through the GHES /api/v3 prefix', async () => {
    const fakes = await harness.start()
    const { datafold, github } = fakes
    const run = await fakes.run('101', { node, inputs: { 'max-rows-removed': '0' } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    const comments = github.commentsOn(482)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body.startsWith(MARKER)).toBe(true)
    expect(run.outputs['comment-id']).toBe(String(comments[0]?.id))
    expect(run.summary).toContain('analytics.orders')
    expect(github.requests.every((r) => r.path.startsWith('/api/v3/'))).toBe(true)
    expect(datafold.requests.map((r) => r.headers.authorization)).toEqual([
      `Key ${API_KEY}`,
      `Key ${API_KEY}`
    ])
    expect(
      datafold.requests.every((r) => /^datafold-diff-gate\//.test(r.headers['user-agent'] ?? ''))
    ).toBe(true)
    // `::add-mask::` is how a secret is registered; the runner consumes that line.
    const written = run.everything.replace(/^::add-mask::.*$/gm, '')
    expect(written).not.toContain(API_KEY)
    expect(written).not.toContain(TOKEN)
    expect(run.stdout).toContain(`::add-mask::${API_KEY}`)
  }, 20_000)

  it('fails on a breach, and a second run edits the same comment', async () => {
    const fakes = await harness.start()
    const { github } = fakes
    const breach = { node, inputs: { 'max-rows-changed': '1%' } }
    const first = await fakes.run('101,102', breach)
    expect(first.code).toBe(1)
    expect(first.outputs.result).toBe('fail')
    // Workflow commands encode % as %25.
    expect(first.stdout).toContain(
      '::error title=Datafold threshold exceeded::diff 102 (analytics.customers): rows-changed 1,205 (2.50%25) > max 1%25'
    )
    // One breach, one error annotation: the failure counts it in the log without repeating it.
    expect(commandLines(first, '::error')).toHaveLength(1)
    expect(first.stdout).toMatch(
      /^1 threshold exceeded: this step's error annotations name it, and the report is in the report comment \(\S+\/pull\/482#issuecomment-\d+\)$/m
    )
    const second = await fakes.run('101,102', breach)
    expect(second.code).toBe(1)
    expect(github.commentsOn(482)).toHaveLength(1)
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id'])
    // A GITHUB_TOKEN is known by its prefix, so no `GET /user`. The first run lists when it starts
    // (no report yet), creates, and looks once more for a racing run's comment; the second lists
    // when it starts, reads the report it found afresh right before writing, edits, and looks once
    // more too.
    const comments = '/api/v3/repos/acme/analytics-dbt/issues/482/comments'
    const report = `/api/v3/repos/acme/analytics-dbt/issues/comments/${second.outputs['comment-id'] ?? ''}`
    expect(github.requests.map((r) => `${r.method} ${r.path.split('?')[0] ?? ''}`)).toEqual([
      `GET ${comments}`,
      `POST ${comments}`,
      `GET ${comments}`,
      `GET ${comments}`,
      `GET ${report}`,
      `PATCH ${report}`,
      `GET ${comments}`
    ])
  }, 35_000)

  it('reaches Datafold through the proxy HTTPS_PROXY names, and directly past NO_PROXY', async () => {
    const fakes = await harness.start()
    const { datafold, github } = fakes
    const proxy = harness.track(
      await startFakeProxy({ hostname: 'datafold.test', upstream: datafold.url })
    )
    const inputs = { 'datafold-host': 'https://datafold.test' }
    // datafold.test is a reserved name that resolves nowhere: reached only through the proxy.
    const env = {
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: proxy.caFile,
      E2E_ALSO_ALLOWED: 'datafold.test'
    }
    const proxied = await fakes.run('101', { node, inputs, env })
    expect(proxied.stderr).toBe('')
    expect(proxied.outputs.result).toBe('pass')
    expect(proxy.connects.length).toBeGreaterThan(0)
    expect(new Set(proxy.connects)).toEqual(new Set(['datafold.test:443']))
    expect(datafold.requests.map((r) => r.endpoint).sort()).toEqual(['record', 'summary_results'])
    // GitHub is on loopback, which is never proxied.
    expect(github.commentsOn(482)).toHaveLength(1)

    const connects = proxy.connects.length
    const direct = await fakes.run('101', {
      node,
      inputs,
      env: { ...env, NO_PROXY: 'example.com,.test' }
    })
    // Straight to datafold.test, which does not resolve: an error at once, nothing via the proxy.
    expect(direct.outputs.result).toBe('error')
    expect(direct.stdout).toContain(
      'datafold.test does not resolve (ENOTFOUND): check datafold-host'
    )
    // Not tried again: a name that does not resolve stays so.
    expect(direct.stdout).not.toContain('(try 2 of')
    expect(proxy.connects).toHaveLength(connects)
  }, 45_000)

  it('reaches GitHub through the proxy HTTPS_PROXY names; loads undici only to write to GitHub', async () => {
    const fakes = await harness.start()
    const { github } = fakes
    const proxy = harness.track(
      await startFakeProxy({ hostname: 'github.test', upstream: github.url })
    )
    const loaded = join(harness.tempDir(), 'loaded')
    const probe = {
      node,
      nodeArgs: ['--require', LOADED_MODULES],
      env: { LOADED_MODULES_FILE: loaded }
    }

    // Without a comment, nothing of GitHub's client is loaded.
    const quiet = await fakes.run('101', {
      ...probe,
      inputs: { 'comment-mode': 'off' }
    })
    expect(quiet.code).toBe(0)
    expect(bundledPackages(loaded)).not.toContain('undici')
    expect(bundledPackages(loaded)).not.toContain('@octokit/core')
    // With one, @actions/github's client, and the undici its proxy-aware fetch is built on.
    const direct = await fakes.run('101', probe)
    expect(direct.code).toBe(0)
    expect(bundledPackages(loaded)).toContain('@octokit/core')
    expect(bundledPackages(loaded)).toContain('undici')

    // github.test is a reserved name that resolves nowhere: reached only through the proxy.
    const proxied = await fakes.run('101', {
      ...probe,
      apiUrl: 'https://github.test/api/v3',
      env: {
        ...probe.env,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: proxy.caFile,
        E2E_ALSO_ALLOWED: 'github.test'
      }
    })
    expect(proxied.stderr).toBe('')
    expect(proxied.outputs.result).toBe('pass')
    expect(new Set(proxy.connects)).toEqual(new Set(['github.test:443']))
    expect(github.commentsOn(482)).toHaveLength(1)
    expect(proxied.outputs['comment-id']).toBe(direct.outputs['comment-id'])
    expect(bundledPackages(loaded)).toContain('undici')
  }, 45_000)

  it('refuses bad inputs before sending any request', async () => {
    const { datafold, github } = await harness.start()
    // No github-token and no pull request: the run must stop at the inputs.
    const run = await harness.runAction({
      node,
      inputs: {
        'diff-ids': '101,abc',
        'api-key': API_KEY,
        'datafold-host': datafold.url,
        'max-rows-changed': 'lots'
      },
      apiUrl: github.url
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('max-rows-changed')
    expect(run.stdout).toContain('"lots"')
    expect(datafold.requests).toEqual([])
    expect(github.requests).toEqual([])
  }, 10_000)

  it('on push without pr-number: no GitHub call, summary and outputs still written', async () => {
    const fakes = await harness.start({ scenarios: { 7: finishedScenario(sameDbDone({ id: 7 })) } })
    const { github } = fakes
    const run = await fakes.run('7', { node, eventName: 'push', payload: {} })
    expect(run.code).toBe(0)
    expect(github.requests).toEqual([])
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['comment-id']).toBe('')
    expect(run.summary).not.toBe('')
  }, 20_000)

  it('waits for a running diff, polling after 3 s then 6 s, then passes', async () => {
    const fakes = await harness.start({
      scenarios: {
        201: runningScenario(2, sameDbDone({ id: 201 }), { id: 201 })
      }
    })
    const { datafold, github } = fakes
    const run = await fakes.run('201', { node, inputs: { 'max-rows-changed': '0' } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(datafold.hits(201, 'summary_results')).toBe(3)
    expect(run.stdout).toMatch(/diff 201 is pending; checking again in 3s/)
    expect(run.stdout).toMatch(/diff 201 is running; checking again in 6s/)
    const polls = datafold.requests.filter((r) => r.endpoint === 'summary_results')
    const gaps = polls.slice(1).map((r, i) => r.time - (polls[i]?.time ?? 0))
    expect(gaps[0]).toBeGreaterThanOrEqual(2_900)
    expect(gaps[1]).toBeGreaterThanOrEqual(5_900)
    expect(github.commentsOn(482)).toHaveLength(1)
  }, 110_000)

  it('a failed diff with fail-on-error true: exit 1, result error', async () => {
    const fakes = await harness.start({ scenarios: { 301: failedScenario({}, { id: 301 }) } })
    const { github } = fakes
    const run = await fakes.run('301', { node })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    expect(run.outputs['breach-count']).toBe('0')
    const errors = commandLines(run, '::error::')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('1 diff could not be checked:%0A')
    expect(errors[0]).toContain('diff 301 failed in Datafold: QueryError')
    expect(github.commentsOn(482)).toHaveLength(1)
    expect(github.commentsOn(482)[0]?.body).toContain('QueryError')
    expect(run.summary).toContain('QueryError')
  }, 20_000)

  it('a failed diff with fail-on-error false: exit 0, result still error', async () => {
    const fakes = await harness.start({ scenarios: { 301: failedScenario({}, { id: 301 }) } })
    const { github } = fakes
    const run = await fakes.run('301', { node, inputs: { 'fail-on-error': 'false' } })
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('error')
    expect(commandLines(run, '::error')).toEqual([])
    expect(
      commandLines(run, '::warning::').some((l) => l.includes('diff 301 failed in Datafold'))
    ).toBe(true)
    expect(github.commentsOn(482)).toHaveLength(1)
  }, 20_000)

  it('gives up on a diff still running at wait-timeout', async () => {
    const fakes = await harness.start({
      scenarios: {
        401: {
          record: diffRecord({ id: 401, jobStatus: 'processing' }),
          summary: [json(runningSummary())]
        }
      }
    })
    const { datafold } = fakes
    const run = await fakes.run('401', { node, inputs: { 'wait-timeout': '2s' } })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    expect(run.stdout).toContain('diff 401 was still running after 2s (wait-timeout)')
    expect(firstError(run)).toContain('still running')
    // The first check, and one more that falls on the deadline.
    expect(datafold.hits(401, 'summary_results')).toBeGreaterThanOrEqual(2)
    expect(datafold.hits(401, 'summary_results')).toBeLessThanOrEqual(3)
  }, 60_000)

  it('a wrong API key: the key was rejected at the host, exit 1, result error', async () => {
    const fakes = await harness.start()
    const { datafold } = fakes
    const wrongKey = 'dfk_wrong_key_99887766'
    const run = await fakes.run('101', { node, inputs: { 'api-key': wrongKey } })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    const failure = firstError(run)
    expect(failure).toContain('Datafold rejected the API key (HTTP 401)')
    expect(failure).toContain(`at ${datafold.url}`)
    // 401 is not retried: one request per endpoint (the summary and the record).
    expect(datafold.requests.map((r) => r.endpoint).sort()).toEqual(['record', 'summary_results'])
    // The afterEach sweep searches this run for the wrong key too: it was given as api-key.
  }, 25_000)

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const fakes = await harness.start({
      scenarios: {
        501: {
          record: diffRecord({ id: 501 }),
          summary: [rateLimited('1'), json(sameDbDone({ id: 501 }))]
        }
      }
    })
    const { datafold } = fakes
    const run = await fakes.run('501', { node })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(datafold.hits(501, 'summary_results')).toBe(2)
    const tries = datafold.requests.filter((r) => r.endpoint === 'summary_results')
    expect((tries[1]?.time ?? 0) - (tries[0]?.time ?? 0)).toBeGreaterThanOrEqual(950)
  }, 35_000)

  it('retries a 503, then succeeds', async () => {
    const fakes = await harness.start({
      scenarios: {
        502: {
          record: diffRecord({ id: 502 }),
          summary: [serverError(503), json(sameDbDone({ id: 502 }))]
        }
      }
    })
    const { datafold } = fakes
    const run = await fakes.run('502', { node })
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(datafold.hits(502, 'summary_results')).toBe(2)
    expect(datafold.hits(502, 'record')).toBe(1)
  }, 30_000)

  it('with a read-only token: warns about pull-requests: write, the verdict still decides', async () => {
    const fakes = await harness.start({ github: { readOnly: true } })
    const { github } = fakes
    const pass = await fakes.run('101', { node })
    const fail = await fakes.run('101,102', { node, inputs: { 'max-rows-changed': '1%' } })
    for (const [run, code, result] of [
      [pass, 0, 'pass'],
      [fail, 1, 'fail']
    ] as const) {
      expect(run.code).toBe(code)
      expect(run.outputs.result).toBe(result)
      const warnings = commandLines(run, '::warning::')
      expect(warnings.some((w) => w.includes('`pull-requests: write`'))).toBe(true)
      expect(warnings.some((w) => w.includes('GitHub answered 403'))).toBe(true)
      expect(run.outputs['comment-id']).toBe('')
      expect(run.outputs['comment-url']).toBe('')
      expect(run.outputs['rows-removed']).toBe(result === 'pass' ? '0' : '37')
      expect(run.summary).toContain('analytics.orders')
    }
    expect(fail.outputs['breach-count']).toBe('1')
    expect(github.comments).toEqual([])
  }, 35_000)

  it('reports all five demo diffs in one comment', async () => {
    const fakes = await harness.start()
    const { github } = fakes
    const run = await fakes.run(DEMO_DIFF_IDS.join(','), { node })
    // 105 failed in Datafold.
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    const comments = github.commentsOn(482)
    expect(comments).toHaveLength(1)
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    const body = comments[0]?.body ?? ''
    for (const id of DEMO_DIFF_IDS) {
      expect(body).toContain(`diff ${id}`)
      expect(body).toContain(`/datadiffs/${id}`)
    }
    const diffs = JSON.parse(run.outputs.diffs ?? '[]') as unknown[]
    expect(diffs).toHaveLength(5)
  }, 20_000)

  it('a cross-database diff: schema changes not measured, a threshold on them warns, and its row is not ✅', async () => {
    const fakes = await harness.start({
      scenarios: {
        103: {
          record: diffRecord({ id: 103, model: 'payments', kind: 'cross_db' }),
          summary: [json(crossDbDone({ id: 103, added: 3, differences: { amount: 14 } }))]
        }
      }
    })
    const { github } = fakes
    const run = await fakes.run('103', { node, inputs: { 'max-schema-changes': '0' } })
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['breach-count']).toBe('0')
    expect(run.outputs.breaches).toBe('[]')
    expect(
      commandLines(run, '::warning::').some(
        (w) => w.includes('diff 103') && w.includes('did not measure') && w.includes('schema')
      )
    ).toBe(true)
    expect(commandLines(run, '::error')).toEqual([])
    const body = github.commentsOn(482)[0]?.body ?? ''
    expect(body).toContain('Datafold did not measure schema changes (limit 0)')
    // Nothing green that was not checked: the heading, the row and the output say so.
    expect(body).toContain('\n### ⚠️ 1 table not fully checked\n')
    expect(body).toMatch(/^\| ⚠️ \[payments\]\(.*\| n\/a&nbsp;⚠️ \| 0 \|$/m)
    expect(body).not.toContain('✅')
    expect(run.outputs['unchecked-count']).toBe('1')
  }, 25_000)

  it('thousands of differing columns: the comment fits, the summary has them all', async () => {
    const columns = Array.from({ length: 3_000 }, (_, i) => `column_${String(i)}`)
    const differences = Object.fromEntries(columns.map((c, i) => [c, (i % 97) + 1]))
    const spec = { id: 601, model: 'wide_table', pk: ['id'], columns, rowsA: 1_000_000 }
    const fakes = await harness.start({
      scenarios: {
        601: finishedScenario(sameDbDone({ ...spec, differences }), diffRecord(spec))
      }
    })
    const { github } = fakes
    const run = await fakes.run('601', { node, inputs: { 'max-columns-changed': '10' } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('fail')
    const posts = github.requests.filter((r) => r.method === 'POST')
    expect(posts).toHaveLength(1)
    const comments = github.commentsOn(482)
    // The fake stores a comment only when it answers 201.
    expect(comments).toHaveLength(1)
    const body = comments[0]?.body ?? ''
    expect(body.length).toBeLessThanOrEqual(60_000)
    expect(body).toContain('The full report is in the')
    expect(body).toContain('job summary')
    expect(run.outputs['comment-id']).toBe(String(comments[0]?.id))
    expect(run.summary).toContain('column_2999')
    expect(run.summary.length).toBeGreaterThan(body.length)
  }, 30_000)

  it('never touches a person’s comment that quotes the marker', async () => {
    const personal = `Why is this failing?\n\n> ${MARKER}\n> rows changed over the limit 50%`
    const fakes = await harness.start({
      github: {
        comments: [{ body: personal, user: { login: 'priya-eng', type: 'User' } }]
      }
    })
    const { github } = fakes
    const before = structuredClone(github.commentsOn(482)[0])
    const run = await fakes.run('101', { node })
    expect(run.code).toBe(0)
    const comments = github.commentsOn(482)
    expect(comments).toHaveLength(2)
    expect(comments[0]).toEqual(before)
    expect(comments[0]?.body).toBe(personal)
    const id = String(before?.id)
    expect(
      github.requests.filter(
        (r) => (r.method === 'PATCH' || r.method === 'DELETE') && r.path.includes(id)
      )
    ).toEqual([])
    expect(comments[1]?.user.login).toBe(BOT_USER.login)
    expect(comments[1]?.body.startsWith(MARKER)).toBe(true)
    expect(run.outputs['comment-id']).toBe(String(comments[1]?.id))
  }, 25_000)

  it('comment-mode recreate: deletes the old report and posts a new one', async () => {
    const fakes = await harness.start({
      github: {
        comments: [
          { body: 'Looks good to me', user: { login: 'sam-reviewer', type: 'User' } },
          {
            body: `${reportMarker()}\n## Datafold data diff\n\nAn older report.`,
            user: { login: BOT_USER.login, type: 'Bot' }
          },
          { body: 'One more thing', user: { login: 'mo-data', type: 'User' } }
        ]
      }
    })
    const { github } = fakes
    const oldId = github.commentsOn(482)[1]?.id ?? 0
    const run = await fakes.run('101', { node, inputs: { 'comment-mode': 'recreate' } })
    expect(run.code).toBe(0)
    const deletes = github.requests.filter((r) => r.method === 'DELETE')
    expect(deletes.map((r) => r.path)).toEqual([
      `/api/v3/repos/acme/analytics-dbt/issues/comments/${String(oldId)}`
    ])
    expect(github.requests.filter((r) => r.method === 'PATCH')).toEqual([])
    const comments = github.commentsOn(482)
    expect(comments.map((c) => c.body.slice(0, 16))).toEqual([
      'Looks good to me',
      'One more thing',
      MARKER.slice(0, 16)
    ])
    expect(comments.some((c) => c.id === oldId)).toBe(false)
    expect(comments[2]?.body).not.toContain('An older report.')
    expect(run.outputs['comment-id']).toBe(String(comments[2]?.id))
  }, 35_000)

  it('a diff waiting on a person fails at once, without waiting for wait-timeout', async () => {
    const fakes = await harness.start({
      scenarios: {
        701: waitingOnPersonScenario('needs_authentication', { id: 701 })
      }
    })
    const { datafold } = fakes
    const run = await fakes.run('701', { node, inputs: { 'wait-timeout': '20m' } })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    // One check, no wait: the diff was not polled again within the 20m wait-timeout.
    expect(datafold.hits(701, 'summary_results')).toBe(1)
    expect(run.stdout).not.toContain('checking again')
    const failure = firstError(run)
    expect(failure).toContain('diff 701 waits on a person')
    expect(failure).toContain('needs_authentication')
  }, 30_000)

  it('keeps the API key and the token out of everything, errors included', async () => {
    const echo = `key ${API_KEY} (base64 ${Buffer.from(API_KEY).toString('base64')}) refused by the warehouse; token ${TOKEN}`
    const fakes = await harness.start({
      scenarios: {
        ...demoScenario(),
        801: failedScenario({ error_type: 'AuthError', error_value: echo }, { id: 801 })
      }
    })
    const { github } = fakes
    const failed = await fakes.run('101,102,801', { node, inputs: { 'max-rows-changed': '1%' } })
    expect(failed.code).toBe(1)
    expect(failed.outputs.result).toBe('error')
    expect(failed.stdout).toContain('diff 801 failed in Datafold: AuthError')
    expect(github.commentsOn(482)[0]?.body).toContain('AuthError')
    expect(harness.sweep.take()).toEqual({ checked: 1, leaks: [] })

    const rejected = await fakes.run('101', { node, inputs: { 'api-key': `${API_KEY}_revoked` } })
    expect(rejected.code).toBe(1)
    expect(rejected.stdout).toContain('Datafold rejected the API key')
    expect(harness.sweep.take()).toEqual({ checked: 1, leaks: [] })
  }, 40_000)
})
