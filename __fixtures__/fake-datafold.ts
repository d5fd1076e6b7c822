// A fake Datafold API on 127.0.0.1 for the end-to-end tests, the benchmark and the demo: it
// serves `GET /api/v1/datadiffs/{id}/summary_results` and `GET /api/v1/datadiffs/{id}` from a
// scripted scenario per diff id, and records every request.
//
// Each request to an endpoint of a diff takes the next Step of that endpoint's script; the last
// Step repeats. A Step can answer JSON, a 429 or 5xx problem+json, a proxy's HTML page, a
// redirect, a body that never ends, or never answer at all. With `echoKey`, the fake repeats the
// API key a request carried wherever an answer says ECHOED_KEY, as some services quote a rejected
// credential in their errors. Plain node:http and TypeScript, no jest: the demo runs this
// under `tsx`.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { listenOnLoopback } from './loopback.js'
import {
  crossDbDone,
  diffRecord,
  failedSummary,
  sameDbDone,
  runningSummary,
  shapelessSummary,
  type DataDiffError,
  type RecordSpec
} from './diffs.js'
import type {
  DiffScenario,
  EndlessStep,
  HangStep,
  JsonStep,
  RawStep,
  RedirectStep,
  Scenarios,
  StatusStep,
  Step,
  StepBase
} from './datafold-scenario.js'

export interface FakeDatafoldOptions {
  scenarios?: Scenarios
  /** When set, a request without `Authorization: Key <apiKey>` gets 401. */
  apiKey?: string
  /** Added to every answer, in milliseconds. */
  latencyMs?: number
  /**
   * Every answer says the API key the request carried wherever it holds ECHOED_KEY, and the 401
   * for a wrong key quotes it.
   */
  echoKey?: boolean
  /** What `GET /api/v1/data_sources` lists (whole records, secrets in `options` included). */
  dataSources?: object[]
  /** How `POST /api/v1/datadiffs` answers and how the diffs it creates run. */
  create?: CreateScript
}

/** Created diffs are `waiting`, then `running` for `polls` summary polls, then done. */
export interface CreateScript {
  /** The first id given out; default 9001. */
  firstId?: number
  /** Summary polls before a created diff is done; default 2. */
  polls?: number
  /** The finished summary of a created diff; default sameDbDone, or crossDbDone across sources. */
  summary?: (body: Record<string, unknown>, id: number) => object
  /** A 422's `detail` items for a body Datafold should refuse; null or [] to accept it. */
  refuse?: (body: Record<string, unknown>) => object[] | null
  /** Steps that answer creates before the normal ones (faults: a 503, a hang); each used once. */
  faults?: Step[]
  /** A create makes its diff at once and is answered this much later (a slow Datafold). */
  answerAfterMs?: number
}

/** Where an answer repeats the API key the request carried, with `echoKey`. */
export const ECHOED_KEY = '{{api-key}}'

export type DatafoldEndpoint = 'summary_results' | 'record'

export interface RecordedRequest {
  method: string
  /** Path and query, as sent. */
  path: string
  headers: IncomingHttpHeaders
  /** `Date.now()` when the request arrived. */
  time: number
  /** The diff id and endpoint, when the path names one. */
  diffId: string | null
  endpoint: DatafoldEndpoint | null
  /** Bytes of answer body written so far (an endless body stops growing once the client hangs up). */
  sent: number
  /** The request body as sent, once it has arrived. */
  body?: string
}

export interface FakeDatafold {
  /** `http://127.0.0.1:<port>`, the value for the action's `datafold-host`. */
  url: string
  requests: RecordedRequest[]
  scenarios: Scenarios
  /** How many requests for a known diff an endpoint has had (whatever they were answered). */
  hits(id: number | string, endpoint?: DatafoldEndpoint): number
  /** The diffs `POST /api/v1/datadiffs` created, in order, with the body each was created from. */
  created: { id: number; body: Record<string, unknown> }[]
  /** Ids `POST .../cancel` was sent for, in order (also for diffs that had finished). */
  cancellations: number[]
  close(): Promise<void>
}

const SUMMARY_PATH = /^\/api\/v1\/datadiffs\/([^/]+)\/summary_results$/
const CREATE_PATH = '/api/v1/datadiffs'
const CANCEL_PATH = /^\/api\/v1\/datadiffs\/(\d+)\/cancel$/
const DATA_SOURCES_PATH = '/api/v1/data_sources'
const RECORD_PATH = /^\/api\/v1\/datadiffs\/([^/]+)$/

export async function startFakeDatafold(options: FakeDatafoldOptions = {}): Promise<FakeDatafold> {
  const scenarios = options.scenarios ?? {}
  for (const [id, scenario] of Object.entries(scenarios)) {
    if (scenario.summary.length === 0) throw new Error(`scenario ${id}: summary needs a Step`)
  }
  const requests: RecordedRequest[] = []
  const counters = new Map<string, number>()
  const pending = new Set<ServerResponse>()
  const timers = new Set<NodeJS.Timeout>()
  let closed = false
  const created: { id: number; body: Record<string, unknown> }[] = []
  const cancellations: number[] = []
  const createFaults = [...(options.create?.faults ?? [])]
  let nextId = options.create?.firstId ?? 9001
  const polls = options.create?.polls ?? 2

  const cancelled = new Set<number>()
  const createdStatus = (id: number): string => {
    if (cancelled.has(id)) return 'cancelled'
    const polled = counters.get(`${id} summary_results`) ?? 0
    return polled === 0 ? 'waiting' : polled <= polls ? 'processing' : 'done'
  }

  /** The answer to a create, a cancel or the data-source list; null for other paths. */
  const planAnswer = (method: string, pathname: string, text: string): Step | null => {
    if (pathname === DATA_SOURCES_PATH && method === 'GET') return json(options.dataSources ?? [])
    const cancel = CANCEL_PATH.exec(pathname)
    if (cancel && method === 'POST') {
      const id = Number(cancel[1])
      cancellations.push(id)
      const scenario = scenarios[id]
      if (!scenario) return { status: 404, detail: `Data diff ${id} not found` }
      if (cancelled.has(id)) return json({ id, status: 'cancelled' })
      // A diff whose summary has reached its last (finished) Step stays as it is.
      const finished = (counters.get(`${id} summary_results`) ?? 0) >= scenario.summary.length
      if (finished) return json({ id, status: 'done' })
      cancelled.add(id)
      scenarios[id] = {
        summary: [json(failedSummary({ error_type: 'Cancelled', error_value: 'cancelled by API' }))]
      }
      return json({ id, status: 'cancelled' })
    }
    if (pathname !== CREATE_PATH || method !== 'POST') return null
    const fault = createFaults.shift()
    if (fault) return fault
    let body: Record<string, unknown>
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      return {
        status: 422,
        body: { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] }
      }
    }
    const refused = [...contractProblems(body), ...(options.create?.refuse?.(body) ?? [])]
    if (refused.length > 0) return { status: 422, body: { detail: refused } }
    const id = nextId++
    created.push({ id, body })
    const cross = body.data_source1_id !== body.data_source2_id
    const done =
      options.create?.summary?.(body, id) ?? (cross ? crossDbDone({ id }) : sameDbDone({ id }))
    scenarios[id] = { summary: runningThenDone(polls, done) }
    return delayed(options.create?.answerAfterMs ?? 0, json(createdRecord(body, id, 'waiting')))
  }

  /** Counts the request, and picks the Step it gets from a script (the last one repeats). */
  const nextStep = (id: string, endpoint: DatafoldEndpoint, steps: Step[]): Step => {
    const count = bump(id, endpoint)
    // A script emptied after start: say so rather than crash the test run.
    return (
      steps[Math.min(count, steps.length - 1)] ?? {
        status: 500,
        detail: `fake-datafold: scenario ${id} has no ${endpoint} Step`
      }
    )
  }
  const bump = (id: string, endpoint: DatafoldEndpoint): number => {
    const key = `${id} ${endpoint}`
    const count = counters.get(key) ?? 0
    counters.set(key, count + 1)
    return count
  }

  const server = createServer((req, res) => {
    const target = req.url ?? '/'
    const pathname = target.split('?')[0] ?? '/'
    const summaryMatch = SUMMARY_PATH.exec(pathname)
    const recordMatch = summaryMatch ? null : RECORD_PATH.exec(pathname)
    const rawId = summaryMatch?.[1] ?? recordMatch?.[1] ?? null
    const endpoint: DatafoldEndpoint | null = summaryMatch
      ? 'summary_results'
      : recordMatch
        ? 'record'
        : null
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: target,
      headers: req.headers,
      time: Date.now(),
      diffId: rawId,
      endpoint,
      sent: 0
    }
    requests.push(recorded)
    const given = /^\S+\s+(.+)$/.exec(req.headers.authorization?.trim() ?? '')?.[1] ?? ''
    const out: Answering = {
      echo: (text) => (options.echoKey ? text.replaceAll(ECHOED_KEY, given) : text),
      sent: (bytes) => {
        recorded.sent += bytes
      },
      total: () => recorded.sent
    }
    // Read the body whole (creates have one), and record it.
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    const arrived = new Promise<void>((resolve) => {
      req.on('end', () => {
        recorded.body = text
        resolve()
      })
    })
    pending.add(res)
    res.on('close', () => pending.delete(res))

    const answer = (step: Step): void => {
      const delay = (options.latencyMs ?? 0) + (step.delayMs ?? 0)
      if (delay <= 0) {
        send(res, step, out)
        return
      }
      const timer = setTimeout(() => {
        timers.delete(timer)
        send(res, step, out)
      }, delay)
      timers.add(timer)
    }

    if (options.apiKey !== undefined && !hasKey(req.headers.authorization, options.apiKey)) {
      answer(
        problem(
          401,
          'Unauthorized',
          options.echoKey ? `Invalid API key ${ECHOED_KEY}` : 'Invalid or missing API key',
          target,
          {
            'WWW-Authenticate': 'Key'
          }
        )
      )
      return
    }
    if (pathname === CREATE_PATH || pathname === DATA_SOURCES_PATH || CANCEL_PATH.test(pathname)) {
      void arrived.then(() => {
        answer(
          planAnswer(req.method ?? 'GET', pathname, text) ?? {
            status: 405,
            body: { detail: 'Method Not Allowed' }
          }
        )
      })
      return
    }
    if (!endpoint || rawId === null) {
      answer(problem(404, 'Not Found', `No route for ${pathname}`, target))
      return
    }
    if (req.method !== 'GET') {
      answer({ status: 405, body: { detail: 'Method Not Allowed' }, headers: { Allow: 'GET' } })
      return
    }
    if (!/^-?\d+$/.test(rawId)) {
      answer({ status: 422, body: intParsingError(rawId) })
      return
    }
    const id = String(Number(rawId))
    const scenario = scenarios[id]
    if (!scenario) {
      answer(problem(404, 'Not Found', `Data diff ${id} not found`, target))
      return
    }
    if (endpoint === 'summary_results') {
      answer(nextStep(id, endpoint, scenario.summary))
      return
    }
    const made = created.find((c) => String(c.id) === id)
    if (made) {
      // A created diff's record follows its summary: waiting, processing, then done.
      bump(id, endpoint)
      answer(json(createdRecord(made.body, made.id, createdStatus(made.id))))
      return
    }
    if (scenario.record === undefined) {
      answer(problem(404, 'Not Found', `Data diff ${id} not found`, target))
      return
    }
    if (Array.isArray(scenario.record)) {
      answer(nextStep(id, endpoint, scenario.record as Step[]))
      return
    }
    bump(id, endpoint)
    answer({ body: scenario.record })
  })

  const url = await listenOnLoopback(server)

  return {
    url,
    requests,
    scenarios,
    hits: (id, endpoint = 'summary_results') => counters.get(`${String(id)} ${endpoint}`) ?? 0,
    created,
    cancellations,
    close: async () => {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const res of pending) res.destroy()
      const done = new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
      server.closeAllConnections()
      await done
    }
  }
}

/** The record of a diff the fake created: the request's fields, an id, a kind and a status. */
function createdRecord(body: Record<string, unknown>, id: number, status: string): object {
  const field = (name: string): unknown => body[name] ?? null
  return {
    id,
    data_source1_id: body.data_source1_id,
    data_source2_id: body.data_source2_id,
    pk_columns: body.pk_columns ?? [],
    kind: body.data_source1_id === body.data_source2_id ? 'in_db' : 'cross_db',
    table1: field('table1'),
    table2: field('table2'),
    query1: field('query1'),
    query2: field('query2'),
    filter1: field('filter1'),
    filter2: field('filter2'),
    include_columns: field('include_columns'),
    exclude_columns: field('exclude_columns'),
    sampling_ratio: field('sampling_ratio'),
    sampling_max_rows: field('sampling_max_rows'),
    tags: field('tags'),
    status,
    done: status === 'done' || status === 'cancelled'
  }
}

/** What FastAPI would refuse in a create body, as 422 `detail` items (the contract's rules). */
function contractProblems(body: Record<string, unknown>): object[] {
  const problems: object[] = []
  for (const key of ['data_source1_id', 'data_source2_id']) {
    if (!Number.isInteger(body[key])) {
      problems.push({ loc: ['body', key], msg: 'Field required', type: 'missing' })
    }
  }
  for (const side of ['1', '2']) {
    const given = ['table', 'query', 'file'].filter((kind) => body[`${kind}${side}`] != null)
    if (given.length !== 1) {
      problems.push({
        loc: ['body', `table${side}`],
        msg: `give exactly one of table${side}, query${side}, file${side}`,
        type: 'value_error'
      })
    }
  }
  if (body.infer_pk !== true && !(Array.isArray(body.pk_columns) && body.pk_columns.length > 0)) {
    problems.push({
      loc: ['body', 'pk_columns'],
      msg: 'pk_columns is required unless infer_pk is true',
      type: 'value_error'
    })
  }
  return problems
}

function hasKey(header: string | undefined, apiKey: string): boolean {
  if (!header) return false
  const match = /^(\S+)\s+(.+)$/.exec(header.trim())
  return match?.[1]?.toLowerCase() === 'key' && match[2] === apiKey
}

/** How an answer is written: the key echoed where asked, the body bytes counted. */
interface Answering {
  echo(text: string): string
  sent(bytes: number): void
  total(): number
}

function send(res: ServerResponse, step: Step, out: Answering): void {
  if (res.destroyed || res.writableEnded) return
  if ('hang' in step) return // accepted, never answered; close() destroys it
  if ('endless' in step) {
    sendEndless(res, step, out)
    return
  }
  const headers: Record<string, string> = { ...('headers' in step ? step.headers : {}) }
  if ('retryAfter' in step && step.retryAfter !== undefined)
    headers['Retry-After'] = step.retryAfter
  if ('redirect' in step) {
    finish(res, step, step.status ?? 302, { ...headers, Location: step.redirect }, '', out)
    return
  }
  if ('raw' in step) {
    const type = step.contentType ?? 'text/html; charset=utf-8'
    finish(res, step, step.status ?? 200, { 'Content-Type': type, ...headers }, step.raw, out)
    return
  }
  if ('body' in step) {
    const type = 'application/json'
    const text = JSON.stringify(step.body)
    finish(res, step, step.status ?? 200, { 'Content-Type': type, ...headers }, text, out)
    return
  }
  const status = step.status
  const body = problemBody(status, reason(status), step.detail ?? reason(status), null)
  const type = 'application/problem+json'
  finish(res, step, status, { 'Content-Type': type, ...headers }, JSON.stringify(body), out)
}

const ENDLESS_CHUNK = Buffer.alloc(1024 * 1024, 'x')
/** Four times the action's own limit (64 MB). */
export const ENDLESS_LIMIT = 256 * 1024 * 1024

/** Writes the endless body chunk by chunk, each once the last has drained, until the client goes. */
function sendEndless(res: ServerResponse, step: EndlessStep, out: Answering): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (step.contentLength !== undefined) {
    headers['Content-Length'] = String(step.contentLength)
    res.writeHead(200, headers)
    res.flushHeaders()
    return // the declared body never comes; close() destroys the response
  }
  res.writeHead(200, headers)
  const more = (): void => {
    while (!res.destroyed && out.total() < ENDLESS_LIMIT) {
      out.sent(ENDLESS_CHUNK.length)
      if (!res.write(ENDLESS_CHUNK)) {
        res.once('drain', more)
        return
      }
    }
  }
  out.sent(26)
  res.write('{"status":"done","pad":"')
  more()
}

/** Sends the answer, or half of it and then a reset or a close when the Step says so. */
function finish(
  res: ServerResponse,
  step: StepBase,
  status: number,
  headers: Record<string, string>,
  text: string,
  out: Answering
): void {
  const payload = out.echo(text)
  if (step.reset === undefined && step.truncate !== true) {
    res.writeHead(status, headers)
    res.end(payload)
    out.sent(Buffer.byteLength(payload))
    return
  }
  const bytes = Buffer.from(payload, 'utf8')
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) })
  out.sent(Math.floor(bytes.length / 2))
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
    const socket = res.socket
    if (!socket || socket.destroyed) return
    if (step.reset === 'mid-body') socket.resetAndDestroy()
    else socket.destroy()
  })
}

function problem(
  status: number,
  title: string,
  detail: string,
  instance: string,
  headers: Record<string, string> = {}
): RawStep {
  return {
    status,
    contentType: 'application/problem+json',
    raw: JSON.stringify(problemBody(status, title, detail, instance)),
    headers
  }
}

function problemBody(
  status: number,
  title: string,
  detail: string,
  instance: string | null
): Record<string, unknown> {
  return { type: 'about:blank', title, status, detail, ...(instance ? { instance } : {}) }
}

function reason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    408: 'Request Timeout',
    409: 'Conflict',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout'
  }
  return reasons[status] ?? `HTTP ${status}`
}

/** FastAPI's 422 for a path id that is not an integer. */
function intParsingError(input: string): Record<string, unknown> {
  return {
    detail: [
      {
        type: 'int_parsing',
        loc: ['path', 'datadiff_id'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input
      }
    ]
  }
}

// ---- Steps and scenarios for scripting ----

/** Answer `body` as JSON. */
export function json(body: unknown, status = 200): JsonStep {
  return { body, status }
}

/** 429 problem+json, with `Retry-After` when given. */
export function rateLimited(retryAfter?: string): StatusStep {
  return retryAfter === undefined ? { status: 429 } : { status: 429, retryAfter }
}

/** A 5xx problem+json from the API itself. */
export function serverError(status = 503): StatusStep {
  return { status }
}

/** Accept and never answer. */
export function hang(): HangStep {
  return { hang: true }
}

/** A 200 whose JSON body never ends; with `contentLength`, declared that long and never sent. */
export function endless(contentLength?: number): EndlessStep {
  return contentLength === undefined ? { endless: true } : { endless: true, contentLength }
}

/** A diff whose host accepts both requests and never answers either. */
export function hangingScenario(): DiffScenario {
  return { record: [hang()], summary: [hang()] }
}

/** A load balancer's HTML error page instead of JSON. */
export function proxyPage(status = 502): RawStep {
  return {
    status,
    contentType: 'text/html',
    raw:
      `<html>\r\n<head><title>${status} ${reason(status)}</title></head>\r\n<body>\r\n` +
      `<center><h1>${status} ${reason(status)}</h1></center>\r\n<hr><center>nginx</center>\r\n` +
      '</body>\r\n</html>\r\n'
  }
}

/** A redirect, e.g. to another host (does the client resend the key?) or to a login page. */
export function redirectTo(url: string, status: RedirectStep['status'] = 302): RedirectStep {
  return { redirect: url, status }
}

/** The Step's headers and half its body, then the connection is reset (RST). */
export function resetMidBody<S extends JsonStep | StatusStep | RawStep>(step: S): S {
  return { ...step, reset: 'mid-body' }
}

/** The Step's headers (full Content-Length) and half its body, then the socket is closed. */
export function truncated<S extends JsonStep | StatusStep | RawStep>(step: S): S {
  return { ...step, truncate: true }
}

/** The same Step, answered `ms` later. */
export function delayed<S extends Step>(ms: number, step: S): S {
  return { ...step, delayMs: ms }
}

/** `pending` once, `running` for the rest of `polls`, then `done` (which then repeats). */
export function runningThenDone(polls: number, done: object): Step[] {
  const waiting = Array.from({ length: polls }, (_, i) =>
    json(runningSummary(i === 0 && polls > 1 ? 'pending' : 'running'))
  )
  return [...waiting, json(done)]
}

/** A diff whose summary is `done` at once, with its record. */
export function finishedScenario(summary: object, record: object = diffRecord()): DiffScenario {
  return { record, summary: [json(summary)] }
}

/** A diff running for `polls` polls (record `processing`), then done (record `done`). */
export function runningScenario(polls: number, done: object, spec: RecordSpec = {}): DiffScenario {
  const processing = json(diffRecord({ ...spec, jobStatus: 'processing' }))
  return {
    record: [...Array.from({ length: polls }, () => processing), json(diffRecord(spec))],
    summary: runningThenDone(polls, done)
  }
}

/** A diff that failed: summary `failed` with this error, record `failed`. */
export function failedScenario(
  error: Partial<DataDiffError> | Record<string, unknown> = {},
  spec: RecordSpec = {}
): DiffScenario {
  return {
    record: diffRecord({ ...spec, jobStatus: 'failed' }),
    summary: [json(failedSummary(error))]
  }
}

/**
 * A diff waiting on a person: record status `needs_authentication` (or `needs_confirmation`),
 * summary `pending` for ever.
 */
export function waitingOnPersonScenario(
  jobStatus: 'needs_authentication' | 'needs_confirmation' = 'needs_authentication',
  spec: RecordSpec = {}
): DiffScenario {
  return {
    record: diffRecord({ ...spec, jobStatus }),
    summary: [json(runningSummary('pending'))]
  }
}

/** A diff whose summary body fits none of the contract's shapes (its record is fine). */
export function shapelessScenario(
  kind: Parameters<typeof shapelessSummary>[0] = 'wrong-types'
): DiffScenario {
  return { record: diffRecord(), summary: [json(shapelessSummary(kind))] }
}
