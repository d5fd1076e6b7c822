// The benchmarked process of the "dbt manifests" case: reads production's and the PR's manifest one
// after the other, as dbt mode does, then plans with both (every changed model and all that is
// downstream of one), and prints the times (ms) as JSON. Run by bench.mts with the peak-RSS
// probe: `tsx bench/dbt-manifests.mts prod pr`.
import { createReadStream } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { DbtManifest, DbtManifestState } from '../src/dbt/manifest.js'
import { planDbt, type DbtPlan } from '../src/dbt/plan-dbt.js'
import { readManifest, readManifestState } from '../src/dbt/read-manifest.js'
import type { Thresholds } from '../src/limits.js'

export interface DbtTimes {
  readMs: number
  planMs: number | null
  models: number[]
  /** What the plan holds: diffs to create, changed models not compared. */
  picked?: number
  skipped?: number
}

/** Reads both manifests, then plans with them when `plan` is given. */
export async function measureDbt(
  prodFile: string,
  prFile: string,
  plan?: (prod: DbtManifestState, pr: DbtManifest) => DbtPlan
): Promise<DbtTimes> {
  const io = { open: (file: string) => createReadStream(file, { highWaterMark: 1 << 20 }) }
  const started = performance.now()
  const prod = await readManifestState(prodFile, io)
  const pr = await readManifest(prFile, io)
  const read = performance.now()
  const planned = plan?.(prod, pr)
  return {
    readMs: read - started,
    planMs: plan ? performance.now() - read : null,
    models: [prod.nodes.size, pr.nodes.size],
    ...(planned ? { picked: planned.picked.length, skipped: planned.skipped.length } : {})
  }
}

const STEP: Thresholds = {
  max: { 'rows-changed': { kind: 'percent', value: 1 } },
  minColumnMatch: null,
  ignoreColumns: []
}

const [prodFile, prFile] = process.argv.slice(2)
if (prodFile && prFile) {
  const times = await measureDbt(prodFile, prFile, (prod, pr) =>
    planDbt(prod, pr, {
      ...{ dataSource: { name: 'warehouse' }, thresholds: STEP, defaults: {} },
      ...{ rules: [], downstream: true, packages: [], seeds: false }
    })
  )
  console.log(JSON.stringify(times))
}
