// The benchmarked process of the "dbt manifests" case: reads production's and the PR's manifest one
// after the other, as dbt mode does, then hands both to `plan` when given, and prints the times
// (ms) as JSON. Run by bench.mts with the peak-RSS probe: `tsx bench/dbt-manifests.mts prod pr`.
import { createReadStream } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { DbtManifest } from '../src/dbt/manifest.js'
import { readManifest } from '../src/dbt/read-manifest.js'

export interface DbtTimes {
  readMs: number
  planMs: number | null
  models: number[]
}

/** Reads both manifests, then plans with them when `plan` is given (planDbt, once it exists). */
export async function measureDbt(
  prodFile: string,
  prFile: string,
  plan?: (prod: DbtManifest, pr: DbtManifest) => unknown
): Promise<DbtTimes> {
  const io = { open: (file: string) => createReadStream(file, { highWaterMark: 1 << 20 }) }
  const started = performance.now()
  const prod = await readManifest(prodFile, io)
  const pr = await readManifest(prFile, io)
  const read = performance.now()
  if (plan) await plan(prod, pr)
  return {
    readMs: read - started,
    planMs: plan ? performance.now() - read : null,
    models: [prod.nodes.size, pr.nodes.size]
  }
}

const [prodFile, prFile] = process.argv.slice(2)
if (prodFile && prFile) console.log(JSON.stringify(await measureDbt(prodFile, prFile)))
