// The Datafold transport's limits, on virtual time and fake fetches: no request outlives the
// deadline and its one grace however many are queued, an answer past the size limit is refused
// without reading the rest, and every body is scrubbed of the secrets before anything reads it.
import { describe, expect, it } from '@jest/globals'
import { createDatafoldClient } from '../../src/datafold/endpoints.js'
import type { DatafoldRequestError } from '../../src/datafold/errors.js'
import { fetchDiffs } from '../../src/datafold/fetch-diffs.js'
import {
  DEADLINE_GRACE_MS,
  DEFAULT_CONCURRENCY,
  type TransportOptions
} from '../../src/datafold/transport.js'
import { createRedactor } from '../../src/redact.js'

const HOST = 'https://app.datafold.com'
const API_KEY = 'dfk_9f-_Kq2xYz8-Ab_Cd3eF4gH5wR7'
const TOKEN = 'ghs_limits_0a1b2c3d4e5f'
const NOW = Date.UTC(2026, 10, 3, 12, 0, 0)

/** A clock that only moves when every task is waiting on it: timeouts and sleeps fire in order. */
function virtualTime() {
  let time = NOW
  const timers: { at: number; fire: () => void }[] = []
  const given: number[] = []
  return {
    now: () => time,
    /** Each request's time, as the transport gave it. */
    given,
    timeoutSignal: (ms: number): AbortSignal => {
      given.push(ms)
      const controller = new AbortController()
      timers.push({
        at: time + ms,
        fire: () => {
          controller.abort(new DOMException('The operation timed out', 'TimeoutError'))
        }
      })
      return controller.signal
    },
    sleep: (ms: number): Promise<void> =>
      new Promise((resolve) => timers.push({ at: time + ms, fire: resolve })),
    /** Runs `work` to its end, moving the clock to the next timer whenever nothing else can go on. */
    async settle<T>(work: Promise<T>): Promise<T> {
      const state = { done: false }
      work.then(
        () => (state.done = true),
        () => (state.done = true)
      )
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve))
        if (state.done) return work
        timers.sort((a, b) => a.at - b.at)
        const next = timers.shift()
        if (!next) throw new Error('nothing left to wait for, yet the work is not done')
        time = Math.max(time, next.at)
        next.fire()
      }
    }
  }
}

/** A host that accepts every request and never answers: each ends when its signal aborts. */
function neverAnswers(sent: string[]): typeof globalThis.fetch {
  return (input, init) => {
    sent.push(input instanceof Request ? input.url : input.toString())
    return new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => {
        reject(init.signal?.reason as Error)
      })
    })
  }
}

function client(overrides: Partial<TransportOptions>) {
  return createDatafoldClient({
    host: HOST,
    apiKey: API_KEY,
    userAgent: 'datafold-diff-gate/1.0.0',
    random: () => 0,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    ...overrides
  })
}

async function failure(promise: Promise<unknown>): Promise<DatafoldRequestError> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (error: unknown) => error as DatafoldRequestError
  )
}

describe('the deadline (wait-timeout) with many requests queued', () => {
  it.each([8, 40, 200])(
    'with %i diffs on a host that never answers, nothing outlives the deadline plus one grace',
    async (count) => {
      const time = virtualTime()
      const sent: string[] = []
      const waitTimeoutMs = 2_000
      const deadline = NOW + waitTimeoutMs
      const ids = Array.from({ length: count }, (_, i) => i + 1)
      const diffs = await time.settle(
        fetchDiffs(ids, {
          client: client({
            deadline,
            fetch: neverAnswers(sent),
            now: time.now,
            sleep: time.sleep,
            timeoutSignal: time.timeoutSignal
          }),
          waitTimeoutMs,
          now: time.now,
          sleep: time.sleep
        })
      )
      expect(time.now()).toBeLessThanOrEqual(deadline + DEADLINE_GRACE_MS)
      expect(diffs.map((diff) => diff.summary)).toEqual(ids.map(() => null))
      // Two rounds of requests: the first ones, given the grace; and those that took their slots
      // when the first timed out, given what was left of the grace after the deadline.
      expect(sent).toHaveLength(Math.min(count * 2, 2 * DEFAULT_CONCURRENCY))
      expect(time.given).toEqual(
        sent.map((_, i) => (i < DEFAULT_CONCURRENCY ? DEADLINE_GRACE_MS : waitTimeoutMs))
      )
      if (count * 2 > 2 * DEFAULT_CONCURRENCY) {
        expect(diffs.at(-1)?.error).toBe(
          `diff ${count}: not sent to ${HOST}: wait-timeout ran out while other requests to Datafold were under way`
        )
      }
    }
  )

  it('a request started before the deadline still gets the grace for its last check', async () => {
    const time = virtualTime()
    const error = await time.settle(
      failure(
        client({
          deadline: NOW + 1_000,
          retries: 0,
          fetch: neverAnswers([]),
          now: time.now,
          timeoutSignal: time.timeoutSignal
        }).getDiff(12)
      )
    )
    expect(time.given).toEqual([DEADLINE_GRACE_MS])
    expect(error.message).toBe(
      `diff 12: gave up after 1 try at ${HOST}; the last one ended in a timeout after 5s`
    )
  })

  it('without a deadline, a request gets the whole timeout', async () => {
    const time = virtualTime()
    await time.settle(
      failure(
        client({
          retries: 0,
          timeoutMs: 30_000,
          fetch: neverAnswers([]),
          now: time.now,
          timeoutSignal: time.timeoutSignal
        }).getDiff(12)
      )
    )
    expect(time.given).toEqual([30_000])
  })
})

/** A 200 JSON answer whose body comes in `chunk`-sized pieces, counting the pieces read. */
function streamed(chunks: number, chunk: number, headers: Record<string, string> = {}) {
  const read = { pieces: 0, cancelled: false }
  const response = (): Response => {
    let left = chunks
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (left === 0) {
            controller.close()
            return
          }
          left--
          read.pieces++
          controller.enqueue(new Uint8Array(chunk).fill(0x20))
        },
        cancel() {
          read.cancelled = true
        }
      },
      // Nothing is pulled ahead of a read: the pieces counted are the pieces asked for.
      { highWaterMark: 0 }
    )
    return new Response(body, {
      status: 200,
      headers: { 'content-type': 'application/json', ...headers }
    })
  }
  return { read, response }
}

describe('an answer larger than the limit', () => {
  it('is refused by its Content-Length, not read, and not asked for again', async () => {
    const { read, response } = streamed(4, 1_000, { 'content-length': String(100 * 2 ** 20) })
    let calls = 0
    const error = await failure(
      client({
        fetch: () => {
          calls++
          return Promise.resolve(response())
        }
      }).getSummaryResults(12)
    )
    expect(error.message).toBe(
      "diff 12: Datafold's answer is 100 MB (Content-Length), larger than the 64 MB this action reads: it was not read"
    )
    expect(error.diffId).toBe(12)
    expect(read.pieces).toBe(0)
    expect(read.cancelled).toBe(true)
    expect(calls).toBe(1)
  })

  it('is read up to the limit and no further, then refused', async () => {
    // An endless body would do the same; 1,000 pieces of 1 kB stand for it against a 10 kB limit.
    const { read, response } = streamed(1_000, 1_024)
    let calls = 0
    const error = await failure(
      client({
        maxBodyBytes: 10 * 1_024,
        fetch: () => {
          calls++
          return Promise.resolve(response())
        }
      }).getSummaryResults(12)
    )
    expect(error.message).toBe(
      "diff 12: Datafold's answer is larger than the 10 kB this action reads: reading stopped at 10 kB and the rest was not read"
    )
    // Ten pieces make the limit; the eleventh crosses it, and no piece is asked for after it.
    expect(read.pieces).toBe(11)
    expect(read.cancelled).toBe(true)
    expect(calls).toBe(1)
  })

  it('at the limit exactly is read', async () => {
    const body = JSON.stringify({ status: 'running', pad: ' '.repeat(100) })
    const answer = await client({
      maxBodyBytes: Buffer.byteLength(body),
      fetch: () => Promise.resolve(new Response(body, { status: 200 }))
    }).getSummaryResults(12)
    expect(answer).toEqual({ status: 'running', pad: ' '.repeat(100) })
  })
})

describe('answers are scrubbed of the secrets before they are read', () => {
  const redact = createRedactor([API_KEY, TOKEN])
  /** Answers every request with `body` as JSON. */
  const answering = (body: unknown) =>
    client({ redact, fetch: () => Promise.resolve(Response.json(body)) })

  it('in every string of a JSON answer, escaped or not', async () => {
    const answer = await answering({
      status: 'failed',
      error: { error_type: TOKEN, error_value: `key ${API_KEY}!` },
      [`column ${API_KEY}`]: 1
    }).getSummaryResults(12)
    expect(JSON.stringify(answer)).toBe(
      '{"status":"failed","error":{"error_type":"***","error_value":"key ***!"},"column ***":1}'
    )
  })

  it('before the schemas cut an unknown status: no start of the key is left', async () => {
    const [diff] = await fetchDiffs([12], {
      client: answering({ status: `${'x'.repeat(50)}${API_KEY}` }),
      waitTimeoutMs: 0
    })
    expect(diff?.error).toContain('unknown status "xxxx')
    expect(diff?.error).not.toContain('dfk_9f')
  })

  it('before an error body is quoted and cut', async () => {
    const error = await failure(
      client({
        redact,
        retries: 0,
        fetch: () =>
          Promise.resolve(
            new Response(`${'y'.repeat(195)}${API_KEY}`, {
              status: 502,
              headers: { 'content-type': 'text/plain' }
            })
          )
      }).getDiff(12)
    )
    expect(error.message).toContain(`HTTP 502: ${'y'.repeat(195)}***`)
    expect(error.message).not.toContain('dfk_9f')
  })

  it('in a header an error quotes', async () => {
    const error = await failure(
      client({
        redact,
        fetch: () =>
          Promise.resolve(
            new Response('<html>', { status: 200, headers: { 'content-type': `text/${API_KEY}` } })
          )
      }).getDiff(12)
    )
    expect(error.message).toBe(
      'diff 12: Datafold answered 200 with a body that is not JSON (text/***): <html>'
    )
  })
})
