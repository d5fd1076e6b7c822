// dbt Cloud mode's inputs: what turns it on, what each input reads as, what is refused (and how
// the token stays out of every message), and the secrets index.ts masks.
import { describe, expect, it } from '@jest/globals'
import { inputProblems } from '../../__fixtures__/input-problems.js'
import { INPUT_NAMES, parseInputs, secretInputs, type RawInputs } from '../../src/inputs.js'

const TOKEN = 'dbtc_Zx9PqR7sT2uV4wY6'
const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
const parse = (raw: Partial<RawInputs>) =>
  parseInputs({ ...blank, 'api-key': 'k', 'dbt-cloud-token': TOKEN, ...raw })

describe('dbt Cloud inputs', () => {
  it('turn dbt Cloud mode on with dbt-cloud-token, which then needs no diff-ids', () => {
    expect(parse({})).toMatchObject({
      diffIds: [],
      dbt: null,
      dbtCloud: {
        token: TOKEN,
        host: null,
        accountId: null,
        jobId: null,
        prodJobId: null,
        downstream: false,
        packages: [],
        seeds: false
      }
    })
  })

  it('read the host, the ids, and the model settings dbt mode has', () => {
    const inputs = parse({
      'dbt-cloud-host': 'https://AB123.us1.dbt.com/',
      'dbt-cloud-account-id': '70403',
      'dbt-cloud-job-id': '8812',
      'dbt-cloud-prod-job-id': '8801',
      'dbt-downstream': 'true',
      'dbt-packages': 'shared',
      'dbt-seeds': 'true',
      'dbt-project-dir': 'transform'
    })
    expect(inputs.dbtCloud).toEqual({
      token: TOKEN,
      host: 'https://ab123.us1.dbt.com',
      accountId: 70403,
      jobId: 8812,
      prodJobId: 8801,
      downstream: true,
      packages: ['shared'],
      seeds: true,
      projectDir: 'transform'
    })
  })

  it.each([
    ['https://emea.dbt.com', 'https://emea.dbt.com'],
    ['https://cloud.getdbt.com/api/v2/', 'https://cloud.getdbt.com'],
    ['https://dbt.acme.example', 'https://dbt.acme.example'],
    // A fake dbt Cloud on the runner itself: nothing leaves the machine.
    ['http://127.0.0.1:8123', 'http://127.0.0.1:8123']
  ])('takes the host %s as %s', (host, origin) => {
    expect(parse({ 'dbt-cloud-host': host }).dbtCloud?.host).toBe(origin)
  })

  it.each([
    [
      { 'dbt-cloud-host': 'http://ab123.us1.dbt.com' },
      `dbt-cloud-host: expected the account's access URL, such as https://ab123.us1.dbt.com (https:// only) (got "http://ab123.us1.dbt.com")`
    ],
    [
      { 'dbt-cloud-host': 'ab123.us1.dbt.com' },
      `dbt-cloud-host: expected the account's access URL, such as https://ab123.us1.dbt.com (https:// only) (got "ab123.us1.dbt.com")`
    ],
    [
      { 'dbt-cloud-host': `https://me:${TOKEN}@ab123.us1.dbt.com` },
      'dbt-cloud-host: give the host only, without credentials, query or # (got "https://***@ab123.us1.dbt.com")'
    ],
    [
      { 'dbt-cloud-account-id': 'acme' },
      `dbt-cloud-account-id: expected an account id (a whole number, as in the URL of dbt Cloud's page), or nothing (got "acme")`
    ],
    [
      { 'dbt-cloud-job-id': '0' },
      `dbt-cloud-job-id: expected a job id (a whole number, as in the URL of dbt Cloud's page), or nothing (got "0")`
    ],
    [
      { 'dbt-cloud-prod-job-id': '12.5' },
      `dbt-cloud-prod-job-id: expected a job id (a whole number, as in the URL of dbt Cloud's page), or nothing (got "12.5")`
    ],
    [
      { 'dbt-prod-manifest': 'prod/manifest.json' },
      'dbt-cloud-token, dbt-prod-manifest: dbt Cloud mode reads the manifests and run_results.json from dbt Cloud; remove dbt-prod-manifest, or dbt-cloud-token for dbt mode on files'
    ],
    [
      { 'dbt-run-results': 'target/run_results.json' },
      'dbt-cloud-token, dbt-run-results: dbt Cloud mode reads the manifests and run_results.json from dbt Cloud; remove dbt-run-results, or dbt-cloud-token for dbt mode on files'
    ]
  ])('refuses %j', (raw, problem) => {
    expect(inputProblems(() => parse(raw))).toEqual([problem])
  })

  it('never repeats the token, even pasted into another input', () => {
    const spaced = `${TOKEN} x`
    const problems = inputProblems(() =>
      parse({ 'dbt-cloud-token': spaced, 'dbt-cloud-job-id': TOKEN })
    )
    expect(problems).toEqual([
      'dbt-cloud-token: the token contains white space; check the secret',
      `dbt-cloud-job-id: expected a job id (a whole number, as in the URL of dbt Cloud's page), or nothing (got "***")`
    ])
    expect(problems.join('\n')).not.toContain(TOKEN.slice(0, 8))
  })

  it('are off without dbt-cloud-token: dbt mode on files reads its own run_results.json', () => {
    const inputs = parseInputs({
      ...blank,
      'api-key': 'k',
      'dbt-prod-manifest': 'prod/manifest.json',
      'dbt-run-results': 'target/run_results.json',
      'dbt-cloud-job-id': '8812'
    })
    expect(inputs.dbtCloud).toBeNull()
    expect(inputs.dbt?.runResults).toBe('target/run_results.json')
  })
})

describe('secretInputs', () => {
  it('lists the API key (or its environment fallback), the GitHub token and the dbt Cloud token', () => {
    const raw = { 'api-key': ' key-1 ', 'github-token': 'ghs_1', 'dbt-cloud-token': ` ${TOKEN}\n` }
    expect(secretInputs(raw, {})).toEqual(['key-1', 'ghs_1', TOKEN])
    expect(
      secretInputs({ ...raw, 'api-key': '', 'dbt-cloud-token': '' }, { DATAFOLD_API_KEY: 'env' })
    ).toEqual(['env', 'ghs_1'])
  })
})
