// The demo's Datafold API: the end-to-end harness's fake, serving its realistic demo diffs.
import { dataSources } from '../__fixtures__/data-sources.js'
import { DEMO_DIFF_IDS, sameDbDone } from '../__fixtures__/diffs.js'
import type { CreateScript } from '../__fixtures__/fake-datafold.js'
import { Harness, type Fakes } from '../__fixtures__/harness.js'

export { DEMO_DIFF_IDS }
/** Not a secret: the key the demo server expects, so the demo also proves the header is sent. */
const DEMO_API_KEY = 'demo-key'

/** The thresholds the demo (and the README's screenshots) check the demo diffs against. */
export const EXAMPLE_THRESHOLDS = {
  'max-rows-removed': '0',
  'max-rows-changed': '1%',
  'max-duplicate-pks': '0',
  'max-schema-changes': '2'
}

/** What the demo asks the action to create, as a repository's plan file would (inline here). */
export const DEMO_PLAN = `defaults:
  primary-key: id
diffs:
  - name: fct_orders_daily
    table-a: analytics.prod.fct_orders_daily
    table-b: analytics.dbt_cloud_pr_4711_482.fct_orders_daily
    max-rows-changed: 5%
  - name: dim_customers
    table-a: analytics.prod.dim_customers
    table-b: analytics.dbt_cloud_pr_4711_482.dim_customers
`

/** The demo diffs behind DEMO_API_KEY, data sources to create the plan's diffs in, and no fake
 * GitHub: a preview never writes to a PR. */
export async function startDemo(): Promise<{ harness: Harness; fakes: Fakes<null> }> {
  const harness = new Harness({ apiKey: DEMO_API_KEY })
  const datafold = { dataSources: dataSources(), create: { polls: 1 } }
  return { harness, fakes: await harness.start({ github: false, datafold }) }
}

/** The diffs the demo creates changed 2,500 amounts of payments (2%), and nothing else. */
export function paymentsChanged(body: Record<string, unknown>, id: number): object {
  const table = Array.isArray(body.table1) ? String(body.table1.at(-1)) : ''
  return sameDbDone({ id, differences: table === 'PAYMENTS' ? { amount: 2_500 } : {} })
}

/** The demo diffs and a fake GitHub holding PR 482, for pictures of the comment as posted; the
 * diffs it creates are answered by `summary`. */
export async function startDemoPullRequest(
  summary: NonNullable<CreateScript['summary']> = paymentsChanged
): Promise<{ harness: Harness; fakes: Fakes }> {
  const harness = new Harness({ apiKey: DEMO_API_KEY, token: 'demo-token' })
  const datafold = { dataSources: dataSources(), create: { polls: 1, summary } }
  return { harness, fakes: await harness.start({ datafold }) }
}
