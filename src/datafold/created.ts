// zod schemas for the answers of the endpoints that create and cancel diffs and list data
// sources, from the contract in shared/datafold-api. A data source keeps only its id, name and
// type: the rest of its record (connection options) may hold secrets and is dropped here.
import { z } from 'zod'

/** `ApiDataDiffFull`, as far as the action reads it: a create without an id has failed. */
export const createdDiffSchema = z.object({
  id: z.number().int().positive().nullable(),
  status: z.string().nullish()
})

/** `ApiDataDiffCancelled`. */
export const cancelledDiffSchema = z.object({ id: z.number().int(), status: z.string() })

export const dataSourcesSchema = z.array(
  z.object({ id: z.number().int().nullish(), name: z.string(), type: z.string().nullish() })
)

export type DataSource = z.infer<typeof dataSourcesSchema>[number]

/** Job statuses of a diff that has not finished and may still use the warehouse. */
export const UNFINISHED_JOB_STATUSES: ReadonlySet<string> = new Set([
  'needs_confirmation',
  'needs_authentication',
  'waiting',
  'queued',
  'processing'
])
