// The line each plan entry starts on, recorded as the plan is parsed: where a check run's
// annotation of that entry's diff points in the plan file.
import { describe, expect, it } from '@jest/globals'
import { parsePlan, type PlanOptions } from '../../src/plan/plan.js'

const OPTIONS: PlanOptions = {
  source: 'plan-file .github/datafold-plan.yml',
  context: { pr: 482, sha: '0123456789abcdef0123456789abcdef01234567', env: {} },
  dataSource: 'warehouse',
  thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [] }
}

const linesOf = (yaml: string) => Object.fromEntries(parsePlan(yaml, OPTIONS).lines ?? [])

describe('the lines of plan entries', () => {
  it.each([
    [
      'block style, after comments and blank lines',
      [
        '# Datafold plan',
        'defaults:',
        '  primary-key: id',
        '',
        'diffs:',
        '  # the big one',
        '  - name: orders',
        '    table-a: prod.orders',
        '    table-b: pr.orders',
        '',
        '  -   name: events',
        '      table-a: prod.events',
        '      table-b: pr.events'
      ].join('\n'),
      { orders: 7, events: 11 }
    ],
    [
      'the name not first in its entry',
      'diffs:\n  - table-a: prod.a\n    table-b: pr.a\n    primary-key: id\n    name: a\n',
      { a: 2 }
    ],
    [
      'flow style',
      'defaults: {primary-key: id}\ndiffs:\n  - {name: a, table-a: p.a, table-b: r.a}\n  - {name: b, table-a: p.b, table-b: r.b}\n',
      { a: 3, b: 4 }
    ],
    [
      'a name with a placeholder: by the name as filled in',
      'diffs:\n\n  - name: orders_{pr}\n    table-a: p.o\n    table-b: r.o\n    primary-key: id\n',
      { orders_482: 3 }
    ],
    [
      'Windows line ends',
      'diffs:\r\n  - name: a\r\n    table-a: p.a\r\n    table-b: r.a\r\n    primary-key: id\r\n  - name: b\r\n    table-a: p.b\r\n    table-b: r.b\r\n    primary-key: id\r\n',
      { a: 2, b: 6 }
    ],
    [
      'anchors and aliases',
      'diffs:\n  - name: a\n    primary-key: &key [tenant, id]\n    table-a: p.a\n    table-b: r.a\n  - name: b\n    primary-key: *key\n    table-a: p.b\n    table-b: r.b\n',
      { a: 2, b: 6 }
    ]
  ])('%s', (_case, yaml, lines) => {
    const plan = parsePlan(
      yaml.startsWith('x-base') ? yaml.replace(/^x-base/, 'defaults') : yaml,
      OPTIONS
    )
    expect(Object.fromEntries(plan.lines ?? [])).toEqual(lines)
    expect(plan.diffs.map((diff) => diff.name)).toEqual(Object.keys(lines))
  })

  it('has none for a plan without entries', () => {
    expect(linesOf('rules:\n  - match: { tag: finance }\n    max-rows-changed: 1%\n')).toEqual({})
  })
})
