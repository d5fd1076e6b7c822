// A fake dbt Cloud (Administrative API v2) for tests, the e2e runs and the demo: accounts, jobs and
// runs (with their `trigger` and `job` when `include_related` asks), run artifacts streamed from
// files, `Authorization: Token <token>` checked (`Bearer` too, as dbt Cloud takes both), a log of
// every request, and faults: 401, 403, 429 and 5xx answers, slow or hanging answers, downloads cut
// short, runs that complete only after some polls, runs that saved no artifacts.
//
// It answers only what dbt Labs' OpenAPI description (__fixtures__/openapi-dbt-cloud-runs.json)
// allows: fields it does not declare nullable are left out rather than null, and a query parameter
// it does not declare is refused with 400. __tests__/contract/fake-dbt-cloud.test.ts checks every
// answer and every request against it. The core (`createDbtCloudHandler`) answers without sockets:
// `handlerFetch` hands it to unit tests as a fetch; `startFakeDbtCloud` serves it on 127.0.0.1.
// Plain node:http and TypeScript, no jest.
import { createReadStream } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { listenOnLoopback } from './loopback.js'
import { jobBody, runBody, type FakeJob, type FakeRun, type Fault } from './dbt-cloud-scenario.js'

export * from './dbt-cloud-scenario.js'

export interface FakeDbtCloudOptions {
  /** The service token requests must carry. */
  token: string
  /** Account ids the token may read; another account is answered 403. */
  accounts: number[]
  jobs?: FakeJob[]
  runs?: FakeRun[]
  /** Answered before the normal answer, in order, each `times` times (default once). */
  faults?: Fault[]
  /** Added to every answer, in milliseconds. */
  latencyMs?: number
}

export interface DbtCloudRequest {
  method: string
  /** Path and query, as sent. */
  path: string
  pathname: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** The status it was answered with. */
  status?: number
  /** The JSON it was answered with (artifacts aside). */
  body?: unknown
  /** The OpenAPI operation it matched: `GET /api/v2/accounts/{account_id}/runs/{id}/`. */
  operation?: string
}

export interface FakeAnswer {
  status: number
  headers: Record<string, string>
  /** JSON text, or an artifact's bytes as they are read. */
  body: string | Readable
  /** Wait this long first; Infinity: never answer. */
  delayMs: number
  /** Send this many bytes of the body, then break the connection (`cut`) or send no more (`stall`). */
  breakOff?: BreakOff
}

export interface BreakOff {
  afterBytes: number
  how: 'cut' | 'stall'
}

export interface DbtCloudHandler {
  requests: DbtCloudRequest[]
  handle(request: { method: string; url: string; headers: IncomingHttpHeaders }): FakeAnswer
  /** How many answers included a run so far. */
  polls(runId: number): number
}

export interface FakeDbtCloud extends DbtCloudHandler {
  /** `http://127.0.0.1:<port>`, the value for `dbt-cloud-host`. */
  url: string
  close(): Promise<void>
}

const BASE = /^\/api\/v2\/accounts\/([^/]+)\/(.*)$/
const ROUTES: { pattern: RegExp; operation: string; query: string[] }[] = [
  {
    pattern: /^runs\/$/,
    operation: 'runs/',
    query: [
      'created_at__range',
      'dbt_version',
      'dbt_version__in',
      'deferring_run_id',
      'environment_id',
      'finished_at__range',
      'has_docs_generated',
      'has_sources_generated',
      'id__gt',
      'include_related',
      'job_definition_id',
      'limit',
      'offset',
      'order_by',
      'pk',
      'pk__in',
      'project_id',
      'project_id__in',
      'state',
      'status',
      'status__in'
    ]
  },
  { pattern: /^runs\/([^/]+)\/$/, operation: 'runs/{id}/', query: ['include_related'] },
  {
    pattern: /^runs\/([^/]+)\/artifacts\/$/,
    operation: 'runs/{run_id}/artifacts/',
    query: ['include_related']
  },
  {
    pattern: /^runs\/([^/]+)\/artifacts\/(.+)$/,
    operation: 'runs/{run_id}/artifacts/{remainder}',
    query: ['include_related', 'step']
  },
  { pattern: /^jobs\/([^/]+)\/$/, operation: 'jobs/{id}/', query: ['include_related'] }
]
const INTEGER = /^-?\d+$/
const INTEGER_QUERY = new Set(['environment_id', 'job_definition_id', 'limit', 'offset', 'status'])

export function createDbtCloudHandler(options: FakeDbtCloudOptions): DbtCloudHandler {
  const requests: DbtCloudRequest[] = []
  const runs = options.runs ?? []
  const jobs = options.jobs ?? []
  const faults = (options.faults ?? []).map((fault) => ({ ...fault, left: fault.times ?? 1 }))
  const seen = new Map<number, number>()
  const latency = options.latencyMs ?? 0

  /** The run as this answer shows it: counts the poll. */
  const shown = (run: FakeRun, related: Set<string>): object => {
    const count = (seen.get(run.id) ?? 0) + 1
    seen.set(run.id, count)
    const job = jobs.find((j) => j.id === run.jobId)
    return runBody(run, count > (run.completeAfterPolls ?? 0), related, job)
  }

  const handle: DbtCloudHandler['handle'] = (incoming) => {
    const url = new URL(incoming.url, 'http://fake')
    const recorded: DbtCloudRequest = {
      method: incoming.method,
      path: `${url.pathname}${url.search}`,
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: incoming.headers
    }
    requests.push(recorded)
    const answer = (status: number, body: unknown, extra: Partial<FakeAnswer> = {}): FakeAnswer => {
      recorded.status = status
      const stream = body instanceof Readable
      if (!stream) recorded.body = body
      return {
        ...extra,
        status,
        headers: { 'Content-Type': 'application/json', ...extra.headers },
        body: stream ? body : JSON.stringify(body),
        delayMs: latency + (extra.delayMs ?? 0)
      }
    }
    const refuse = (status: number, message: string) => answer(status, errorBody(status, message))

    if (!hasToken(incoming.headers.authorization, options.token)) {
      return refuse(401, 'Invalid token.')
    }
    const base = BASE.exec(url.pathname)
    const route = base ? ROUTES.find((r) => r.pattern.test(base[2] ?? '')) : undefined
    if (!base || !route || incoming.method !== 'GET') return refuse(404, 'Not found.')
    recorded.operation = `GET /api/v2/accounts/{account_id}/${route.operation}`
    const [, accountText = '', rest = ''] = base
    const [, first = '', second = ''] = route.pattern.exec(rest) ?? []
    const ids = route.operation === 'runs/' ? [accountText] : [accountText, first]
    const unknown = [...url.searchParams.keys()].filter((key) => !route.query.includes(key))
    const badInt = [...url.searchParams].filter(
      ([k, v]) => INTEGER_QUERY.has(k) && !INTEGER.test(v)
    )
    if (!ids.every((id) => INTEGER.test(id)) || unknown.length > 0 || badInt.length > 0) {
      return refuse(400, `Invalid request: ${[...unknown, ...badInt.map(([k]) => k)].join(', ')}`)
    }
    const accountId = Number(accountText)
    if (!options.accounts.includes(accountId)) {
      return refuse(403, 'You do not have permission to perform this action.')
    }
    const fault = faults.find((f) => f.left > 0 && (f.path?.test(url.pathname) ?? true))
    let slow = 0
    let breakOff: BreakOff | undefined
    if (fault) {
      fault.left -= 1
      if ('status' in fault) {
        const headers: Record<string, string> =
          fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }
        return answer(fault.status, errorBody(fault.status, 'Fault.'), { headers })
      }
      if ('hang' in fault) return { ...refuse(503, 'Never sent.'), delayMs: Infinity }
      if ('delayMs' in fault) slow = fault.delayMs
      if ('cutAfterBytes' in fault) breakOff = { afterBytes: fault.cutAfterBytes, how: 'cut' }
      if ('stallAfterBytes' in fault) breakOff = { afterBytes: fault.stallAfterBytes, how: 'stall' }
    }
    const related = relatedOf(url.searchParams.get('include_related'))
    const runOf = (id: string) => runs.find((r) => r.id === Number(id) && r.accountId === accountId)

    if (route.operation === 'runs/') {
      const params = url.searchParams
      const int = (key: string) => (params.has(key) ? Number(params.get(key)) : null)
      const [jobId, environmentId, status] = ['job_definition_id', 'environment_id', 'status'].map(
        int
      )
      const orderBy = params.get('order_by') ?? 'id'
      const limit = Math.min(int('limit') ?? 100, 100)
      const offset = int('offset') ?? 0
      const matching = runs
        .filter((r) => r.accountId === accountId)
        .filter((r) => jobId === null || r.jobId === jobId)
        .filter((r) => environmentId === null || r.environmentId === environmentId)
        .filter((r) => status === null || currentStatus(r, seen) === status)
        .sort(order(orderBy))
      const page = matching.slice(offset, offset + limit).map((r) => shown(r, related))
      const filters = Object.fromEntries([...params].filter(([k]) => k !== 'include_related'))
      return answer(
        200,
        {
          data: page,
          extra: {
            filters: { account_id: accountId, ...filters },
            order_by: orderBy,
            pagination: { count: page.length, total_count: matching.length }
          },
          status: okStatus()
        },
        { delayMs: slow }
      )
    }
    if (route.operation === 'jobs/{id}/') {
      const job = jobs.find((j) => j.id === Number(first) && j.accountId === accountId)
      if (!job) return refuse(404, 'Job not found.')
      return answer(200, { data: jobBody(job), status: okStatus() }, { delayMs: slow })
    }
    const run = runOf(first)
    if (!run) return refuse(404, 'Run not found.')
    if (route.operation === 'runs/{id}/') {
      return answer(200, { data: shown(run, related), status: okStatus() }, { delayMs: slow })
    }
    const complete = currentStatus(run, seen) !== RUNNING
    const saved = complete && run.artifactsSaved !== false ? (run.artifacts ?? {}) : {}
    if (route.operation === 'runs/{run_id}/artifacts/') {
      return answer(200, { data: Object.keys(saved), status: okStatus() }, { delayMs: slow })
    }
    const artifact = saved[second]
    if (artifact === undefined) return refuse(404, 'Artifact not found.')
    const stream =
      'file' in artifact
        ? createReadStream(artifact.file, { highWaterMark: 1 << 16 })
        : Readable.from([Buffer.from(JSON.stringify(artifact.json))])
    return answer(200, stream, { delayMs: slow, ...(breakOff ? { breakOff } : {}) })
  }

  return { requests, handle, polls: (runId) => seen.get(runId) ?? 0 }
}

/** The status a run shows now (it is running until its polls are done). */
function currentStatus(run: FakeRun, seen: Map<number, number>): number {
  return (seen.get(run.id) ?? 0) >= (run.completeAfterPolls ?? 0) ? run.status : RUNNING
}
const RUNNING = 3

function order(orderBy: string): (a: FakeRun, b: FakeRun) => number {
  const desc = orderBy.startsWith('-')
  const field = orderBy.replace(/^-/, '')
  const key = (run: FakeRun): string | number =>
    field === 'finished_at'
      ? (run.finishedAt ?? '')
      : field === 'created_at'
        ? run.createdAt
        : run.id
  return (a, b) => {
    const [x, y] = desc ? [key(b), key(a)] : [key(a), key(b)]
    return x < y ? -1 : x > y ? 1 : 0
  }
}

/** `["trigger","job"]` (as dbt Cloud's docs write it) or `trigger,job`. */
function relatedOf(value: string | null): Set<string> {
  if (value === null) return new Set()
  try {
    const list = JSON.parse(value) as unknown
    if (Array.isArray(list)) return new Set(list.map(String))
  } catch {
    // A comma-separated list.
  }
  return new Set(value.split(',').map((item) => item.trim()))
}

function hasToken(header: string | undefined, token: string): boolean {
  const match = /^(Token|Bearer) (.+)$/i.exec(header?.trim() ?? '')
  return match?.[2] === token
}

function okStatus(): object {
  return { code: 200, is_success: true, user_message: 'Success!', developer_message: '' }
}

/** dbt Cloud's error envelope: `{ status: ResponseStatus, data: null }`. */
export function errorBody(code: number, message: string): object {
  return {
    status: { code, is_success: false, user_message: message, developer_message: '' },
    data: null
  }
}

/** A fetch that answers from the handler, without sockets: for unit tests. Redirects are never
 * followed, as the client asks. */
export function handlerFetch(handler: DbtCloudHandler): typeof globalThis.fetch {
  return async (input, init) => {
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [
        k.toLowerCase(),
        v
      ])
    )
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const answer = handler.handle({ method: init?.method ?? 'GET', url, headers })
    if (answer.delayMs === Infinity) return new Promise<Response>(() => undefined)
    const body =
      typeof answer.body === 'string'
        ? answer.body
        : (Readable.toWeb(brokenOff(answer.body, answer.breakOff)) as ReadableStream<Uint8Array>)
    return new Response(body, { status: answer.status, headers: answer.headers })
  }
}

/** The first bytes of a stream, then an error as a connection that breaks, or nothing more. */
function brokenOff(stream: Readable, breakOff: BreakOff | undefined): Readable {
  if (breakOff === undefined) return stream
  const { afterBytes, how } = breakOff
  return Readable.from(
    (async function* () {
      let sent = 0
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const part = chunk.subarray(0, afterBytes - sent)
        sent += part.length
        if (part.length > 0) yield part
        if (sent >= afterBytes) break
      }
      stream.destroy()
      if (how === 'stall') await new Promise<never>(() => undefined)
      throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
    })()
  )
}

export async function startFakeDbtCloud(options: FakeDbtCloudOptions): Promise<FakeDbtCloud> {
  const handler = createDbtCloudHandler(options)
  const open = new Set<ServerResponse>()
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req, res) => {
    open.add(res)
    res.on('close', () => open.delete(res))
    const answer = handler.handle({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers
    })
    if (answer.delayMs === Infinity) return // never answered; close() ends it
    const timer = setTimeout(() => {
      timers.delete(timer)
      send(res, answer)
    }, answer.delayMs)
    timers.add(timer)
  })
  const url = await listenOnLoopback(server)
  return {
    ...handler,
    url,
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      for (const res of open) res.destroy()
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        })
      )
      server.closeAllConnections()
      await closed
    }
  }
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  if (res.destroyed) return
  res.writeHead(answer.status, answer.headers)
  if (typeof answer.body === 'string') {
    res.end(answer.body)
    return
  }
  const body = answer.body
  let sent = 0
  const limit = answer.breakOff?.afterBytes ?? Infinity
  body.on('data', (chunk: Buffer) => {
    if (res.destroyed) return
    const part = chunk.subarray(0, Math.max(0, limit - sent))
    sent += part.length
    if (sent < limit) {
      res.write(part)
      return
    }
    body.destroy()
    // Once the first bytes are out, a cut answer's connection breaks; a stalled one stays open,
    // unfinished, until the client gives up or close() ends it.
    res.write(part, () => {
      if (answer.breakOff?.how === 'cut') res.socket?.destroy()
    })
  })
  body.on('end', () => res.end())
  body.on('error', () => res.destroy())
}
