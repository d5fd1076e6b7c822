// Bounded concurrency: a limiter that lets at most `limit` tasks run at once. The Datafold transport
// puts every request through one, so a diff sleeping between polls holds no slot.

/**
 * Runs a task once fewer than `limit` tasks started through it are running. A task still waiting
 * for its turn when `signal` aborts is not run: its promise rejects with the signal's reason.
 */
export type Limiter = <R>(task: () => Promise<R>, signal?: AbortSignal) => Promise<R>

export function createLimiter(limit: number): Limiter {
  checkLimit(limit)
  let active = 0
  const waiting: (() => void)[] = []
  return async <R>(task: () => Promise<R>, signal?: AbortSignal): Promise<R> => {
    signal?.throwIfAborted()
    if (active < limit) active++
    else await turn(waiting, signal)
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

/** Waits in line for a slot; leaves the line, rejecting, when `signal` aborts first. */
function turn(waiting: (() => void)[], signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const leave = (): void => {
      waiting.splice(waiting.indexOf(go), 1)
      reject(signal?.reason as Error)
    }
    const go = (): void => {
      signal?.removeEventListener('abort', leave)
      resolve()
    }
    waiting.push(go)
    signal?.addEventListener('abort', leave, { once: true })
  })
}

function checkLimit(limit: number): void {
  if (!(limit >= 1) || (!Number.isInteger(limit) && limit !== Infinity)) {
    throw new RangeError(`concurrency limit must be a whole number of at least 1, got ${limit}`)
  }
}
