// The sweep that ends every end-to-end test must itself find a leak, or those tests prove nothing.
import { describe, expect, it } from '@jest/globals'
import { findLeaks } from '../__fixtures__/secret-sweep.js'

const KEY = 'dfk_sweep_0123456789'
const TOKEN = 'ghs_sweep_9876543210'
const b64 = (text: string): string => Buffer.from(text).toString('base64')

describe('findLeaks', () => {
  it.each([
    ['the key in a log line', `Fetching with ${KEY}`, ['p: plain text of secret 1']],
    ['the token base64-encoded alone', `auth ${b64(TOKEN)}`, ['p: base64 of secret 2']],
    [
      'the token inside a base64 Basic credential',
      `Authorization: Basic ${b64(`bot:${TOKEN}`)}`,
      ['p: base64 of secret 2']
    ],
    ['a masked line', 'Fetching with ***', []]
  ])('%s', (_, text, leaks) => {
    expect(findLeaks([{ where: 'p', text }], [KEY, TOKEN])).toEqual(leaks)
  })
})
