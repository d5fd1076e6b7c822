// Where the dbt Cloud token may go. The host is per account (cloud.getdbt.com, emea.dbt.com, cell
// hosts such as ab123.us1.dbt.com, vanity hosts), so it comes from the `dbt-cloud-host` input, or
// else from dbt Cloud's own commit status, whose target_url is the run's page:
// `https://{host}/deploy/{account}/projects/{project}/runs/{run}/`. A commit status can be posted
// by anyone who can write statuses: one pointing anywhere but a dbt Cloud host is refused, and
// nothing is sent there. Pure.
import { DbtCloudError } from './errors.js'

/** A dbt Cloud run's page, as a commit status links to it. */
export interface RunPage {
  /** `https://ab123.us1.dbt.com`: scheme, host and port. */
  origin: string
  accountId: number
  projectId: number
  runId: number
}

const RUN_PATH = /^\/deploy\/(\d{1,15})\/projects\/(\d{1,15})\/runs\/(\d{1,15})\/?$/

/** dbt Labs' hosts: the legacy `*.getdbt.com` and the regional and cell `*.dbt.com`. */
export function isDbtCloudHost(url: URL): boolean {
  const host = url.hostname
  return (
    url.protocol === 'https:' &&
    url.port === '' &&
    (host.endsWith('.getdbt.com') || host.endsWith('.dbt.com'))
  )
}

/** The run a target_url links to, or null when it is no dbt Cloud run page at all. */
export function parseRunPage(targetUrl: string): RunPage | null {
  const url = URL.canParse(targetUrl) ? new URL(targetUrl) : null
  if (url === null || url.username || url.password) return null
  const match = RUN_PATH.exec(url.pathname)
  if (!match) return null
  const [, account = '', project = '', run = ''] = match
  return {
    origin: url.origin,
    accountId: Number(account),
    projectId: Number(project),
    runId: Number(run)
  }
}

/**
 * The origin the token goes to: the `dbt-cloud-host` input when set, else the status's own host.
 * Either way the status must link to a dbt Cloud host, or to the input's host: a status pointing
 * anywhere else is refused, naming that host, and no request is sent.
 */
export function apiOrigin(input: string | null, page: RunPage): string {
  const linked = new URL(page.origin)
  if (isDbtCloudHost(linked) || linked.origin === input) return input ?? linked.origin
  throw new DbtCloudError(
    `dbt Cloud's commit status links to ${linked.host}, which is not a dbt Cloud host (*.getdbt.com, *.dbt.com): nothing was sent there. If ${linked.host} is your account's access URL, set dbt-cloud-host to it`
  )
}
