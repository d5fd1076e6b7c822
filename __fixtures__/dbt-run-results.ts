// A dbt run_results.json (schema v6, as dbt 1.8 and later write it) for a built manifest: the
// result of a `dbt build` of every node, each `success` (tests `pass`) unless `statuses` says
// otherwise; `absent` leaves a node out, as a build that did not select it (or deferred it) does.
// Checked against dbt's official schema in __tests__/contract/dbt-manifests.test.ts.
import type { Json } from './dbt-manifest-spec.js'

export type RunStatus = 'success' | 'error' | 'skipped' | 'partial success' | 'no-op' | 'reused'

export interface RunResultsOptions {
  /** By unique_id. */
  statuses?: Record<string, RunStatus | 'absent'>
  /** `args.which`: the command that wrote the file; default `build`. */
  command?: string
}

export function buildRunResults(manifest: object, options: RunResultsOptions = {}): Json {
  const nodes = (manifest as { nodes: Record<string, Json> }).nodes
  const results = Object.values(nodes).flatMap((node) => {
    const id = String(node.unique_id)
    const type = String(node.resource_type)
    const config = node.config as { materialized?: string }
    if (config.materialized === 'ephemeral') return []
    const status = options.statuses?.[id] ?? (type === 'test' ? 'pass' : 'success')
    if (status === 'absent') return []
    return [result(id, status, node)]
  })
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: '1.10.5',
      generated_at: '2026-11-30T12:04:00.000000Z',
      invocation_id: '0b6e1f7a-3c2d-4e5f-8a9b-1c2d3e4f5a6b',
      invocation_started_at: '2026-11-30T12:00:00.000000Z',
      env: {}
    },
    results,
    elapsed_time: 42.5,
    args: { which: options.command ?? 'build', select: ['state:modified+'], defer: true }
  }
}

function result(id: string, status: string, node: Json): Json {
  const failed = status === 'error'
  return {
    status,
    timing: [
      {
        name: 'compile',
        started_at: '2026-11-30T12:01:00.000000Z',
        completed_at: '2026-11-30T12:01:01.000000Z'
      },
      {
        name: 'execute',
        started_at: '2026-11-30T12:01:01.000000Z',
        completed_at: '2026-11-30T12:01:09.000000Z'
      }
    ],
    thread_id: 'Thread-1',
    execution_time: 9.1,
    adapter_response: failed ? {} : { _message: 'SELECT 120', code: 'SELECT', rows_affected: 120 },
    message: failed ? 'Database Error: column "amount_usd" does not exist' : 'SELECT 120',
    failures: status === 'pass' ? 0 : null,
    unique_id: id,
    compiled: true,
    // Large in a real file: one reason it is streamed, not read whole.
    compiled_code: typeof node.raw_code === 'string' ? node.raw_code : 'select 1',
    relation_name: typeof node.relation_name === 'string' ? node.relation_name : null,
    batch_results: null
  }
}
