// The Datafold client against nock: headers, retries and backoff, and the one-line message for
// every way a request can go wrong. No test really waits: sleep is a recorder.
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { createDatafoldClient, datafoldEndpoints } from '../../src/datafold/endpoints.js'
import { DatafoldRequestError } from '../../src/datafold/errors.js'
import { retryAfterMs } from '../../src/http/retry.js'
import {
  createTransport,
  type DatafoldRequest,
  type TransportOptions
} from '../../src/datafold/transport.js'

const HOST = 'https://app.datafold.com'
const API_KEY = 'dfk_live_9f8e7d6c5b4a3210'
const USER_AGENT = 'datafold-diff-gate/1.0.0'
const SUMMARY = '/api/v1/datadiffs/12/summary_results'
const RECORD = '/api/v1/datadiffs/12'
const NOW = Date.UTC(2026, 10, 3, 12, 0, 0)

const runningBody = { status: 'running' }
const recordBody = {
  id: 12,
  kind: 'in_db',
  status: 'done',
  data_source1_id: 1,
  data_source2_id: 1,
  pk_columns: ['id'],
  table1: ['analytics', 'prod', 'orders'],
  table2: ['analytics', 'pr', 'orders']
}

/** Everything the client said in a test, checked for the key after each test. */
let said: string[] = []
let sleeps: number[] = []

function options(overrides: Partial<TransportOptions> = {}): TransportOptions {
  return {
    host: HOST,
    apiKey: API_KEY,
    userAgent: USER_AGENT,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 0,
    now: () => NOW,
    log: (line) => {
      said.push(line)
    },
    ...overrides
  }
}

function makeClient(overrides: Partial<TransportOptions> = {}) {
  return createDatafoldClient(options(overrides))
}

/** An error as Node's http gives it (nock 14 emits only an Error instance to a node:http request). */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/** Any 8 characters of the key found in `text`: a cut through the key leaks it too. */
function pieceOfKey(text: string): string | null {
  for (let i = 0; i + 8 <= API_KEY.length; i++) {
    if (text.includes(API_KEY.slice(i, i + 8))) return API_KEY.slice(i, i + 8)
  }
  return null
}

async function rejection(promise: Promise<unknown>): Promise<DatafoldRequestError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(DatafoldRequestError)
    const requestError = error as DatafoldRequestError
    said.push(requestError.message, requestError.reason, String(requestError.stack))
    return requestError
  }
  throw new Error('expected the request to fail')
}

beforeEach(() => {
  said = []
  sleeps = []
  nock.disableNetConnect()
})

afterEach(() => {
  for (const line of said) expect(pieceOfKey(line)).toBeNull()
  nock.abortPendingRequests()
  nock.cleanAll()
  nock.enableNetConnect()
})

// Hands Node's http back: the next file's nock patches it afresh (jest runs files in one process).
afterAll(() => {
  nock.restore()
})

describe('requests', () => {
  it('sends the key, Accept and User-Agent, and returns the parsed body', async () => {
    let headers: Record<string, unknown> = {}
    const scope = nock(HOST)
      .get(SUMMARY)
      .reply(function () {
        headers = this.req.headers
        return [200, runningBody]
      })
    await expect(makeClient().getSummaryResults(12)).resolves.toEqual(runningBody)
    expect(headers).toMatchObject({
      authorization: `Key ${API_KEY}`,
      accept: 'application/json',
      'user-agent': USER_AGENT
    })
    expect(scope.isDone()).toBe(true)
  })

  it('reads the diff record from /api/v1/datadiffs/{id}', async () => {
    const scope = nock(HOST, { reqheaders: { authorization: `Key ${API_KEY}` } })
      .get(RECORD)
      .reply(200, recordBody)
    await expect(makeClient().getDiff(12)).resolves.toEqual(recordBody)
    expect(scope.isDone()).toBe(true)
  })

  it('logs answers that are not successes, without the key, and stays quiet on success', async () => {
    nock(HOST).get(SUMMARY).reply(503).get(SUMMARY).reply(200, runningBody)
    await makeClient().getSummaryResults(12)
    expect(said).toEqual([
      expect.stringMatching(/^GET .*\/summary_results: HTTP 503 in \d+ ms \(try 1 of 5\)$/),
      expect.stringMatching(/^diff 12: HTTP 503; retrying in /)
    ])
    expect(said.join('\n')).not.toContain(API_KEY)
  })

  it.each([0, -3, 1.5, Number.NaN])('refuses %p as a diff id without a request', async (id) => {
    const error = await rejection(makeClient().getDiff(id))
    expect(error.message).toMatch(/is not a diff id/)
    expect(error.status).toBeNull()
  })
})

describe('answers that are errors, each in one line naming the diff', () => {
  const html = `<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body>${'x'.repeat(400)}</body></html>`

  it.each<[string, () => nock.Scope, number, string]>([
    [
      '401',
      () => nock(HOST).get(SUMMARY).reply(401, { detail: 'Not authenticated' }),
      401,
      `diff 12: Datafold rejected the API key (HTTP 401) at ${HOST}: check api-key and that datafold-host is the host you log in at`
    ],
    [
      '403',
      () => nock(HOST).get(SUMMARY).reply(403, ''),
      403,
      `diff 12: Datafold rejected the API key (HTTP 403) at ${HOST}: check api-key and that datafold-host is the host you log in at`
    ],
    [
      '404',
      () => nock(HOST).get(SUMMARY).reply(404, { detail: 'Not Found' }),
      404,
      `diff 12 was not found at ${HOST}`
    ],
    [
      '422 with validation details',
      () =>
        nock(HOST)
          .get(SUMMARY)
          .reply(422, {
            detail: [
              {
                loc: ['path', 'datadiff_id'],
                msg: 'Input should be a valid integer',
                type: 'int_parsing'
              },
              { loc: ['query', 'poll'], msg: 'Field required', type: 'missing' }
            ]
          }),
      422,
      'diff 12: Datafold refused the request (HTTP 422): path.datadiff_id: Input should be a valid integer; query.poll: Field required'
    ],
    [
      '400 problem+json',
      () =>
        nock(HOST).get(SUMMARY).reply(
          400,
          {
            type: 'about:blank',
            title: 'Bad Request',
            status: 400,
            detail: 'The diff belongs to another organisation',
            instance: '/api/v1/datadiffs/12/summary_results'
          },
          { 'Content-Type': 'application/problem+json' }
        ),
      400,
      'diff 12: Datafold answered HTTP 400: Bad Request: The diff belongs to another organisation'
    ],
    [
      '409 with a non-JSON body',
      () => nock(HOST).get(SUMMARY).reply(409, html, { 'Content-Type': 'text/html' }),
      409,
      `diff 12: Datafold answered HTTP 409: ${html.replace(/\s+/g, ' ').slice(0, 199)}…`
    ],
    [
      '200 with an HTML login page',
      () =>
        nock(HOST).get(SUMMARY).reply(200, html, { 'Content-Type': 'text/html; charset=utf-8' }),
      200,
      `diff 12: Datafold answered 200 with a body that is not JSON (text/html): ${html
        .replace(/\s+/g, ' ')
        .slice(0, 199)}…`
    ],
    [
      '200 with an empty body',
      () => nock(HOST).get(SUMMARY).reply(200, ''),
      200,
      'diff 12: Datafold answered 200 with a body that is not JSON (no content type): an empty body'
    ],
    [
      '302 to a login host',
      () =>
        nock(HOST)
          .get(SUMMARY)
          .reply(302, '', { Location: 'https://sso.example.com/login?next=%2Fapi' }),
      302,
      'diff 12: Datafold answered with a redirect to sso.example.com; set datafold-host to the host you log in at'
    ],
    [
      '301 with a relative Location',
      () => nock(HOST).get(SUMMARY).reply(301, '', { Location: '/login' }),
      301,
      'diff 12: Datafold answered with a redirect to app.datafold.com; set datafold-host to the host you log in at'
    ]
  ])('%s', async (_name, setup, status, message) => {
    const scope = setup()
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.message).toBe(message)
    expect(error.message).not.toContain('\n')
    expect(error.status).toBe(status)
    expect(error.diffId).toBe(12)
    expect(sleeps).toEqual([])
    expect(scope.isDone()).toBe(true)
  })

  it('does not follow a redirect, so the key never reaches the other host', async () => {
    nock(HOST).get(SUMMARY).reply(307, '', { Location: 'https://sso.example.com/api' })
    const elsewhere = nock('https://sso.example.com').get('/api').reply(200, runningBody)
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.status).toBe(307)
    expect(elsewhere.isDone()).toBe(false)
  })

  it('drops the key from a body that echoes it', async () => {
    nock(HOST)
      .get(SUMMARY)
      .reply(400, { title: 'Bad key', detail: `key ${API_KEY} is malformed` })
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.message).toBe('diff 12: Datafold answered HTTP 400: Bad key: key *** is malformed')
  })

  it('drops the key from a network error that quotes the request headers', async () => {
    // nock's own "No match" error lists the request, headers included.
    nock(HOST).get('/somewhere-else').reply(200, {})
    const error = await rejection(makeClient({ retries: 0 }).getSummaryResults(12))
    expect(error.message).toMatch(/^diff 12: gave up after 1 try .*a network error: /)
    expect(error.message).not.toContain(API_KEY)
  })

  it('names the diff in the reason-free message too', async () => {
    nock(HOST).get(RECORD).reply(404, '')
    const error = await rejection(makeClient().getDiff(12))
    expect(error.message).toBe(`diff 12 was not found at ${HOST}`)
    expect(error.reason).toBe(`not found at ${HOST}`)
  })
})

describe('retries', () => {
  it('waits as long as Retry-After says in seconds', async () => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .reply(429, '', { 'Retry-After': '7' })
      .get(SUMMARY)
      .reply(200, runningBody)
    await expect(makeClient().getSummaryResults(12)).resolves.toEqual(runningBody)
    expect(sleeps).toEqual([7_000])
    expect(scope.isDone()).toBe(true)
  })

  it('waits until the HTTP date Retry-After gives', async () => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .reply(429, '', { 'Retry-After': new Date(NOW + 12_000).toUTCString() })
      .get(SUMMARY)
      .reply(200, runningBody)
    await expect(makeClient().getSummaryResults(12)).resolves.toEqual(runningBody)
    expect(sleeps).toEqual([12_000])
    expect(scope.isDone()).toBe(true)
  })

  it('does not wait for a Retry-After longer than maxRetryDelayMs', async () => {
    const scope = nock(HOST).get(SUMMARY).reply(429, '', { 'Retry-After': '120' })
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.message).toBe(
      'diff 12: Datafold answered HTTP 429 and asked to wait 2m before trying again (Retry-After), longer than the 1m this action waits; try again later'
    )
    expect(error.status).toBe(429)
    expect(sleeps).toEqual([])
    expect(scope.isDone()).toBe(true)
  })

  it.each([429, 500, 502, 503, 504])('retries HTTP %i with backoff', async (status) => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .reply(status, { title: 'Busy' })
      .get(SUMMARY)
      .reply(status, 'upstream hiccup')
      .get(SUMMARY)
      .reply(200, runningBody)
    await expect(makeClient().getSummaryResults(12)).resolves.toEqual(runningBody)
    expect(sleeps).toEqual([1_000, 2_000])
    expect(scope.isDone()).toBe(true)
  })

  it.each([400, 405, 409, 501])('does not retry HTTP %i', async (status) => {
    const scope = nock(HOST).get(SUMMARY).reply(status, '')
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.message).toBe(`diff 12: Datafold answered HTTP ${status}`)
    expect(sleeps).toEqual([])
    expect(scope.isDone()).toBe(true)
  })

  it('retries a network error', async () => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .replyWithError(systemError('ECONNRESET', 'socket hang up'))
      .get(SUMMARY)
      .reply(200, runningBody)
    await expect(makeClient().getSummaryResults(12)).resolves.toEqual(runningBody)
    expect(sleeps).toEqual([1_000])
    expect(scope.isDone()).toBe(true)
  })

  it('gives up after the first try and four retries, saying how many and the last status', async () => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .times(5)
      .reply(
        503,
        { title: 'Service Unavailable', detail: 'maintenance' },
        { 'Content-Type': 'application/problem+json' }
      )
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.message).toBe(
      `diff 12: gave up after 5 tries at ${HOST}; the last one ended in HTTP 503: Service Unavailable: maintenance`
    )
    expect(error.status).toBe(503)
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(scope.isDone()).toBe(true)
  })

  it('does not retry a host name that does not resolve, and says to check datafold-host', async () => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .replyWithError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND app.datafold.com'))
    const error = await rejection(makeClient().getSummaryResults(12))
    expect(error.message).toBe(
      'diff 12: app.datafold.com does not resolve (ENOTFOUND): check datafold-host'
    )
    expect(sleeps).toEqual([])
    expect(scope.isDone()).toBe(true)
  })

  it('gives up on a network error that lasts', async () => {
    const scope = nock(HOST)
      .get(SUMMARY)
      .times(3)
      .replyWithError(systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'))
    const error = await rejection(makeClient({ retries: 2 }).getSummaryResults(12))
    expect(error.message).toBe(
      `diff 12: gave up after 3 tries at ${HOST}; the last one ended in a network error: connect ECONNREFUSED 10.0.0.1:443`
    )
    expect(error.status).toBeNull()
    expect(sleeps).toEqual([1_000, 2_000])
    expect(scope.isDone()).toBe(true)
  })

  it('stops a request that takes longer than timeoutMs, and retries it', async () => {
    // A second of timeout: the retry, answered at once, fits it even on a busy machine.
    const scope = nock(HOST)
      .get(SUMMARY)
      .delay(30_000)
      .reply(200, runningBody)
      .get(SUMMARY)
      .reply(200, { status: 'pending' })
    await expect(makeClient({ timeoutMs: 1_000 }).getSummaryResults(12)).resolves.toEqual({
      status: 'pending'
    })
    expect(sleeps).toEqual([1_000])
    expect(scope.isDone()).toBe(true)
  }, 20_000)

  it('says a timeout was the last problem', async () => {
    const timingOut: typeof fetch = () =>
      Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
    const error = await rejection(
      makeClient({ fetch: timingOut, retries: 1 }).getSummaryResults(12)
    )
    expect(error.message).toBe(
      `diff 12: gave up after 2 tries at ${HOST}; the last one ended in a timeout after 30s`
    )
  })

  it('caps the backoff and adds up to half again of jitter', async () => {
    nock(HOST).get(SUMMARY).times(7).reply(502, '')
    const error = await rejection(
      makeClient({ retries: 6, random: () => 0.5 }).getSummaryResults(12)
    )
    expect(error.message).toBe(
      `diff 12: gave up after 7 tries at ${HOST}; the last one ended in HTTP 502`
    )
    expect(sleeps).toEqual([1_250, 2_500, 5_000, 10_000, 20_000, 20_000])
  })

  it('with retries 0, one try only', async () => {
    const scope = nock(HOST).get(SUMMARY).reply(504, '')
    const error = await rejection(makeClient({ retries: 0 }).getSummaryResults(12))
    expect(error.message).toBe(
      `diff 12: gave up after 1 try at ${HOST}; the last one ended in HTTP 504`
    )
    expect(scope.isDone()).toBe(true)
  })
})

describe('retryAfterMs', () => {
  it.each<[string | null, number | null]>([
    [null, null],
    ['0', 0],
    ['5', 5_000],
    [' 30 ', 30_000],
    [new Date(NOW + 90_000).toUTCString(), 90_000],
    [new Date(NOW - 90_000).toUTCString(), 0],
    ['soon', null],
    ['-1', null]
  ])('%p → %p', (value, expected) => {
    expect(retryAfterMs(value, NOW)).toBe(expected)
  })
})

describe('a deadline (wait-timeout)', () => {
  it('does not start a retry that would begin after it', async () => {
    nock(HOST).get(SUMMARY).reply(503)
    // 500 ms left; the first backoff is 1 s.
    const client = makeClient({ deadline: NOW + 500 })

    const error = await client.getSummaryResults(12).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(DatafoldRequestError)
    expect((error as DatafoldRequestError).status).toBe(503)
    expect((error as Error).message).toBe(
      `diff 12: gave up after 1 try at ${HOST}, as the next would start after wait-timeout; the last one ended in HTTP 503`
    )
    expect(sleeps).toEqual([])
  })

  it('cuts a request to the time left, but gives it at least 5 s', async () => {
    // The time each request is given, as the transport asks for its abort signal.
    const timeouts: number[] = []
    const timeoutSignal = (ms: number): AbortSignal => {
      timeouts.push(ms)
      return AbortSignal.abort(new DOMException('The operation timed out', 'TimeoutError'))
    }
    const seenFetch: typeof globalThis.fetch = (_url, init) =>
      Promise.reject(init?.signal?.reason as Error)
    const client = makeClient({
      deadline: NOW + 1_000,
      fetch: seenFetch,
      timeoutSignal,
      retries: 0
    })

    const error = await client.getDiff(12).catch((e: unknown) => e)

    expect((error as Error).message).toContain('a timeout after 5s')
    expect(timeouts).toEqual([5_000])
  })
})

describe('the transport', () => {
  const CREATE = '/api/v1/datadiffs'
  const body = { data_source1_id: 1, table1: ['analytics', 'prod', 'orders'] }

  it('sends a POST with a JSON body, and retries it as it retries a GET', async () => {
    const seen: { body: unknown; type: unknown }[] = []
    const scope = nock(HOST, { reqheaders: { authorization: `Key ${API_KEY}` } })
      .post(CREATE)
      .times(2)
      .reply(function (_uri, requestBody) {
        seen.push({ body: requestBody, type: this.req.headers['content-type'] })
        return seen.length === 1 ? [503, ''] : [200, { id: 77 }]
      })
    const send = createTransport(options())
    await expect(send({ method: 'POST', path: '/datadiffs', body })).resolves.toEqual({ id: 77 })
    expect(seen).toEqual([
      { body, type: 'application/json' },
      { body, type: 'application/json' }
    ])
    expect(sleeps).toEqual([1_000])
    expect(scope.isDone()).toBe(true)
  })

  it('sends a GET without a body or Content-Type', async () => {
    let headers: Record<string, unknown> = {}
    let sent: unknown = null
    nock(HOST)
      .get(RECORD)
      .reply(function (_uri, requestBody) {
        headers = this.req.headers
        sent = requestBody
        return [200, recordBody]
      })
    await makeClient().getDiff(12)
    expect(headers['content-type']).toBeUndefined()
    expect(sent).toBe('')
  })

  it('names a request about no diff by its method and path', async () => {
    nock(HOST).post(CREATE).reply(404, '')
    const error = await rejection(
      createTransport(options())({ method: 'POST', path: '/datadiffs', body })
    )
    expect(error.message).toBe(`POST /datadiffs was not found at ${HOST}`)
    expect(error.diffId).toBeNull()
  })

  it('keeps to its concurrency over every endpoint at once', async () => {
    let inFlight = 0
    let most = 0
    const slow: typeof globalThis.fetch = async (input) => {
      inFlight++
      most = Math.max(most, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 2))
      inFlight--
      const url = input instanceof Request ? input.url : input.toString()
      return Response.json(url.endsWith('/summary_results') ? runningBody : recordBody)
    }
    const client = makeClient({ fetch: slow, concurrency: 2 })
    const ids = [1, 2, 3, 4, 5]
    await Promise.all(ids.flatMap((id) => [client.getDiff(id), client.getSummaryResults(id)]))
    expect(most).toBe(2)
  })
})

describe('the endpoints', () => {
  it('are requests about one diff, under /datadiffs/{id}', async () => {
    const sent: DatafoldRequest[] = []
    const client = datafoldEndpoints((request) => {
      sent.push(request)
      return Promise.resolve({})
    })
    await client.getDiff(12)
    await client.getSummaryResults(12)
    expect(sent).toEqual([
      { method: 'GET', path: '/datadiffs/12', diffId: 12 },
      { method: 'GET', path: '/datadiffs/12/summary_results', diffId: 12 }
    ])
  })
})
