// Bounded concurrency: a limiter that lets at most `limit` tasks run at once. The Datafold transport
// puts every request through one, so a diff sleeping between polls holds no slot.

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

function checkLimit(limit: number): void {
  if (!(limit >= 1) || (!Number.isInteger(limit) && limit !== Infinity)) {
    throw new RangeError(`concurrency limit must be a whole number of at least 1, got ${limit}`)
  }
}
