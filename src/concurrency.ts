// Bounded concurrency, two ways: a limiter that lets at most `limit` tasks run at once (fetchDiffs
// puts every Datafold request through one), and a map over items built the same way, whose
// results keep the order of the items whatever order the calls finish in.

/** Runs a task once fewer than `limit` tasks started through it are running. */
export type Limiter = <R>(task: () => Promise<R>) => Promise<R>

export function createLimiter(limit: number): Limiter {
  checkLimit(limit)
  let active = 0
  const waiting: (() => void)[] = []
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active < limit) active++
    else await new Promise<void>((resolve) => waiting.push(resolve))
    try {
      return await task()
    } finally {
      // Hand the slot straight to the next task in line, or give it back.
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}

/**
 * Calls `fn` on every item with at most `limit` calls in flight and resolves to the results in
 * the items' order. When a call rejects, no further item is started and the first rejection is
 * the result (calls already running are left to finish).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  checkLimit(limit)
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false

  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index] as T, index)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }

  const workers = Array.from({ length: Math.min(limit, items.length) }, () => worker())
  await Promise.all(workers)
  return results
}

function checkLimit(limit: number): void {
  if (!(limit >= 1) || (!Number.isInteger(limit) && limit !== Infinity)) {
    throw new RangeError(`concurrency limit must be a whole number of at least 1, got ${limit}`)
  }
}
