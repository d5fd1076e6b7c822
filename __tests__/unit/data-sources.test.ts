// Every text of every data-source record the action reads is a secret for the run, but what the
// action shows of a data source, texts too short to mask and the contract's own words; and the
// redactor that learns them takes them out of what is written from then on, in every form.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DATA_SOURCE_SECRETS, dataSources } from '../../__fixtures__/data-sources.js'
import { REPO_ROOT } from '../../__fixtures__/run-action.js'
import { findLeaks } from '../../__fixtures__/secret-sweep.js'
import { CONTRACT_WORDS, dataSourceSecrets } from '../../src/datafold/data-sources.js'
import { createRedactor } from '../../src/redact.js'
import { truncate } from '../../src/text.js'

describe('dataSourceSecrets', () => {
  it("takes every text of the records' options, not their ids, names and types", () => {
    const secrets = dataSourceSecrets(dataSources())
    for (const planted of DATA_SOURCE_SECRETS) expect(secrets).toContain(planted)
    expect(secrets).toEqual(
      expect.arrayContaining(['acme-xy12345', 'DATAFOLD', 'CI_WH', 'DATAFOLD_ROLE', 'db.internal'])
    )
    for (const shown of ['warehouse', 'snowflake-eu', 'analytics', 'snowflake', 'pg', '11']) {
      expect(secrets).not.toContain(shown)
    }
    // "df", a user of two letters: masking it would blank every "df" in the log.
    expect(secrets).not.toContain('df')
  })

  it('takes texts at any depth, and each line of a text of several lines', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----'
    const secrets = dataSourceSecrets([
      {
        id: 3,
        name: 'bq',
        type: 'bigquery',
        options: { jsonKeyFile: key, nested: [{ token: 'tok-123456' }] },
        last_test: {
          tested_at: '2026-11-30T12:00:00Z',
          results: [{ step: 'connection', status: 'failed' }]
        },
        port: 5432,
        hidden: false
      }
    ])
    expect(secrets.sort()).toEqual(
      [
        key,
        '-----BEGIN PRIVATE KEY-----',
        'MIIEvQIBADANBgkq',
        '-----END PRIVATE KEY-----',
        'tok-123456',
        '2026-11-30T12:00:00Z'
      ].sort()
    )
  })

  it('takes every text of a list of another shape, names included', () => {
    expect(dataSourceSecrets({ items: [{ name: 'warehouse', password: 'pw-1234' }] })).toEqual([
      'warehouse',
      'pw-1234'
    ])
  })

  it("keeps exactly the contract's fixed words (its enums and consts) as no secret", () => {
    const contract = JSON.parse(
      readFileSync(join(REPO_ROOT, '__fixtures__', 'openapi-data-sources.json'), 'utf8')
    ) as { components: { schemas: object } }
    const words = new Set<string>()
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk)
      else if (typeof value === 'object' && value !== null) {
        const record = value as Record<string, unknown>
        if (Array.isArray(record.enum))
          for (const word of record.enum) if (typeof word === 'string') words.add(word)
        if (typeof record.const === 'string') words.add(record.const)
        Object.values(record).forEach(walk)
      }
    }
    walk(contract.components.schemas)
    // Those shorter than a secret are never masked anyway.
    const long = [...words].filter((word) => word.length >= 4).sort()
    expect([...CONTRACT_WORDS].sort()).toEqual(long)
  })
})

describe('a redactor that learns', () => {
  const password = 'pg-Pa55word&"planted'

  it('takes out what it learns from then on, in every form, and keeps what it knew', () => {
    const redact = createRedactor(['dfk_key_0123456789'])
    expect(redact(`password ${password}`)).toBe(`password ${password}`)
    redact.learn([password, 'ab'])
    const texts = [
      `password ${password}`,
      `json "${JSON.stringify(password)}"`,
      `html ${password.replace('&', '&amp;').replace('"', '&quot;')}`,
      `url ${encodeURIComponent(password)}`,
      `base64 ${Buffer.from(password).toString('base64')}`,
      `cut ${truncate(`x${password}`, 10)}`,
      'key dfk_key_0123456789'
    ]
    const out = texts.map(redact)
    expect(
      findLeaks([{ where: 'out', text: out.join('\n') }], [password, 'dfk_key_0123456789'])
    ).toEqual([])
    // Too short to be told from a word.
    expect(redact('ab cd')).toBe('ab cd')
  })

  it('takes out each of hundreds of secrets, escaped, from a long text', () => {
    const secrets = Array.from({ length: 500 }, (_, i) => `conn-${i}-${(i * 7919).toString(36)}x`)
    const redact = createRedactor([])
    for (const secret of secrets) redact.learn([secret])
    const text = secrets
      .map((secret, i) => (i % 2 === 0 ? `a \\_ ${secret.replace('-', '&#45;')} &amp;` : secret))
      .join(' | ')
      .repeat(2)
    expect(findLeaks([{ where: 'out', text: redact(text) }], secrets)).toEqual([])
  }, 30_000)
})
