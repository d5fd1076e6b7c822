// A clock that moves only when the code under test sleeps: every wait is recorded and costs no
// time, so tests of waiting and retrying run on CPU time.

export interface FakeClock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  /** Each wait asked for, in order. */
  sleeps: number[]
}

export function fakeClock(start = Date.UTC(2026, 10, 30, 13, 0, 0)): FakeClock {
  let time = start
  const sleeps: number[] = []
  return {
    now: () => time,
    sleep: (ms) => {
      sleeps.push(ms)
      time += ms
      return Promise.resolve()
    },
    sleeps
  }
}
