import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../src/redact.js'

describe('createRedactor', () => {
  const redact = createRedactor(['dfk_secret_123', 'ghs_token_456', ''])

  it.each([
    ['key dfk_secret_123 here', 'key *** here'],
    ['twice dfk_secret_123dfk_secret_123', 'twice ******'],
    [`b64 ${Buffer.from('ghs_token_456').toString('base64')}`, 'b64 ***'],
    ['nothing secret', 'nothing secret']
  ])('%j → %j', (text, expected) => {
    expect(redact(text)).toBe(expected)
  })

  it('ignores empty and very short secrets rather than masking every letter', () => {
    expect(createRedactor(['', 'a'])('a banana')).toBe('a banana')
  })
})
