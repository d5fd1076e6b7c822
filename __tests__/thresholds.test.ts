import { describe, expect, it } from '@jest/globals'
import { columnMatcher, exceeds } from '../src/thresholds.js'

describe('exceeds', () => {
  it.each([
    [{ kind: 'count', value: 0 } as const, 0, 0, false],
    [{ kind: 'count', value: 0 } as const, 1, 0.1, true]
  ])('%j with %d (%d%%) → %s', (limit, value, percent, expected) => {
    expect(exceeds(limit, value, percent)).toBe(expected)
  })
})

describe('columnMatcher', () => {
  it('matches exact names and globs', () => {
    const m = columnMatcher(['id', '_dbt_*'])
    expect(m('id')).toBe(true)
    expect(m('_dbt_loaded_at')).toBe(true)
    expect(m('idx')).toBe(false)
  })
})
