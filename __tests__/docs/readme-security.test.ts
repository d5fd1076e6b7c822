// The Security and Reliability sections (docs/security.md), and how it waits (docs/reference.md), say
// what is refused and why: their words, sizes and times are the code's, so a change to one fails
// here until the other says the same.
import { describe, expect, it } from '@jest/globals'
import { docSection } from '../../__fixtures__/readme-run.js'
import { STOP_WAIT_MS } from '../../src/datafold/in-flight.js'
import { RETRY_STATUSES } from '../../src/http/retry.js'
import { MAX_MANIFEST_BYTES, MAX_PLAN_BYTES } from '../../src/input-files.js'
import { SECRET_WORDS } from '../../src/plan/placeholders.js'
import { SHORTEST_SECRET } from '../../src/redact.js'

/** A section's text on one line: the README wraps its prose anywhere. */
const prose = (file: string, heading: string): string =>
  docSection(file, heading).replace(/\s+/g, ' ')
const SECURITY = 'docs/security.md'
const REFERENCE = 'docs/reference.md'

describe('docs: Security', () => {
  const security = prose(SECURITY, 'Security')

  it('names the words that keep a variable out of {env.NAME}, and its inputs', () => {
    const named = SECRET_WORDS.map((word) => `\`${word}\``)
    expect(security).toContain(
      `a variable whose name holds ${named.slice(0, -1).join(', ')} or ${named.at(-1) ?? ''}`
    )
    expect(security).toContain('(`INPUT_*`')
    expect(security).toContain("cannot read the runner's own list of masked values")
  })

  it('says which texts of a data source are not secrets, with the shortest masked', () => {
    expect(security).toContain("a record's `id`, `name` and `type`")
    expect(security).toContain(`texts of fewer than ${SHORTEST_SECRET} characters`)
  })

  it('gives the sizes the file inputs may hold', () => {
    expect(MAX_PLAN_BYTES).toBe(2 ** 20)
    expect(MAX_MANIFEST_BYTES).toBe(2 ** 31)
    expect(security).toContain('A plan file may hold 1 MiB and must be UTF-8')
    expect(security).toContain('a manifest, read streaming, may hold 2 GiB')
    expect(prose(REFERENCE, 'Inputs')).toContain(
      'a regular file inside the workspace, UTF-8, at most 1 MiB'
    )
  })
})

describe('docs: Reliability and How it waits', () => {
  it('says how long a stopped job waits for the creates it sent', () => {
    expect(prose(SECURITY, 'Reliability')).toContain(
      `waits up to ${String(STOP_WAIT_MS / 1000)} s for those already sent`
    )
  })

  it('names the statuses retried, and makes the exception of a create', () => {
    const statuses = [...RETRY_STATUSES].join(', ')
    const waits = prose(REFERENCE, 'How it waits')
    expect(waits).toContain(`${statuses} and network errors are retried`)
    expect(waits).toContain(
      'A create is the exception: it is tried again only after a 429 or a refused connection'
    )
    expect(prose(SECURITY, 'Reliability')).toContain(
      'A create (`POST /api/v1/datadiffs`) is tried again only after a 429 or a refused connection'
    )
  })
})
