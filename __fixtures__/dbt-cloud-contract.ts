// dbt Labs' OpenAPI description of the runs, artifacts and jobs operations (the copy in
// __fixtures__/openapi-dbt-cloud-runs.json, OpenAPI 3.0.3) as a check: of the fake dbt Cloud's
// answers (200s against the operation's response schema, errors against dbt Cloud's status
// envelope), and of the requests the action sends (a declared operation, its path and query
// parameters of the declared types, the token in the Authorization header).
import { createContract, type OpenApiDocument } from './contract.js'

export const dbtCloudContract = createContract({
  file: 'openapi-dbt-cloud-runs.json',
  keywords: ['example'],
  numberFormats: ['int64']
})

interface Parameter {
  in: 'path' | 'query'
  name: string
  required?: boolean
  schema: Schema
}
interface Schema {
  type?: 'integer' | 'string' | 'boolean' | 'array'
  items?: Schema
  oneOf?: Schema[]
  enum?: unknown[]
}
interface Operation {
  parameters?: Parameter[]
  security?: Record<string, unknown>[]
}

export interface SentRequest {
  method: string
  pathname: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
}

/** The path template a request's path fits, and its path parameters; null when none fits. */
export function operationOf(
  method: string,
  pathname: string
): { template: string; params: Record<string, string>; operation: Operation } | null {
  const doc = dbtCloudContract.load() as OpenApiDocument & {
    paths: Record<string, Record<string, Operation>>
  }
  for (const [template, operations] of Object.entries(doc.paths)) {
    const names: string[] = []
    const pattern = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name)
        return name === 'remainder' ? '(.+)' : '([^/]+)'
      })
    const match = new RegExp(`^${pattern}$`).exec(pathname)
    const operation = operations[method.toLowerCase()]
    if (match && operation) {
      return {
        template,
        params: Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ''])),
        operation
      }
    }
  }
  return null
}

/** Every way a request departs from the description; [] when it fits. */
export function requestProblems(request: SentRequest): string[] {
  const found = operationOf(request.method, request.pathname)
  if (found === null) return [`${request.method} ${request.pathname}: no such operation`]
  const { operation, params, template } = found
  const declared = operation.parameters ?? []
  const problems: string[] = []
  for (const parameter of declared) {
    const value = parameter.in === 'path' ? params[parameter.name] : request.query[parameter.name]
    if (value === undefined) {
      if (parameter.required) problems.push(`${template}: ${parameter.name} is required`)
      continue
    }
    if (!fits(value, parameter.schema)) {
      problems.push(
        `${template}: ${parameter.in} ${parameter.name}="${value}" does not fit its type`
      )
    }
  }
  for (const name of Object.keys(request.query)) {
    if (!declared.some((p) => p.in === 'query' && p.name === name)) {
      problems.push(`${template}: query ${name} is not a parameter of this operation`)
    }
  }
  // BearerAuthentication; the description's text says `Token <token>`, and `Bearer` alike.
  const auth = request.headers.authorization
  if (
    operation.security?.length &&
    !(typeof auth === 'string' && /^(Token|Bearer) \S+$/.test(auth))
  ) {
    problems.push(`${template}: no Authorization: Token <token> header`)
  }
  return problems
}

function fits(value: string, schema: Schema): boolean {
  if (schema.oneOf) return schema.oneOf.some((option) => fits(value, option))
  if (schema.enum) return schema.enum.includes(value)
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(value)
    case 'boolean':
      return value === 'true' || value === 'false'
    case 'array':
      return value.split(',').every((item) => fits(item, schema.items ?? {}))
    default:
      return true
  }
}

/** Problems of the fake's answer to a request: a 200 against its operation's schema (closed to
 * fields the description does not name), an error against `{ status: ResponseStatus }`. Artifacts,
 * which the description gives no schema, are not checked. */
export function answerProblems(request: {
  method: string
  pathname: string
  status?: number
  body?: unknown
}): string[] {
  const found = operationOf(request.method, request.pathname)
  if (request.body === undefined) return []
  if (request.status !== 200 || found === null) {
    const envelope = request.body as { status?: unknown }
    return dbtCloudContract.validate('ResponseStatus', envelope.status, { closed: true }).errors
  }
  return dbtCloudContract.validate(`GET ${found.template} 200`, request.body, { closed: true })
    .errors
}
