// The sweep that ends every end-to-end test finds a secret in each form a page could show it in,
// or those tests would pass over an escaped or a cut-off key.
import { describe, expect, it } from '@jest/globals'
import { findLeaks } from '../../__fixtures__/secret-sweep.js'
import { unescaped } from '../../src/redact.js'

const KEY = 'dfk_9f-_Kq2xYz8-Ab_Cd3eF4gH5wR7'

describe('findLeaks, beyond plain text and base64', () => {
  it.each([
    ['markdown-escaped', 'key dfk_9f-&#95;Kq2xYz8-Ab_Cd3eF4gH5wR7', 'an escaped form'],
    ['as hex entities', 'dfk&#x5f;9f&#x2D;&#x5F;Kq2xYz8-Ab_Cd3eF4gH5wR7', 'an escaped form'],
    ['JSON-escaped', 'dfk\\u005f9f-_Kq2xYz8-Ab_Cd3eF4gH5wR7', 'an escaped form'],
    ['percent-encoded', '?k=dfk%5F9f-%5FKq2xYz8-Ab_Cd3eF4gH5wR7', 'an escaped form'],
    ['cut in a table cell', '| error<br>refused key dfk_9f-&#95;Kq… |', 'the first 6 characters'],
    ['cut to its first 6 characters', 'refused key dfk_9f', 'the first 6 characters']
  ])('finds the key %s', (_, text, form) => {
    expect(findLeaks([{ where: 'p', text }], [KEY])).toEqual([`p: ${form} of secret 1`])
  })

  it.each(['refused key ***', 'refused key &#42;&#42;&#42;…', 'only dfk_9… of it'])(
    'finds nothing in %j',
    (text) => {
      expect(findLeaks([{ where: 'p', text }], [KEY])).toEqual([])
    }
  )

  it('reads text as a reader sees it', () => {
    expect(unescaped('a&#95;b &lt;c&gt; \\_d %41 \\u0042 e\u200df&#8205;g')).toBe(
      'a_b <c> _d A B efg'
    )
  })
})
