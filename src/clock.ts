// The real clock, the default wherever a test hands in a fake one.

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export const now = (): number => Date.now()
