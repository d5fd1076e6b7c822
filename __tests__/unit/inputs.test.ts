import { describe, expect, it } from '@jest/globals'
import { inputProblems } from '../../__fixtures__/input-problems.js'
import { INPUT_NAMES, parseInputs, type RawInputs } from '../../src/inputs.js'

const empty = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const valid: RawInputs = { ...empty, 'diff-ids': '12', 'api-key': 'dfkey-123' }

function parse(overrides: Partial<RawInputs>, env: Record<string, string> = {}) {
  return parseInputs({ ...valid, ...overrides }, env)
}

function problemsOf(overrides: Partial<RawInputs>, env: Record<string, string> = {}): string[] {
  return inputProblems(() => parse(overrides, env))
}

describe('parseInputs defaults', () => {
  it('fills every documented default', () => {
    expect(parse({})).toEqual({
      diffIds: [12],
      plan: null,
      dbt: null,
      dbtCloud: null,
      failOnSkipped: false,
      dataSource: '',
      apiKey: 'dfkey-123',
      datafoldHost: 'https://app.datafold.com',
      githubToken: '',
      thresholds: { max: {}, minColumnMatch: null, ignoreColumns: [], sampledLimit: 'estimate' },
      failOnBreach: true,
      failOnError: true,
      waitTimeoutMs: 20 * 60 * 1000,
      commentMode: 'update',
      commentKey: 'default',
      prNumber: null,
      title: 'Datafold data diff',
      jobSummary: true,
      commitStatus: 'auto',
      checkRun: null
    })
  })

  it('takes the key and host from DATAFOLD_API_KEY and DATAFOLD_HOST when the inputs are empty', () => {
    const inputs = parse(
      { 'api-key': '' },
      { DATAFOLD_API_KEY: 'from-env', DATAFOLD_HOST: 'eu.datafold.com' }
    )
    expect(inputs.apiKey).toBe('from-env')
    expect(inputs.datafoldHost).toBe('https://eu.datafold.com')
  })

  it('prefers the inputs over the environment', () => {
    const inputs = parse(
      { 'api-key': 'input-key', 'datafold-host': 'us.datafold.com' },
      { DATAFOLD_API_KEY: 'env-key', DATAFOLD_HOST: 'eu.datafold.com' }
    )
    expect(inputs.apiKey).toBe('input-key')
    expect(inputs.datafoldHost).toBe('https://us.datafold.com')
  })
})

describe('diff-ids', () => {
  it.each([
    ['12', [12]],
    ['12,13', [12, 13]],
    ['12, 13 14', [12, 13, 14]],
    ['12\n13\n', [12, 13]],
    ['14,12,14,13,12', [14, 12, 13]],
    [' 7 ', [7]]
  ])('%j → %j (repeats ignored, order kept)', (text, ids) => {
    expect(parse({ 'diff-ids': text }).diffIds).toEqual(ids)
  })

  it.each([
    ['', 'at least one diff ID'],
    ['0', 'start at 1'],
    ['12,abc', 'positive whole numbers'],
    ['-3', 'positive whole numbers'],
    ['1.5', 'positive whole numbers'],
    ['99999999999999999999', 'too large']
  ])('%j is refused (%s)', (text, reason) => {
    const [problem] = problemsOf({ 'diff-ids': text })
    expect(problem).toContain('diff-ids')
    expect(problem).toContain(reason)
    expect(problem).toContain(`"${text}"`)
  })
})

describe('datafold-host', () => {
  it.each([
    ['app.datafold.com', 'https://app.datafold.com'],
    ['eu.datafold.com', 'https://eu.datafold.com'],
    ['https://us.datafold.com/', 'https://us.datafold.com'],
    ['https://eub.datafold.com/api/v1', 'https://eub.datafold.com'],
    ['https://x.example/api/v1/', 'https://x.example'],
    ['https://x.example/api', 'https://x.example'],
    ['HTTPS://Datafold.Corp.example:8443', 'https://datafold.corp.example:8443'],
    ['https://proxy.example/datafold/api/v1', 'https://proxy.example/datafold'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://localhost:4010/api/v1', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010']
  ])('%j → %j', (text, host) => {
    expect(parse({ 'datafold-host': text }).datafoldHost).toBe(host)
  })

  it.each([
    ['http://eu.datafold.com', 'clear text'],
    ['http://10.0.0.5', 'clear text'],
    ['ftp://datafold.example', 'only https://'],
    ['https://user:secret@x.example', 'without credentials'],
    ['https://x.example/?a=1', 'without credentials, query'],
    ['https://', 'not a host name']
  ])('%j is refused (%s)', (text, reason) => {
    const [problem] = problemsOf({ 'datafold-host': text })
    expect(problem).toContain('datafold-host')
    expect(problem).toContain(reason)
  })

  it('never echoes credentials written into the host URL', () => {
    const [problem] = problemsOf({ 'datafold-host': 'https://user:secret@x.example' })
    expect(problem).not.toContain('secret')
    expect(problem).toContain('https://***@x.example')
  })
})

describe('thresholds', () => {
  it.each([
    ['0', { kind: 'count', value: 0 }],
    ['250', { kind: 'count', value: 250 }],
    ['1%', { kind: 'percent', value: 1 }],
    ['0.25%', { kind: 'percent', value: 0.25 }],
    ['100%', { kind: 'percent', value: 100 }],
    [' 3 ', { kind: 'count', value: 3 }]
  ])('max-rows-changed %j → %j', (text, limit) => {
    expect(parse({ 'max-rows-changed': text }).thresholds.max['rows-changed']).toEqual(limit)
  })

  it('reads every max-* input into its own metric', () => {
    const inputs = parse({
      'max-rows-added': '1',
      'max-rows-removed': '2',
      'max-rows-changed': '3%',
      'max-values-changed': '4',
      'max-columns-changed': '5',
      'max-null-pks': '6',
      'max-duplicate-pks': '7%',
      'max-schema-changes': '8'
    })
    expect(inputs.thresholds.max).toEqual({
      'rows-added': { kind: 'count', value: 1 },
      'rows-removed': { kind: 'count', value: 2 },
      'rows-changed': { kind: 'percent', value: 3 },
      'values-changed': { kind: 'count', value: 4 },
      'columns-changed': { kind: 'count', value: 5 },
      'null-pks': { kind: 'count', value: 6 },
      'duplicate-pks': { kind: 'percent', value: 7 },
      'schema-changes': { kind: 'count', value: 8 }
    })
  })

  it.each([
    ['max-rows-changed', 'abc'],
    ['max-rows-changed', '-1'],
    ['max-rows-changed', '1.5'],
    ['max-rows-changed', '101%'],
    ['max-rows-changed', '%'],
    ['max-rows-changed', '1 %'],
    ['max-rows-added', '1e3'],
    ['max-null-pks', 'none'],
    ['max-schema-changes', '1%'],
    ['min-column-match', '101'],
    ['min-column-match', 'high']
  ] as const)('%s %j is refused naming the input and the value', (name, text) => {
    const [problem] = problemsOf({ [name]: text })
    expect(problem).toMatch(new RegExp(`^${name}: `))
    expect(problem).toContain(`(got "${text}")`)
  })

  it.each([
    ['99.5', 99.5],
    ['99.5%', 99.5],
    ['0', 0],
    ['100', 100]
  ])('min-column-match %j → %d', (text, value) => {
    expect(parse({ 'min-column-match': text }).thresholds.minColumnMatch).toBe(value)
  })

  it('splits ignore-columns on commas and newlines', () => {
    expect(
      parse({ 'ignore-columns': 'updated_at,\n_dbt_*\n  etl_batch' }).thresholds.ignoreColumns
    ).toEqual(['updated_at', '_dbt_*', 'etl_batch'])
  })
})

describe('switches and modes', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('fail-on-breach %j → %s', (text, value) => {
    expect(parse({ 'fail-on-breach': text }).failOnBreach).toBe(value)
    expect(parse({ 'fail-on-error': text }).failOnError).toBe(value)
    expect(parse({ 'job-summary': text }).jobSummary).toBe(value)
  })

  it.each(['yes', '1', 'on', 'ture'])('a boolean input refuses %j', (text) => {
    expect(problemsOf({ 'fail-on-breach': text })).toEqual([
      `fail-on-breach: expected true or false (got "${text}")`
    ])
  })

  it.each([
    ['0', 0],
    ['90', 90_000],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['', 1_200_000]
  ])('wait-timeout %j → %d ms', (text, ms) => {
    expect(parse({ 'wait-timeout': text }).waitTimeoutMs).toBe(ms)
  })

  it.each(['5d', '1h30', 'm', '10 m', '-1', '25h', '1.5h'])('wait-timeout refuses %j', (text) => {
    const [problem] = problemsOf({ 'wait-timeout': text })
    expect(problem).toContain('wait-timeout')
    expect(problem).toContain(`"${text}"`)
  })

  it.each(['update', 'recreate', 'off'] as const)('comment-mode %s', (mode) => {
    expect(parse({ 'comment-mode': mode }).commentMode).toBe(mode)
  })

  it('refuses an unknown comment-mode', () => {
    expect(problemsOf({ 'comment-mode': 'edit' })).toEqual([
      'comment-mode: expected update, recreate or off (got "edit")'
    ])
  })

  it.each(['dbt-prod', 'models/marts', 'a.b_c:1'])('comment-key %j is accepted', (key) => {
    expect(parse({ 'comment-key': key }).commentKey).toBe(key)
  })

  it.each(['a-->b', 'two words', 'x'.repeat(101)])('comment-key %j is refused', (key) => {
    expect(problemsOf({ 'comment-key': key })[0]).toContain('comment-key')
  })

  it.each([
    ['', null],
    ['42', 42]
  ])('pr-number %j → %s', (text, value) => {
    expect(parse({ 'pr-number': text }).prNumber).toBe(value)
  })

  it.each(['0', '-1', '#42', '4.2'])('pr-number refuses %j', (text) => {
    expect(problemsOf({ 'pr-number': text })[0]).toContain('pr-number')
  })

  it.each([
    ['', 'auto'],
    ['auto', 'auto'],
    ['true', true],
    ['False', false]
  ] as const)('commit-status %j → %j', (text, setting) => {
    expect(parse({ 'commit-status': text }).commitStatus).toBe(setting)
  })

  it.each(['on', 'yes', 'always'])('commit-status refuses %j', (text) => {
    expect(problemsOf({ 'commit-status': text })).toEqual([
      `commit-status: expected auto, true or false (got "${text}")`
    ])
  })

  it.each([
    ['', null],
    ['   ', null],
    ['Datafold data diffs', 'Datafold data diffs'],
    [' dbt: marts ✅ ', 'dbt: marts ✅']
  ])('check-run %j → %j (empty: no check run)', (text, name) => {
    expect(parse({ 'check-run': text }).checkRun).toBe(name)
  })

  it.each(['x'.repeat(101), 'two\nlines', 'right\u202eleft'])('check-run refuses %j', (text) => {
    expect(problemsOf({ 'check-run': text })[0]).toMatch(/^check-run: /)
  })

  it('keeps a custom title and falls back when it is blank', () => {
    expect(parse({ title: ' Warehouse checks ' }).title).toBe('Warehouse checks')
    expect(parse({ title: '   ' }).title).toBe('Datafold data diff')
  })
})

describe('errors', () => {
  it('lists every bad input at once', () => {
    const problems = problemsOf({
      'diff-ids': 'x',
      'max-rows-removed': 'lots',
      'wait-timeout': 'forever',
      'comment-mode': 'loud'
    })
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'max-rows-removed',
      'diff-ids',
      'wait-timeout',
      'comment-mode'
    ])
  })

  it('says how to give the key when there is none, without a value', () => {
    expect(problemsOf({ 'api-key': '' })).toEqual([
      'api-key: no API key: set api-key (from a secret) or the DATAFOLD_API_KEY environment variable'
    ])
  })

  it('never repeats the API key in a message', () => {
    const key = 'dfkey with space'
    const error = (() => {
      try {
        parse({ 'api-key': key, 'diff-ids': 'bad' })
      } catch (e) {
        return e as Error
      }
      return null
    })()
    expect(error?.message).toContain('api-key: the API key contains white space')
    expect(error?.message).not.toContain(key)
  })
})
