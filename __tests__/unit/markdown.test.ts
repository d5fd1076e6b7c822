import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { marked } from 'marked'
import {
  formatAge,
  formatInteger,
  formatMeasure,
  formatNumber,
  formatPercent,
  plural
} from '../../src/format.js'
import {
  cell,
  details,
  escapeMarkdown,
  link,
  safeUrl,
  tableHeader,
  tableRow
} from '../../src/report/markdown.js'
import { oneLine, truncate } from '../../src/text.js'

const render = (markdown: string): string => marked.parse(markdown, { gfm: true, async: false })

/** The text a browser shows: tags dropped, entities decoded. */
function shownText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

const withoutJoiners = (text: string): string => text.replace(/\u200D/g, '')

function tagNames(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[0].toLowerCase()).sort()
}

// Everything with a meaning somewhere in GitHub markdown, and a few letters and digits around it.
const DANGEROUS = [
  ...Array.from('|<>&"\'[]()!`*_~#@$\\-+=.:/ \n\r\t'),
  'a',
  'b',
  '1',
  '2',
  'w',
  'h',
  'G',
  'H',
  '\u2028',
  '\u202E',
  '\u0000'
]
const hostileString = fc.string({ unit: fc.constantFrom(...DANGEROUS), maxLength: 40 })

describe('escapeMarkdown', () => {
  it.each([
    ['plain', 'plain'],
    ['analytics.prod.model_12', 'analytics.prod.model_12'],
    ['a|b', 'a&#124;b'],
    ['<img src=x>', '&lt;img src=x&gt;'],
    ['a & b', 'a &amp; b'],
    ['[x](y)', '&#91;x&#93;&#40;y&#41;'],
    ['![i](u)', '&#33;&#91;i&#93;&#40;u&#41;'],
    ['`code`', '&#96;code&#96;'],
    ['*em* _em_', '&#42;em&#42; &#95;em&#95;'],
    ['~~del~~', '&#126;&#126;del&#126;&#126;'],
    ['$x$', '&#36;x&#36;'],
    ['a\\b', 'a&#92;b'],
    ['@octocat', '@&#8205;octocat'],
    ['@github/security', '@&#8205;github/security'],
    ['fixes #123', 'fixes &#35;&#8205;123'],
    ['# heading', '&#35; heading'],
    ['GH-42', 'GH-&#8205;42'],
    ['-->', '&#45;-&gt;'],
    ['a --> b', 'a --&gt; b'],
    ['- item', '&#45; item'],
    ['+ item', '&#43; item'],
    ['1. item', '1&#46; item'],
    ['2.5%', '2.5%'],
    ['> quote', '&gt; quote'],
    ['    code', '&#32;&#32;&#32;&#32;code'],
    ['see https://evil.example', 'see https&#58;//evil.example'],
    ['www.evil.example', 'www&#46;evil.example'],
    ['line\nbreak\r\nagain', 'line break  again'],
    ['tab\there', 'tab here'],
    ['nul\u0000bidi\u202E', 'nul\uFFFDbidi\uFFFD'],
    ['_leading and trailing_', '&#95;leading and trailing&#95;']
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected)
  })

  const contexts: [string, (escaped: string) => string, string[]][] = [
    ['a paragraph', (e) => `Note: ${e}`, ['<p>', '</p>']],
    ['a list item', (e) => `- ${e}`, ['<ul>', '</ul>', '<li>', '</li>']],
    ['a heading', (e) => `## ${e}`, ['<h2>', '</h2>']],
    [
      'a table cell',
      (e) => `| h |\n| --- |\n| ${e} |`,
      ['<table>', '</table>', '<thead>', '</thead>', '<tbody>', '</tbody>'].concat([
        '<tr>',
        '</tr>',
        '<tr>',
        '</tr>',
        '<th>',
        '</th>',
        '<td>',
        '</td>'
      ])
    ],
    [
      'a <summary>',
      (e) => details(e, 'body'),
      ['<details>', '</details>', '<summary>', '</summary>', '<p>', '</p>']
    ]
  ]

  it.each(contexts)(
    'in %s, any string renders as itself and opens nothing (property)',
    (_, wrap, tags) => {
      fc.assert(
        fc.property(hostileString, (input) => {
          const html = render(wrap(escapeMarkdown(input)))
          expect(tagNames(html)).toEqual(tagNames(tags.join('')))
          const text = shownText(html)
          expect(withoutJoiners(text)).toContain(oneLine(input).trim())
          // GitHub links mentions and references in the rendered text, after markdown.
          expect(text).not.toMatch(/@[A-Za-z0-9]|#[0-9]|GH-[0-9]/i)
        }),
        { numRuns: 300 }
      )
    }
  )

  it('keeps a table row at its cell count whatever the cell holds (property)', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 3, maxLength: 3 }), (cells) => {
        const markdown = `${tableHeader(['a', 'b', 'c'])}\n${tableRow(cells.map(escapeMarkdown))}\n${tableRow(['x', 'y', 'z'])}`
        const [table] = marked.lexer(markdown)
        expect(table?.type).toBe('table')
        const rows = (table as unknown as { rows: { text: string }[][] }).rows
        expect(rows).toHaveLength(2)
        expect(rows[1]?.map((c) => c.text)).toEqual(['x', 'y', 'z'])
        expect(render(markdown).match(/<td>/g)).toHaveLength(6)
      }),
      { numRuns: 300 }
    )
  })
})

describe('truncate and cell', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven char', 10, 'eleven ch…'],
    ['😀😀😀😀😀😀', 4, '😀😀😀…']
  ])('truncate(%j, %d) → %j', (text, max, expected) => {
    expect(truncate(text, max)).toBe(expected)
  })

  it('shortens a 10,000-character name with an ellipsis, and escapes it', () => {
    const name = `${'|'.repeat(5000)}${'x'.repeat(5000)}`
    const out = cell(name, 120)
    expect(out.endsWith('…')).toBe(true)
    expect(out).not.toContain('|')
    expect(out).toBe(`${'&#124;'.repeat(119)}…`)
  })

  it('never cuts a surrogate pair in half', () => {
    expect(truncate('a😀b', 2)).toBe('a…')
    expect(truncate('😀'.repeat(200), 120)).toBe(`${'😀'.repeat(119)}…`)
  })

  it('trims a cell and makes it one line', () => {
    expect(cell('  a\nb  ')).toBe('a b')
  })
})

describe('links', () => {
  it.each([
    [
      'https://app.datafold.com/datadiffs/1/overview',
      'https://app.datafold.com/datadiffs/1/overview'
    ],
    ['http://127.0.0.1:8080/datadiffs/1/overview', 'http://127.0.0.1:8080/datadiffs/1/overview'],
    ['https://x.example/a|b(c)', 'https://x.example/a%7Cb%28c%29'],
    ['https://x.example/a b', 'https://x.example/a%20b'],
    ['javascript:alert(1)', null],
    ['data:text/html,x', null],
    ['not a url', null]
  ])('safeUrl(%j) → %j', (url, expected) => {
    expect(safeUrl(url)).toBe(expected)
  })

  it('escapes the label and drops a link that is not http(s)', () => {
    expect(link('[x]', 'https://a.example/')).toBe('[&#91;x&#93;](https://a.example/)')
    expect(link('run', 'javascript:alert(1)')).toBe('run')
    expect(link('run', null)).toBe('run')
  })
})

describe('numbers', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1234, '1,234'],
    [1234567, '1,234,567'],
    [12.345, '12.35'],
    [Number.NaN, '—']
  ])('formatNumber(%d) → %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected)
  })

  it.each([
    [1200.4, '1,200'],
    [1380.5, '1,381']
  ])('formatInteger(%d) → %s', (value, expected) => {
    expect(formatInteger(value)).toBe(expected)
  })

  it.each([
    [0, '0.00%'],
    [2.5, '2.50%'],
    [0.03, '0.03%'],
    [0.005, '0.01%'],
    [0.0049, '<0.01%'],
    [0.00001, '<0.01%'],
    [33.333333, '33.33%'],
    [99.994, '99.99%'],
    [99.996, '>99.99%'],
    [100, '100.00%'],
    [1234.5, '1,234.50%'],
    [Number.POSITIVE_INFINITY, '—']
  ])('formatPercent(%d) → %s', (value, expected) => {
    expect(formatPercent(value)).toBe(expected)
  })

  // formatNumber and formatPercent skip Intl for short decimals: they must print what Intl does.
  it('prints every finite number as Intl en-US does, to 2 decimals', () => {
    const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
    const percent = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2
    })
    const values = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 100),
      fc.maxSafeNat(),
      fc.constantFrom(-0, 0.005, 1.005, 99.995, 2 ** 53, 1e21, 123456789.125)
    )
    fc.assert(
      fc.property(values, (value) => {
        expect(formatNumber(value)).toBe(number.format(value))
        if (value >= 0.005 && !(value >= 99.995 && value < 100)) {
          expect(formatPercent(value)).toBe(`${percent.format(value)}%`)
        }
      }),
      { numRuns: 5000 }
    )
  })

  it.each([
    [250, 2.5, '250 (2.50%)'],
    [3, 0.0003, '3 (<0.01%)'],
    [3, 0, '3 (<0.01%)'],
    [0, 0, '0 (0.00%)'],
    [12345, 100, '12,345 (100.00%)'],
    [3, null, '3']
  ])('formatMeasure(%d, %s) → %s', (value, percent, expected) => {
    expect(formatMeasure(value, percent)).toBe(expected)
  })

  it.each([
    [1, 'diff', '1 diff'],
    [2, 'diff', '2 diffs'],
    [1500, 'diff', '1,500 diffs'],
    [2, 'diff is', '2 diffs are']
  ])('plural(%d, %s)', (count, one, expected) => {
    expect(plural(count, one, one === 'diff is' ? 'diffs are' : undefined)).toBe(expected)
  })

  it.each([
    [-5_000, '0 minutes'],
    [60_000, '1 minute'],
    [59 * 60_000, '59 minutes'],
    [90 * 60_000, '2 hours'],
    [47 * 3_600_000, '47 hours'],
    [48 * 3_600_000, '2 days'],
    [158.8 * 3_600_000, '7 days']
  ])('formatAge(%d) → %s', (ms, expected) => {
    expect(formatAge(ms)).toBe(expected)
  })
})
