import { describe, expect, it } from '@jest/globals'
import { base64Forms, createRedactor, redactCredentials } from '../../src/redact.js'

const b64 = (text: string): string => Buffer.from(text).toString('base64')

describe('createRedactor', () => {
  const redact = createRedactor(['dfk_secret_123', 'ghs_token_456', ''])

  it.each([
    ['key dfk_secret_123 here', 'key *** here'],
    ['twice dfk_secret_123dfk_secret_123', 'twice ******'],
    [`b64 ${b64('ghs_token_456')}`, 'b64 ***'],
    ['nothing secret', 'nothing secret']
  ])('%j → %j', (text, expected) => {
    expect(redact(text)).toBe(expected)
  })

  it.each(['', 'x', 'xy', 'x-access-token:', 'api key='])(
    'masks the secret base64-encoded behind a %j prefix',
    (prefix) => {
      const encoded = b64(`${prefix}dfk_secret_123 and more`)
      const masked = redact(encoded)
      expect(masked).toContain('***')
      // Whatever is left decodes to no more than a few bytes of the secret.
      expect(masked.replace('***', '').length).toBeLessThan(encoded.length - 12)
    }
  )

  it('ignores empty and very short secrets rather than masking every letter', () => {
    expect(createRedactor(['', 'a'])('a banana')).toBe('a banana')
  })
})

describe('base64Forms', () => {
  it('gives the padded encoding and the encoding of the bytes at each offset', () => {
    // "abcdef" at offset 0 is YWJjZGVm; after one byte, "\0abcdef" is AGFiY2RlZg==, whose
    // second group (Y2Rl) encodes "cde"; after two, "\0\0abcdef" is AABhYmNkZWY=, group two "YmNk".
    expect(base64Forms('abcdef')).toEqual(['YWJjZGVm', 'Y2Rl', 'YmNk'])
  })

  it.each([0, 1, 2, 5])(
    'finds the secret inside base64 of a value with %i bytes before it',
    (n) => {
      const secret = 'ghs_token_456789'
      const encoded = b64(`${'p'.repeat(n)}${secret}!`)
      expect(base64Forms(secret).some((form) => encoded.includes(form))).toBe(true)
    }
  )
})

describe('redactCredentials', () => {
  it.each([
    ['https://user:secret@x.example/api', 'https://***@x.example/api'],
    ['see //token@host', 'see //***@host'],
    ['https://x.example/a@b', 'https://x.example/a@b'],
    ['no url here', 'no url here']
  ])('%j → %j', (text, expected) => {
    expect(redactCredentials(text)).toBe(expected)
  })
})
