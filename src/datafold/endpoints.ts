// The Datafold endpoints the action calls, each a thin function over the transport: a new
// endpoint is one line in the interface and one below it. The answers come back as parsed JSON,
// not yet checked: schemas.ts and created.ts read them.
import { notADiffId } from './errors.js'
import {
  createTransport,
  type DatafoldRequest,
  type Send,
  type TransportOptions
} from './transport.js'

export interface DatafoldClient {
  /** Parsed JSON body of GET {host}/api/v1/datadiffs/{id}. */
  getDiff(id: number): Promise<unknown>
  /** Parsed JSON body of GET {host}/api/v1/datadiffs/{id}/summary_results. */
  getSummaryResults(id: number): Promise<unknown>
}

/** The endpoints a plan needs besides reading: they create and cancel diffs. */
export interface DatafoldPlanClient extends DatafoldClient {
  /**
   * POST {host}/api/v1/datadiffs: not idempotent, so retried only where that is safe; not sent
   * once `signal` aborts.
   */
  createDiff(body: object, signal?: AbortSignal): Promise<unknown>
  /** POST {host}/api/v1/datadiffs/{id}/cancel. */
  cancelDiff(id: number): Promise<unknown>
  /** GET {host}/api/v1/data_sources. Its records may hold secrets: never log or keep them. */
  listDataSources(): Promise<unknown>
}

export function createDatafoldClient(options: TransportOptions): DatafoldPlanClient {
  return datafoldEndpoints(createTransport(options))
}

export function datafoldEndpoints(send: Send): DatafoldPlanClient {
  /** A request about one diff, under /datadiffs/{id}; an id that is no id never leaves. */
  const diff = (
    id: number,
    rest: string,
    request: Omit<DatafoldRequest, 'path' | 'diffId'>
  ): Promise<unknown> =>
    Number.isSafeInteger(id) && id > 0
      ? send({ ...request, path: `/datadiffs/${id}${rest}`, diffId: id })
      : Promise.reject(notADiffId(id))

  return {
    getDiff: (id) => diff(id, '', { method: 'GET' }),
    getSummaryResults: (id) => diff(id, '/summary_results', { method: 'GET' }),
    createDiff: (body, signal) =>
      send({ method: 'POST', path: '/datadiffs', body, idempotent: false, signal }),
    cancelDiff: (id) => diff(id, '/cancel', { method: 'POST' }),
    listDataSources: () => send({ method: 'GET', path: '/data_sources' })
  }
}
