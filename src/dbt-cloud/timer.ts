// A request's time limit that can start over: until an answer's headers, then between the chunks
// of a download, so that a large artifact may take long but a stalled one does not hang the run.

export interface Timer {
  readonly signal: AbortSignal
  readonly timedOut: boolean
  restart(): void
  clear(): void
}

/** An abort signal that fires `ms` after the last restart. */
export function createTimer(ms: number): Timer {
  const controller = new AbortController()
  let handle: ReturnType<typeof setTimeout> | undefined
  let timedOut = false
  const clear = (): void => {
    if (handle !== undefined) clearTimeout(handle)
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut
    },
    restart() {
      clear()
      handle = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, ms)
      handle.unref()
    },
    clear
  }
}
