// Hostile table paths, column names, error texts, schema changes, warnings and titles, put through
// the real pipeline (contract-valid body → parseSummaryResults → normaliseDiff → evaluate →
// render) and then through a real GFM renderer (marked). The rendered HTML must have exactly the
// structure the same report has with a harmless name: the same tags in the same numbers, the same
// links, the same table rows with the same cells, and nothing GitHub would turn into a mention, an
// issue reference, a link or a second report marker.
import { describe, expect, it } from '@jest/globals'
import { marked } from 'marked'
import { sameDbDone, type DiffSpec, type SameDbDoneBody } from '../../__fixtures__/diffs.js'
import { SUMMARY_RESULTS_200, assertContract } from '../../__fixtures__/contract.js'
import { parseSummaryResults, type DiffRecord } from '../../src/datafold/schemas.js'
import { oneLine } from '../../src/text.js'
import type { DiffResult } from '../../src/diff.js'
import type { FinishedSummary } from '../../src/datafold/fetched.js'
import { normaliseDiff } from '../../src/normalise.js'
import { renderComment, renderReport, type ReportOptions } from '../../src/report/document.js'
import type { Thresholds } from '../../src/limits.js'
import { evaluateThresholds } from '../../src/thresholds.js'

const HOST = 'https://app.datafold.com'
const RUN_URL = 'https://github.com/acme/shop/actions/runs/42'
const MARKER = '<!-- datafold-diff-gate:default -->'
const HARMLESS = 'plain_name'

const HOSTILE: readonly string[] = [
  '|',
  'a|b',
  '| x | y |',
  '`',
  '```js',
  'a`b`c',
  '<script>alert(1)</script>',
  '<details>',
  '</details>',
  '</details><details open><summary>x</summary>',
  '</summary>',
  '-->',
  '<!--',
  MARKER,
  `${MARKER}\nsecond line`,
  '@user',
  'hi @user!',
  '@org/team',
  'cc @acme/data-eng',
  '#123',
  'fixes #123',
  'GH-123',
  'acme/shop#123',
  '[x](javascript:alert(1))',
  '[x]: https://evil.example',
  '![img](http://x)',
  '![img](http://x "t")',
  'line1\nline2',
  'line1\r\nline2',
  '\n# heading after a newline',
  'a\rb',
  'a\u2028b',
  '\u202Egnp.exe',
  'abc\u202Edef',
  'zero\u200Bwidth\u200Cjoin\u200Dx\uFEFF',
  '\u2066isolate\u2069',
  'x'.repeat(10_000),
  '|'.repeat(10_000),
  '<'.repeat(5_000) + '>'.repeat(5_000),
  '&lt;script&gt;',
  '&amp;',
  '&#124;',
  '&#x3C;img src=x onerror=alert(1)&#x3E;',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">x</a>',
  '<b>bold</b>',
  '<br>',
  '<p>',
  '<table><tr><td>x</td></tr></table>',
  '# heading',
  '## heading',
  '###### heading',
  '- list',
  '* list',
  '+ list',
  '1. list',
  '1) list',
  '> quote',
  '    indented code',
  '---',
  '===',
  '**x**',
  '__x__',
  '*x*',
  '_x_',
  '~~x~~',
  '~x~',
  'https://evil.example',
  'http://evil.example/path?q=1',
  'www.evil.example',
  'WWW.evil.example',
  'mailto:a@evil.example',
  'a@evil.example',
  '<https://evil.example>',
  '$x^2$',
  '$$\\alpha$$',
  '\\',
  '\\|',
  'a\\|b',
  '[^1]',
  '[ ] task',
  ':smile:',
  '😀 emoji',
  '{{ template }}',
  '"quoted"',
  "it's",
  ' leading space',
  'trailing space ',
  '\t',
  '',
  '\u0000nul',
  '\u001b[31mred'
]

/** A body the contract allows, with the hostile name in every string the report shows. */
function summaryBody(name: string): SameDbDoneBody {
  // A `*` in ignore-columns is a glob by design: `*x*` would ignore a `*x*_2` column too and leave
  // one breach fewer than the harmless name does, so beside such a name the second column is plain.
  const second = name.includes('*') ? 'second_column' : `${name}_2`
  const spec: DiffSpec = {
    pk: ['id'],
    columns: [name, second, 'amount'],
    rowsA: 1000,
    removed: 5,
    added: 15,
    dupes: [0, 1],
    nulls: [0, 2],
    differences: { [name]: 25, [second]: 17 },
    changed: 30,
    schemaChanges: { onlyInA: [name], onlyInB: [name, 'added_col'], typeChanged: [name] },
    dependencies: []
  }
  const body = sameDbDone(spec)
  // One column carries an estimate (compared on a sample) and the others do not.
  const estimated = sameDbDone({ ...spec, sampled: { rows: 995 } }).values?.columns_diff_stats[1]
  const stats = body.values?.columns_diff_stats
  if (!stats || !estimated) throw new Error('the builder compared no values')
  stats[1] = estimated
  return body
}

function diffsFor(name: string): DiffResult[] {
  const body = summaryBody(name)
  assertContract(SUMMARY_RESULTS_200, body)
  const parsed = parseSummaryResults(body)
  if (!parsed.ok) throw new Error(`parser refused the body: ${parsed.reason}`)
  const record: DiffRecord = {
    kind: 'in_db',
    table1: ['analytics', name, 'orders'],
    table2: [name]
  }
  const done = normaliseDiff(
    {
      id: 101,
      summary: parsed.summary as FinishedSummary,
      error: null,
      record,
      warnings: [`warning about ${name}`]
    },
    HOST
  )
  const failed = normaliseDiff(
    {
      id: 102,
      summary: null,
      error: `diff 102 failed: ${name}`,
      record: { table1: [name], table2: ['pr', name] },
      warnings: [name]
    },
    HOST
  )
  return [done, failed]
}

function render(name: string): { report: string; comment: string; diffs: number } {
  const diffs = diffsFor(name)
  const thresholds: Thresholds = {
    max: {
      'rows-added': { kind: 'count', value: 0 },
      'rows-changed': { kind: 'percent', value: 1 },
      'schema-changes': { kind: 'count', value: 0 }
    },
    minColumnMatch: 99,
    ignoreColumns: [name, 'amount']
  }
  const evaluation = evaluateThresholds(diffs, thresholds)
  const options: ReportOptions = { title: `Data diff ${name}`, thresholds, runUrl: RUN_URL }
  return {
    report: renderReport(evaluation, options),
    comment: renderComment(evaluation, options, MARKER),
    diffs: diffs.length
  }
}

const html = (markdown: string): string => marked.parse(markdown, { gfm: true, async: false })

/**
 * Every tag name, with how often it occurs (comments counted apart). `<wbr>`, the report's own
 * break hint after `_` and `.` in a name, is left out: how many there are follows the name.
 */
function tagCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const match of text.matchAll(/<(\/?[a-zA-Z][a-zA-Z0-9-]*)|<!--/g)) {
    const tag = match[1]?.toLowerCase() ?? '<!--'
    if (tag !== 'wbr') counts[tag] = (counts[tag] ?? 0) + 1
  }
  return counts
}

const hrefs = (text: string): string[] =>
  [...text.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1] ?? '')

/** Each table as rows of cells (th/td contents). */
function tables(text: string): string[][][] {
  return [...text.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((table) =>
    [...(table[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? '').matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1] ?? '')
    )
  )
}

/** Cells per row in the markdown itself: GFM splits on `|` not escaped by a backslash. */
function markdownTableRows(markdown: string): number[][] {
  const blocks: number[][] = []
  let current: number[] | null = null
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      current ??= []
      current.push(line.replace(/\\\\/g, '').match(/(?<!\\)\|/g)?.length ?? 0)
    } else if (current) {
      blocks.push(current)
      current = null
    }
  }
  if (current) blocks.push(current)
  return blocks
}

/** The text a reader sees: tags dropped, entities decoded. */
function visibleText(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

const baseline = render(HARMLESS)
const baselineHtml = { report: html(baseline.report), comment: html(baseline.comment) }

describe(`hostile names (${HOSTILE.length} names, each in table paths, column names, error texts, schema changes, warnings, title and ignore-columns)`, () => {
  it('the harmless baseline has the structure the checks below rely on', () => {
    for (const text of [baselineHtml.report, baselineHtml.comment]) {
      const tags = tagCounts(text)
      expect(tags.details).toBe(baseline.diffs)
      expect(tags.summary).toBe(baseline.diffs)
      expect(tags.table).toBe(2) // the diffs table and one column table
      // The verdict is the heading.
      expect(tags.h3).toBe(1)
      expect(tags.h2).toBeUndefined()
      expect(new Set(hrefs(text))).toEqual(
        new Set([`${HOST}/datadiffs/101/overview`, `${HOST}/datadiffs/102/overview`, RUN_URL])
      )
    }
    expect(tagCounts(baselineHtml.comment)['<!--']).toBe(1)
    expect(tagCounts(baselineHtml.report)['<!--']).toBeUndefined()
  })

  describe.each(HOSTILE.map((name, i) => [i + 1, JSON.stringify(name).slice(0, 60), name]))(
    'hostile name %i: %s',
    (_n, _label, name) => {
      const rendered = render(name as string)
      const out = { report: html(rendered.report), comment: html(rendered.comment) }

      it.each(['report', 'comment'] as const)(
        '%s: same tags, links and table shape as with a harmless name',
        (which) => {
          const text = out[which]
          expect(tagCounts(text)).toEqual(tagCounts(baselineHtml[which]))
          expect(hrefs(text)).toEqual(hrefs(baselineHtml[which]))
          // Escaped input shows as text (`&lt;img …`); no element or attribute comes from it.
          expect(text).not.toMatch(/<(script|img|iframe|svg|style|p\s|b>)|<a\s+href="(?!https:)/i)
          expect(text).not.toMatch(/<[a-z][^>]*\s(on\w+|style|src)=/i)
          expect(text).not.toMatch(/href="javascript:/i)

          const got = tables(text)
          const want = tables(baselineHtml[which])
          expect(got.map((t) => t.map((r) => r.length))).toEqual(
            want.map((t) => t.map((r) => r.length))
          )
          // The diffs table: the first cell opens with the row's mark, then the table's name as
          // a link to its diff.
          const [diffTable] = got
          expect(
            diffTable
              ?.slice(1)
              .map((row) => /^(\S+) <a href="([^"]*)"/.exec(row[0] ?? '')?.slice(1))
          ).toEqual([
            ['❌', `${HOST}/datadiffs/101/overview`],
            ['⚠️', `${HOST}/datadiffs/102/overview`]
          ])
          // The markdown rows themselves: no row gains or loses a cell delimiter.
          const rows = markdownTableRows(rendered[which])
          for (const block of rows) expect(new Set(block).size).toBe(1)
          expect(rows.map((b) => b[0])).toEqual(markdownTableRows(baseline[which]).map((b) => b[0]))
        }
      )

      it.each(['report', 'comment'] as const)(
        '%s: no @-mention, issue reference or bidi override for GitHub (links: checked above)',
        (which) => {
          const seen = visibleText(out[which])
          expect(seen).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/)
          expect(seen).not.toMatch(/#\d/)
          expect(seen).not.toMatch(/\bGH-\d/i)
          expect(seen).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/)
          expect(out[which]).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/)
        }
      )

      it('comment: the marker occurs once, as the header, never from the input', () => {
        expect(rendered.comment.split(MARKER).length - 1).toBe(1)
        expect(rendered.comment.startsWith(`${MARKER}\n`)).toBe(true)
        expect(out.comment.split('<!--').length - 1).toBe(1)
        expect(rendered.report).not.toContain(MARKER)
        expect(out.report).not.toContain('<!--')
      })

      const plain = oneLine(name as string).trim()
      if (
        plain.length > 0 &&
        plain.length <= 60 &&
        !/\uFFFD/.test(plain) &&
        !Array.from(plain).some((c) => c < ' ')
      ) {
        it('report: the name is shown as written (as text)', () => {
          const seen = visibleText(out.report).replace(/\u200D/g, '')
          expect(seen).toContain(plain.replace(/\u200D/g, ''))
        })
      }
    }
  )
})
