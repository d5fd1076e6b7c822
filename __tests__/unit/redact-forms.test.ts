// The redactor against the forms a secret takes on its way to a page: escaped for markdown, HTML,
// JSON or a URL, and cut short by a table cell or an excerpt. And credentials written into an
// input value, which are echoed with the credential part replaced.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { findLeaks } from '../../__fixtures__/secret-sweep.js'
import { InputError, INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'
import { createRedactor, redactCredentials } from '../../src/redact.js'
import { cell, escapeMarkdown } from '../../src/report/markdown.js'

const KEY = 'dfk_9f-_Kq2xYz8-Ab_Cd3eF4gH5wR7'
const redact = createRedactor([KEY, 'ghs_token_456'])

describe('createRedactor, escaped and cut forms', () => {
  it.each([
    ['markdown-escaped', 'key dfk_9f-&#95;Kq2xYz8-Ab_Cd3eF4gH5wR7 here'],
    ['hex entities', 'key dfk&#x5F;9f&#x2d;_Kq2xYz8-Ab_Cd3eF4gH5wR7 here'],
    ['backslash escapes', 'key dfk\\_9f\\-\\_Kq2xYz8-Ab\\_Cd3eF4gH5wR7 here'],
    ['JSON \\u escapes', 'key dfk\\u005f9f\\u002d_Kq2xYz8-Ab_Cd3eF4gH5wR7 here'],
    ['percent-encoded', 'key dfk%5F9f%2D%5FKq2xYz8-Ab_Cd3eF4gH5wR7 here'],
    ['with invisible joiners', 'key dfk_9f-\u200d_Kq2xYz8-&#8205;Ab_Cd3eF4gH5wR7 here']
  ])('masks the secret %s', (_, text) => {
    expect(redact(text)).toBe('key *** here')
  })

  it.each([
    ['dfk_9f-&#95;Kq…', '***…'],
    ['dfk_9f-…', '***…'],
    ['dfk_9f-_Kq2xYz8-Ab_Cd3eF4gH5wR...', '***...'],
    ['ends in dfk_9f-_K', 'ends in ***'],
    ['cut through an entity dfk_9f-&#9…', 'cut through an entity ***…']
  ])('masks a cut-off start of 6 characters or more: %j', (text, expected) => {
    expect(redact(text)).toBe(expected)
  })

  it.each([
    'dfk_9…',
    'dfk_9f and more',
    'model_12 and escape&#95;d words',
    'https://eu.datafold.com/?a=1'
  ])('leaves %j alone', (text) => {
    expect(redact(text)).toBe(text)
  })

  it('no table cell or excerpt of any text holding the key keeps a recognisable piece of it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 150 }),
        fc.string({ maxLength: 50 }),
        fc.integer({ min: 1, max: 200 }),
        (before, after, max) => {
          const text = `${before}${KEY}${after}`
          // Cut first and escaped (as the report would without scrubbing first), then redacted:
          // the last line of defence must still hold.
          const written = [redact(cell(text, max)), redact(escapeMarkdown(text))]
          expect(findLeaks([{ where: 'cell', text: written.join('\n') }], [KEY])).toEqual([])
        }
      )
    )
  })
})

describe('redactCredentials', () => {
  it.each([
    ['KEY@eu.datafold.com', '***@eu.datafold.com'],
    ['user:KEY@eu.datafold.com', '***@eu.datafold.com'],
    ['https://user:KEY@eu.datafold.com/api', 'https://***@eu.datafold.com/api'],
    [
      'https://eu.datafold.com/?api_key=KEY&region=eu',
      'https://eu.datafold.com/?api_key=***&region=***'
    ],
    ['https://eu.datafold.com/?KEY', 'https://eu.datafold.com/?***'],
    ['eu.datafold.com/#token=KEY', 'eu.datafold.com/#***'],
    ['https://x.example/a@b', 'https://x.example/a@b'],
    ['eu.datafold.com', 'eu.datafold.com']
  ])('%j → %j', (text, expected) => {
    expect(redactCredentials(text)).toBe(expected)
  })
})

describe('an input refused for carrying credentials', () => {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
  const refusal = (host: string, env: Record<string, string> = {}): string => {
    try {
      parseInputs({ ...raw, 'diff-ids': '1', 'api-key': 'dfk_x_1234', 'datafold-host': host }, env)
    } catch (error) {
      return (error as InputError).message
    }
    throw new Error('expected the input to be refused')
  }

  it.each([
    ['dfk_inhost_5f4e3d@eu.datafold.com', '***@eu.datafold.com'],
    ['ci:dfk_inhost_5f4e3d@eu.datafold.com', '***@eu.datafold.com'],
    ['https://eu.datafold.com/?api_key=dfk_inhost_5f4e3d', 'https://eu.datafold.com/?api_key=***'],
    ['http://ci:dfk_inhost_5f4e3d@10.0.0.5', 'http://***@10.0.0.5']
  ])('datafold-host %j is echoed as %j', (host, echoed) => {
    const message = refusal(host)
    expect(message).toContain(`datafold-host: `)
    expect(message).toContain(`(got "${echoed}")`)
    expect(message).not.toContain('dfk_inhost')
  })

  it('a secret pasted into another input is not echoed', () => {
    const withToken = { ...raw, 'api-key': 'dfk_x_1234', 'github-token': 'ghs_pasted_9876' }
    expect(() => parseInputs({ ...withToken, 'diff-ids': 'ghs_pasted_9876' })).toThrow(
      'diff-ids: diff IDs are positive whole numbers separated by commas, spaces or newlines (got "***")'
    )
  })

  it('so is a DATAFOLD_HOST from the environment', () => {
    const message = refusal('', { DATAFOLD_HOST: 'dfk_inhost_5f4e3d@eu.datafold.com' })
    expect(message).toContain('(got "***@eu.datafold.com")')
  })
})
