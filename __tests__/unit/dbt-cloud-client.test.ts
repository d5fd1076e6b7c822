// The dbt Cloud client against a scripted fetch: what each request carries and where it goes, the
// retries (recorded sleeps, a fake clock: no test really waits), and the message for each way a
// request fails, none of which ever holds the token.
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fakeClock, type FakeClock } from '../../__fixtures__/fake-clock.js'
import { errorBody } from '../../__fixtures__/fake-dbt-cloud.js'
import { createDbtCloudClient } from '../../src/dbt-cloud/client.js'
import { DbtCloudError } from '../../src/dbt-cloud/errors.js'

const TOKEN = 'dbtc_9fKq2LmN4pR7sT1vW3xY'
const ORIGIN = 'https://ab123.us1.dbt.com'
const START = Date.UTC(2026, 10, 30, 13, 0, 0)
const RUN = { id: 4242, account_id: 70403, status: 10, created_at: 'x', updated_at: 'x' }

type Answer = Response | Error | (() => Response)
let script: Answer[]
let sent: { url: string; init: RequestInit }[]
let clock: FakeClock
let said: string[]

const fetchStub: typeof globalThis.fetch = (input, init) => {
  // The client passes the URL as a string.
  sent.push({ url: input as string, init: init ?? {} })
  const next = script.shift() ?? new Error('the script ran out')
  if (next instanceof Error) return Promise.reject(next)
  return Promise.resolve(typeof next === 'function' ? next() : next)
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers }
  })

function client(overrides: { deadline?: number; retries?: number } = {}) {
  return createDbtCloudClient({
    origin: ORIGIN,
    accountId: 70403,
    token: TOKEN,
    userAgent: 'datafold-diff-gate/1.0.0',
    fetch: fetchStub,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0,
    log: (line) => said.push(line),
    ...overrides
  })
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(DbtCloudError)
  return (error as Error).message
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

beforeEach(() => {
  script = []
  sent = []
  said = []
  clock = fakeClock(START)
})

describe('requests', () => {
  it('carry the token in Authorization: Token, to the account under the origin, and follow no redirect', async () => {
    script = [json({ data: RUN })]
    const run = await client().getRun(4242)
    expect(run.id).toBe(4242)
    expect(sent).toHaveLength(1)
    const [{ url, init } = { url: '', init: {} }] = sent
    expect(url).toBe(
      `${ORIGIN}/api/v2/accounts/70403/runs/4242/?include_related=%5B%22trigger%22%2C%22job%22%5D`
    )
    expect(init.headers).toEqual({
      Authorization: `Token ${TOKEN}`,
      Accept: 'application/json',
      'User-Agent': 'datafold-diff-gate/1.0.0'
    })
    expect(init.redirect).toBe('manual')
    expect(init.method).toBeUndefined()
  })

  it('list runs with the filters asked for, and their trigger and job', async () => {
    script = [json({ data: [RUN] })]
    await client().listRuns({ jobId: 8812, status: 10, orderBy: '-finished_at', limit: 20 })
    const url = new URL(sent[0]?.url ?? '')
    expect(url.pathname).toBe('/api/v2/accounts/70403/runs/')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      job_definition_id: '8812',
      status: '10',
      order_by: '-finished_at',
      limit: '20',
      include_related: '["trigger","job"]'
    })
  })

  it('stream an artifact as it arrives', async () => {
    const parts = ['{"metadata":', '{"x":1}}']
    script = [
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const part of parts) controller.enqueue(Buffer.from(part))
            controller.close()
          }
        })
      )
    ]
    const text = await drain(client().openArtifact({ id: 4242, url: null }, 'manifest.json'))
    expect(text).toBe(parts.join(''))
    expect(new URL(sent[0]?.url ?? '').pathname).toBe(
      '/api/v2/accounts/70403/runs/4242/artifacts/manifest.json'
    )
  })
})

describe('retries', () => {
  it('try a 429 again after the wait it asks for, and a 5xx after backoff', async () => {
    script = [
      json(errorBody(429, 'Slow down.'), 429, { 'Retry-After': '7' }),
      json(errorBody(503, 'Unavailable.'), 503),
      json({ data: RUN })
    ]
    expect((await client().getRun(4242)).id).toBe(4242)
    expect(clock.sleeps).toEqual([7_000, 2_000])
    expect(sent).toHaveLength(3)
    expect(said).toEqual([
      'dbt Cloud: run 4242: HTTP 429: Slow down.; trying again in 7s',
      'dbt Cloud: run 4242: HTTP 503: Unavailable.; trying again in 2s'
    ])
  })

  it('try a network error again, but not a host that does not resolve', async () => {
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    })
    script = [reset, json({ data: RUN })]
    expect((await client().getRun(4242)).id).toBe(4242)
    script = [
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })
      })
    ]
    expect(await failure(client().getRun(4242))).toBe(
      'ab123.us1.dbt.com does not resolve (ENOTFOUND): check dbt-cloud-host'
    )
  })

  it('start no retry past the deadline', async () => {
    script = [json(errorBody(502, 'Bad gateway.'), 502)]
    expect(await failure(client({ deadline: START + 500 }).getRun(4242))).toBe(
      'gave up on run 4242 at ab123.us1.dbt.com after 1 try, as the next would start after wait-timeout; the last ended in HTTP 502: Bad gateway.'
    )
    expect(clock.sleeps).toEqual([])
  })

  it('give up after the last try', async () => {
    script = Array.from({ length: 3 }, () => json(errorBody(500, 'Oops.'), 500))
    expect(
      await failure(client({ retries: 2 }).listRuns({ orderBy: '-id', limit: 1, jobId: 8 }))
    ).toBe(
      'gave up on the runs of job 8 at ab123.us1.dbt.com after 3 tries; the last ended in HTTP 500: Oops.'
    )
    expect(clock.sleeps).toEqual([1_000, 2_000])
  })
})

describe('a request that fails says what to do, and never repeats the token', () => {
  const echo = `Invalid token ${TOKEN}`
  it.each([
    [
      'a rejected token',
      () => json(errorBody(401, echo), 401),
      `dbt Cloud rejected dbt-cloud-token (HTTP 401) at ab123.us1.dbt.com: check that the secret holds a current service token of this account, and that dbt-cloud-host is the account's access URL`
    ],
    [
      'a token without the permission',
      () => json(errorBody(403, echo), 403),
      'dbt Cloud refused dbt-cloud-token (HTTP 403) at ab123.us1.dbt.com: give the service token a permission set that reads jobs, runs and artifacts (Read-Only, or Job Viewer on the project), and check dbt-cloud-account-id'
    ],
    [
      'a run that does not exist',
      () => json(errorBody(404, 'Not found.'), 404),
      'dbt Cloud has no run 4242 in account 70403 at ab123.us1.dbt.com (HTTP 404): check dbt-cloud-account-id, and that the token belongs to that account'
    ],
    [
      'a redirect, not followed',
      () => new Response(null, { status: 302, headers: { Location: 'https://evil.example/x' } }),
      "dbt Cloud answered run 4242 with a redirect to evil.example, not followed (the token goes to ab123.us1.dbt.com only): set dbt-cloud-host to the account's access URL"
    ],
    [
      'another client error, quoting the answer scrubbed',
      () => json(errorBody(400, echo), 400),
      'dbt Cloud answered run 4242 at ab123.us1.dbt.com with HTTP 400: Invalid token ***'
    ],
    [
      'a body that is not JSON, quoted scrubbed',
      () => new Response(`<html>${TOKEN}</html>`, { status: 200 }),
      "dbt Cloud's answer to run 4242 is not JSON: <html>***</html>"
    ],
    [
      'JSON that is not a run',
      () => json({ data: { id: 'x' } }),
      "dbt Cloud's answer to run 4242 is not a run: data.id: Invalid input: expected number, received string"
    ]
  ])('%s', async (_, answer, message) => {
    script = [answer()]
    const text = await failure(client().getRun(4242))
    expect(text).toBe(message)
    expect(text).not.toContain(TOKEN.slice(0, 8))
    expect(sent).toHaveLength(1)
  })

  it('a network error that quotes the token', async () => {
    const error = Object.assign(new TypeError('fetch failed'), {
      cause: new Error(`connect to ${TOKEN} refused`)
    })
    script = [error, error]
    const text = await failure(client({ retries: 1 }).getRun(4242))
    expect(text).toBe(
      'gave up on run 4242 at ab123.us1.dbt.com after 2 tries; the last ended in a network error: connect to *** refused'
    )
    expect(said.join('\n')).not.toContain(TOKEN.slice(0, 8))
  })

  it('a missing artifact, and a download cut short', async () => {
    const run = { id: 4242, url: 'https://ab123.us1.dbt.com/deploy/70403/projects/1001/runs/4242/' }
    script = [json(errorBody(404, 'Not found.'), 404)]
    expect(await failure(drain(client().openArtifact(run, 'run_results.json')))).toBe(
      `dbt Cloud run 4242 (${run.url}) has no run_results.json (HTTP 404): its last step wrote none; check that the job runs dbt build (or dbt run) as its last step`
    )
    script = [
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(Buffer.from('{"metadata":'))
            controller.error(new TypeError('terminated', { cause: new Error('other side closed') }))
          }
        })
      )
    ]
    expect(await failure(drain(client().openArtifact(run, 'manifest.json')))).toBe(
      'the download of manifest.json of run 4242 from ab123.us1.dbt.com broke off: other side closed'
    )
  })
})
