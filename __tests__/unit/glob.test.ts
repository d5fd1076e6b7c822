// The one glob matcher, in both its uses: dbt rules' paths and names (`*` and `?` within a folder,
// `**` across) and ignore-columns (`*` only, any case). It agrees with the regular expressions the
// globs used to be, and a pattern built to make those backtrack finishes.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { globMatcher, type GlobSyntax } from '../../src/glob.js'
import { columnMatcher } from '../../src/thresholds.js'

const PATHS: GlobSyntax = { folders: true, ignoreCase: false }
const COLUMNS: GlobSyntax = { folders: false, ignoreCase: true }

describe('rules: paths and names', () => {
  it.each([
    ['stg_*', 'stg_orders', true],
    ['stg_*', 'int_orders', false],
    ['stg_?rders', 'stg_orders', true],
    ['stg_?rders', 'stg_rders', false],
    ['models/**/x.sql', 'models/x.sql', true],
    ['models/**/x.sql', 'models/a/b/x.sql', true],
    ['models/**/x.sql', 'models/abx.sql', false],
    ['models/**', 'models/a/b/x.sql', true],
    ['models/*', 'models/a/x.sql', false],
    ['models/*/stg_*.sql', 'models/staging/stg_orders.sql', true],
    ['models/?/x.sql', 'models//x.sql', false],
    ['a.b+c', 'a.b+c', true],
    ['a.b', 'axb', false],
    ['(x)[y]', '(x)[y]', true],
    ['Stg_*', 'stg_orders', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a***b', 'a/x/b', true],
    ['a*', 'a\nb', true],
    ['?', '😀', true]
  ])('%j against %j: %s', (glob, text, matches) => {
    expect(globMatcher(glob, PATHS)(text)).toBe(matches)
  })
})

describe('ignore-columns', () => {
  it.each([
    ['_dbt_*', '_DBT_LOADED_AT', true],
    ['*_at', 'created_at', true],
    ['*_at', 'created_at_x', false],
    ['*/*', 'a/b/c', true],
    ['a?c', 'abc', false],
    ['a?c', 'A?C', true],
    ['a**', 'a', true],
    ['(x)*', '(X)y', true]
  ])('%j against %j: %s', (glob, text, matches) => {
    expect(globMatcher(glob, COLUMNS)(text)).toBe(matches)
  })

  it.each([
    [['id'], 'ID', true],
    [['id'], 'idx', false],
    [['a.b'], 'aXb', false],
    [[], 'anything', false]
  ])('columnMatcher(%j) against %j: %s', (patterns, name, matches) => {
    expect(columnMatcher(patterns)(name)).toBe(matches)
  })
})

/** What the globs compiled to before: backtracking regular expressions, right but not bounded. */
function asRegExp(glob: string, syntax: GlobSyntax): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
  if (!syntax.folders) return new RegExp(`^${glob.split('*').map(escape).join('.*')}$`, 'is')
  let pattern = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i)
    if (char === '*' && glob.charAt(i + 1) === '*') {
      const slash = glob.charAt(i + 2) === '/'
      pattern += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (char === '*') pattern += '[^/]*'
    else if (char === '?') pattern += '[^/]'
    else pattern += escape(char)
  }
  return new RegExp(`^${pattern}$`, 's')
}

describe('the same answers as the regular expressions', () => {
  const glob = fc.string({ unit: fc.constantFrom('a', 'B', '/', '*', '?', '.'), maxLength: 8 })
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '/', '?', '.'), maxLength: 8 })

  it.each([
    ['paths', PATHS],
    ['columns', COLUMNS]
  ])('%s', (_name, syntax) => {
    fc.assert(
      fc.property(glob, text, (g, t) => {
        expect(globMatcher(g, syntax)(t)).toBe(asRegExp(g, syntax).test(t))
      }),
      { numRuns: 2_000 }
    )
  })
})

describe('a pattern made to backtrack', () => {
  // 25 stars against 60 characters: the regular expressions took minutes. This only guards against
  // a hang (jest's timeout below); it measures no speed.
  const glob = `${'*a'.repeat(25)}b`
  const name = 'a'.repeat(60)

  it('finishes for a rule and for ignore-columns, without a match', () => {
    expect(globMatcher(glob, PATHS)(name)).toBe(false)
    expect(globMatcher(glob, COLUMNS)(name)).toBe(false)
    expect(globMatcher(glob, PATHS)(`${name}b`)).toBe(true)
  }, 10_000)
})
