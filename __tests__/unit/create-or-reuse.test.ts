// The Datafold step as the run drives it, on an in-memory client: an older commit's diffs are
// cancelled first, given ids pass through, a stopped job cancels what was created, wait-timeout
// cancels what this run created and is still running, and what the comment carries on.
import { describe, expect, it } from '@jest/globals'
import { askedFor } from '../../__fixtures__/results.js'
import type { CarriedState } from '../../src/comment-state.js'
import { createOrReuse, stateToCarry } from '../../src/datafold/create-or-reuse.js'
import type { DatafoldPlanClient } from '../../src/datafold/endpoints.js'
import type { FetchedDiff } from '../../src/datafold/fetched.js'
import { waitAndRead, type ReadDiff } from '../../src/datafold/wait-and-read.js'
import type { DiffToJudge } from '../../src/sources/source.js'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const TAGS = { repository: 'acme/shop', pr: 7, sha: SHA }
const STEP = { max: {}, minColumnMatch: null, ignoreColumns: [] }

const asked = (name: string) => askedFor(name, {}, STEP)

/** A Datafold in memory: diffs it created run for `polls` summary reads, then are done. */
function datafold(polls = 0) {
  const calls: string[] = []
  const reads = new Map<number, number>()
  let next = 100
  const summary = (id: number) => {
    const seen = (reads.get(id) ?? 0) + 1
    reads.set(id, seen)
    return seen > polls
      ? { status: 'done', pks: null, schema: null, dependencies: [], materialized_results: {} }
      : { status: 'running' }
  }
  const client: DatafoldPlanClient = {
    createDiff: () => {
      const id = next++
      calls.push(`create ${id}`)
      return Promise.resolve({ id, status: 'waiting' })
    },
    cancelDiff: (id) => {
      calls.push(`cancel ${id}`)
      return Promise.resolve({ id, status: 'cancelled' })
    },
    getDiff: (id) => Promise.resolve({ id, status: 'processing' }),
    getSummaryResults: (id) => Promise.resolve(summary(id)),
    listDataSources: () => Promise.resolve([])
  }
  return { client, calls }
}

const noLog = () => undefined

describe('createOrReuse', () => {
  it('passes given ids through and creates the requested diffs, in the order given', async () => {
    const { client, calls } = datafold()
    const given: DiffToJudge = { kind: 'given', id: 5, thresholds: STEP }
    const { obtained, created } = await createOrReuse([given, asked('orders')], {
      ...{ client, stopClient: client, tags: TAGS, carried: null, log: noLog }
    })
    expect(obtained.map((o) => [o.origin, o.origin === 'not created' ? null : o.id])).toEqual([
      ['given', 5],
      ['created', 100]
    ])
    expect(created).toEqual([{ id: 100, name: 'orders' }])
    expect(calls).toEqual(['create 100'])
  })

  it("first cancels what an older commit's run left running, then creates", async () => {
    const { client, calls } = datafold()
    const carried: CarriedState = {
      sha: 'ffeeddccbbaa99887766554433221100ffeeddcc',
      created: new Map([['0badf00d', 42]]),
      forgotten: 0
    }
    const log: string[] = []
    await createOrReuse([asked('orders')], {
      ...{ client, stopClient: client, tags: TAGS, carried },
      log: (m) => log.push(m)
    })
    expect(calls).toEqual(['cancel 42', 'create 100'])
    expect(log).toContain('Cancelled diff 42 (for commit ffeeddc): replaced by commit a1b2c3d')
  })

  it('cancels what it created when the job is stopped, until released', async () => {
    const { client, calls } = datafold()
    let stop: (() => Promise<void>) | null = null
    let released = false
    const { release } = await createOrReuse([asked('orders'), asked('payments')], {
      ...{ client, stopClient: client, tags: TAGS, carried: null, log: noLog },
      onStop: (handler) => {
        stop = handler
        return () => {
          released = true
        }
      }
    })
    await (stop as (() => Promise<void>) | null)?.()
    expect(calls.filter((c) => c.startsWith('cancel')).sort()).toEqual(['cancel 100', 'cancel 101'])
    release()
    expect(released).toBe(true)
  })
})

describe('waitAndRead', () => {
  it('cancels what this run created and is still running when wait-timeout ends', async () => {
    const { client, calls } = datafold(1_000)
    const { obtained, created } = await createOrReuse([asked('orders')], {
      ...{ client, stopClient: client, tags: TAGS, carried: null, log: noLog }
    })
    let clock = 0
    const { read, cancelled } = await waitAndRead(obtained, {
      ...{ client, waitTimeoutMs: 60_000, deadline: 60_000, created, log: noLog },
      now: () => clock,
      sleep: (ms) => {
        clock += ms
        return Promise.resolve()
      }
    })
    expect(cancelled).toEqual([100])
    expect(calls.at(-1)).toBe('cancel 100')
    expect(read[0]?.fetched?.error).toMatch(/still running after 1m/)
  })

  it('leaves running diffs alone with wait-timeout 0, which waits for nothing', async () => {
    const { client, calls } = datafold(1_000)
    const { obtained, created } = await createOrReuse([asked('orders')], {
      ...{ client, stopClient: client, tags: TAGS, carried: null, log: noLog }
    })
    const { cancelled } = await waitAndRead(obtained, {
      ...{ client, waitTimeoutMs: 0, deadline: null, created, log: noLog }
    })
    expect(cancelled).toEqual([])
    expect(calls.filter((c) => c.startsWith('cancel'))).toEqual([])
  })
})

describe('stateToCarry', () => {
  const read = (
    origin: 'created' | 'reused' | 'given' | 'not created',
    id: number,
    fetched: Partial<FetchedDiff> = {}
  ): ReadDiff => {
    const answer: FetchedDiff = { id, summary: null, error: null, record: null, warnings: [] }
    if (origin === 'not created') {
      return {
        obtained: { diff: asked(`d${id}`), origin, error: 'refused' },
        fetched: null
      }
    }
    if (origin === 'given') {
      return {
        obtained: { diff: { kind: 'given', id, thresholds: STEP }, origin, id },
        fetched: { ...answer, ...fetched }
      }
    }
    return {
      obtained: { diff: asked(`d${id}`), origin, id, key: `0000000${id}` },
      fetched: { ...answer, ...fetched }
    }
  }

  it("keeps this commit's created and reused diffs, less those cancelled, refused or given", () => {
    const state = stateToCarry(
      [read('created', 1), read('reused', 2), read('created', 3), read('given', 4)],
      SHA,
      [3]
    )
    expect(state).toEqual({
      sha: SHA,
      created: new Map([
        ['00000001', 1],
        ['00000002', 2]
      ]),
      forgotten: 0
    })
    expect(stateToCarry([read('not created', 5)], SHA, [])).toBeNull()
  })

  it('leaves out a diff that failed with an error Datafold calls retryable: a re-run creates it again', () => {
    const state = stateToCarry(
      [read('created', 1, { error: 'failed', retryable: true }), read('created', 2)],
      SHA,
      []
    )
    expect([...(state?.created.values() ?? [])]).toEqual([2])
  })

  it('keeps nothing without a commit to tie the diffs to', () => {
    expect(stateToCarry([read('created', 1)], null, [])).toBeNull()
  })
})
