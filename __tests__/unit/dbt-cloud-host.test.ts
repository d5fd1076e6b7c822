// Where the dbt Cloud token may go: the dbt-cloud-host input, or the host of dbt Cloud's commit
// status when it is one of dbt Labs' hosts; a run page's ids read from its target_url.
import { describe, expect, it } from '@jest/globals'
import { apiOrigin, isDbtCloudHost, parseRunPage } from '../../src/dbt-cloud/host.js'

const page = (origin: string) => ({ origin, accountId: 70403, projectId: 1001, runId: 4242 })

describe('parseRunPage', () => {
  it.each([
    [
      'https://ab123.us1.dbt.com/deploy/70403/projects/1001/runs/4242/',
      'https://ab123.us1.dbt.com'
    ],
    ['https://cloud.getdbt.com/deploy/70403/projects/1001/runs/4242', 'https://cloud.getdbt.com'],
    ['http://127.0.0.1:8123/deploy/70403/projects/1001/runs/4242/', 'http://127.0.0.1:8123']
  ])('reads the account, project and run of %s', (url, origin) => {
    expect(parseRunPage(url)).toEqual(page(origin))
  })

  it.each([
    '',
    'not a url',
    'https://ab123.us1.dbt.com/deploy/70403/projects/1001/jobs/8812/',
    'https://ab123.us1.dbt.com/deploy/70403/projects/1001/runs/4242/steps',
    'https://ab123.us1.dbt.com/deploy/acme/projects/1001/runs/4242/',
    'https://ab123.us1.dbt.com/next/deploy/70403/projects/1001/runs/4242/',
    'https://me:secret@ab123.us1.dbt.com/deploy/70403/projects/1001/runs/4242/'
  ])('finds no run page in %j', (url) => {
    expect(parseRunPage(url)).toBeNull()
  })
})

describe('isDbtCloudHost', () => {
  it.each([
    ['https://cloud.getdbt.com', true],
    ['https://emea.dbt.com', true],
    ['https://au.dbt.com', true],
    ['https://ab123.us1.dbt.com', true],
    ['https://xy789.eu2.dbt.com', true],
    ['http://ab123.us1.dbt.com', false],
    ['https://ab123.us1.dbt.com:8443', false],
    ['https://dbt.com.evil.example', false],
    ['https://evil-dbt.com', false],
    ['https://getdbt.com.evil.example', false],
    ['https://dbt.acme.example', false]
  ])('%s: %s', (url, expected) => {
    expect(isDbtCloudHost(new URL(url))).toBe(expected)
  })
})

describe('apiOrigin', () => {
  it("takes the status's host when it is dbt Cloud's and no host is given", () => {
    expect(apiOrigin(null, page('https://ab123.us1.dbt.com'))).toBe('https://ab123.us1.dbt.com')
  })

  it('takes dbt-cloud-host when given, whichever dbt Cloud host the status links to', () => {
    expect(apiOrigin('https://ab123.us1.dbt.com', page('https://cloud.getdbt.com'))).toBe(
      'https://ab123.us1.dbt.com'
    )
  })

  it("accepts a status on the very host given, even one that is not dbt Labs' (a vanity host)", () => {
    expect(apiOrigin('https://dbt.acme.example', page('https://dbt.acme.example'))).toBe(
      'https://dbt.acme.example'
    )
  })

  it.each([
    [null, 'https://evil.example'],
    [null, 'http://ab123.us1.dbt.com'],
    [null, 'https://dbt.com.evil.example'],
    ['https://ab123.us1.dbt.com', 'https://evil.example']
  ])('refuses a status on another host (input %s, status on %s), naming it', (input, origin) => {
    const host = new URL(origin).host
    expect(() => apiOrigin(input, page(origin))).toThrow(
      `dbt Cloud's commit status links to ${host}, which is not a dbt Cloud host (*.getdbt.com, *.dbt.com): nothing was sent there. If ${host} is your account's access URL, set dbt-cloud-host to it`
    )
  })
})
