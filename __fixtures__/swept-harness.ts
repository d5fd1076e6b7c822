// The end-to-end suites' harness: every test ends with the secrets sweep over all the run wrote.
// Apart from harness.ts, which the demo and the benchmark import without jest.
import { afterEach, expect } from '@jest/globals'
import { DATA_SOURCE_SECRETS } from './data-sources.js'
import { Harness, type RunOptions, type Secrets } from './harness.js'

/** A suite's own API key and token, named after it, and the data sources' secrets. */
export function suiteSecrets(suite: string, others: readonly string[] = []): Secrets {
  return {
    apiKey: `dfk_e2e_${suite}_0123456789abcdef`,
    token: `ghs_e2e_${suite}_fedcba9876543210`,
    others: [...others, ...DATA_SOURCE_SECRETS]
  }
}

/** A harness whose every test ends with no secret found in any written byte. */
export function sweptHarness(secrets: Secrets, defaults: RunOptions = {}): Harness {
  const harness = new Harness(secrets, defaults)
  afterEach(async () => {
    expect((await harness.end()).leaks).toEqual([])
  })
  return harness
}
