// A job stopped while it creates its diffs: no create is sent after the stop, those sent are waited
// for a bounded time and then known (to be cancelled with the rest) or named as unanswered. Over
// the real transport, with a fetch the test answers by hand and an injected sleep.
import { describe, expect, it } from '@jest/globals'
import { createLimiter } from '../../src/concurrency.js'
import { createRequestedDiffs } from '../../src/datafold/create-diffs.js'
import { createDatafoldClient } from '../../src/datafold/endpoints.js'
import { createsInFlight, STOP_WAIT_MS } from '../../src/datafold/in-flight.js'
import { parsePlan } from '../../src/plan/plan.js'
import { nameOf, type RequestedDiff } from '../../src/sources/source.js'

const FOUR: RequestedDiff[] = parsePlan(
  `defaults: { primary-key: id, data-source: 11 }
diffs:
${['orders', 'payments', 'events', 'refunds'].map((n) => `  - { name: ${n}, table-a: a.${n}, table-b: b.${n} }`).join('\n')}
`,
  {
    source: 'plan',
    context: { pr: 482, sha: 'a1b2c3d', env: {} },
    dataSource: '',
    thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] }
  }
).diffs.map((request) => ({
  kind: 'requested',
  name: request.name,
  request,
  from: 'plan entry'
}))

/** A Datafold whose creates are answered when the test says, with ids from 9001; it lists no
 * data sources (the entries' data source is given by id). */
function heldCreates() {
  const held: { table: string; answer: () => void }[] = []
  let id = 9000
  const fetch: typeof globalThis.fetch = (url, init) =>
    new Promise((resolve) => {
      const href = url instanceof Request ? url.url : url instanceof URL ? url.href : url
      if (href.endsWith('/data_sources')) {
        resolve(Response.json([]))
        return
      }
      const body = JSON.parse(init?.body as string) as { table1: string[] }
      held.push({
        table: body.table1.join('.'),
        answer: () => {
          resolve(Response.json({ id: ++id, status: 'waiting' }))
        }
      })
    })
  return { held, fetch }
}

/** Lets every promise that can settle settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('a job stopped while creating', () => {
  it('sends no create after the stop, waits for those sent, and knows what they created', async () => {
    const { held, fetch } = heldCreates()
    const client = createDatafoldClient({
      ...{ host: 'https://df.example', apiKey: 'dfk_test_key', userAgent: 'test', fetch },
      concurrency: 2
    })
    let waited: number | null = null
    let endWait = (): void => undefined
    const inFlight = createsInFlight((ms) => {
      waited = ms
      return new Promise((resolve) => (endWait = resolve))
    })
    const created: number[] = []
    const log: string[] = []
    const outcomes = createRequestedDiffs(FOUR, {
      ...{ client, tags: { repository: 'acme/x', pr: 482, sha: 'a1b2c3d' }, carried: null },
      log: (m) => log.push(m),
      inFlight,
      onCreated: (id) => created.push(id)
    })
    await settle()
    expect(held.map((h) => h.table)).toEqual(['a.orders', 'a.payments'])

    const stopped = inFlight.stop((m) => log.push(m))
    await settle()
    expect(waited).toBe(STOP_WAIT_MS)
    held[0]?.answer()
    held[1]?.answer()
    await stopped
    // The two sent were answered within the wait: their diffs are known, to be cancelled.
    expect(created).toEqual([9001, 9002])
    // The two waiting for their turn were never sent.
    await settle()
    expect(held).toHaveLength(2)
    const results = (await outcomes).map((o) => [nameOf(o.diff), 'id' in o ? o.id : o.error])
    expect(results).toEqual([
      ['orders', 9001],
      ['payments', 9002],
      ['events', 'could not create the diff: not sent: the job was cancelled'],
      ['refunds', 'could not create the diff: not sent: the job was cancelled']
    ])
    expect(log).toContain('Waiting up to 5s for the creates sent')
    expect(log.filter((m) => m.includes('did not answer'))).toEqual([])
    endWait()
  })

  it('names each create still unanswered when the wait ends', async () => {
    const inFlight = createsInFlight(() => Promise.resolve())
    const never = new Promise<never>(() => undefined)
    void inFlight.track('orders', () => never)
    const answered = inFlight.track('payments', () => Promise.resolve(1))
    await answered
    const log: string[] = []
    await inFlight.stop((m) => log.push(m))
    expect(log).toEqual([
      'Waiting up to 5s for the creates sent',
      'orders: Datafold did not answer its create within 5s; a diff it makes of it now is not cancelled'
    ])
  })

  it('waits for nothing when no create is under way', async () => {
    let slept = false
    const inFlight = createsInFlight(() => {
      slept = true
      return Promise.resolve()
    })
    const log: string[] = []
    await inFlight.stop((m) => log.push(m))
    expect(log).toEqual([])
    expect(slept).toBe(false)
  })
})

describe('the limiter', () => {
  it('runs no task whose turn comes after its signal aborted; one running goes on', async () => {
    const limit = createLimiter(1)
    const stop = new AbortController()
    let release = (): void => undefined
    const ran: string[] = []
    const first = limit(() => {
      ran.push('first')
      return new Promise<string>((resolve) => {
        release = () => {
          resolve('first done')
        }
      })
    }, stop.signal)
    const second = limit(() => {
      ran.push('second')
      return Promise.resolve('second done')
    }, stop.signal)
    stop.abort(new Error('stopped'))
    await expect(second).rejects.toThrow('stopped')
    release()
    await expect(first).resolves.toBe('first done')
    await expect(limit(() => Promise.resolve('later'), stop.signal)).rejects.toThrow('stopped')
    expect(ran).toEqual(['first'])
    // The slot came back: a task without the signal runs.
    await expect(limit(() => Promise.resolve('free'))).resolves.toBe('free')
  })
})
