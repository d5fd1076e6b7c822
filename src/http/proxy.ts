// Datafold, GitHub and dbt Cloud are reached through the runner's proxy when `HTTPS_PROXY` (or
// `HTTP_PROXY`) names one and `NO_PROXY` does not exempt the host, as @actions/http-client decides
// it. Node's own fetch and http ignore those variables, which would leave a self-hosted runner
// behind a proxy unable to reach them.
import { getProxyUrl } from '@actions/http-client/lib/proxy'

/** The fetch through the proxy the environment names for requests to `host`; none when none applies. */
export async function proxyFetch(host: string): Promise<typeof globalThis.fetch | undefined> {
  // Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY now; loopback hosts are never proxied. Only a run
  // behind a proxy loads the proxy agent and undici, which take longer to load than the check.
  if (!getProxyUrl(new URL(host))?.hostname) return undefined
  const [{ HttpClient }, { fetch: undiciFetch }] = await Promise.all([
    import('@actions/http-client'),
    import('undici')
  ])
  const dispatcher = new HttpClient().getAgentDispatcher(host)
  if (!dispatcher) return undefined
  // The undici package is what Node's fetch is built on, with its own copy of the WHATWG classes
  // (so `instanceof` tells them apart); the client passes a URL string and reads only the status,
  // headers, type and text of the answer.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  return (input, init) => undiciFetch(input, { ...init, dispatcher })
}
