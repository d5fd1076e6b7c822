// Checks what the action sends to GitHub, and what the fake GitHub answers, against GitHub's own
// OpenAPI description of its REST API (npm @octokit/openapi, the api.github.com document, OpenAPI
// 3.0: JSON Schema draft 7 with `nullable`), with ajv and ajv-formats. Only the file of that one
// document is read: the package's index would load every GitHub Enterprise version too.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> }
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>
}

export interface GitHubOpenApi {
  paths: Record<string, Record<string, Operation | undefined>>
  components: { schemas: Record<string, unknown> }
}

const ROOT_ID = 'https://api.github.com/openapi.json'
const require = createRequire(import.meta.url)

let document: GitHubOpenApi | undefined
let ajv: InstanceType<typeof AjvModule.default> | undefined
const validators = new Map<string, ValidateFunction>()

/** The api.github.com description the package ships, and its version. */
export function githubOpenApi(): GitHubOpenApi {
  if (!document) {
    const root = dirname(require.resolve('@octokit/openapi/package.json'))
    const text = readFileSync(join(root, 'generated', 'api.github.com.json'), 'utf8')
    document = JSON.parse(text) as GitHubOpenApi
  }
  return document
}

/** The operation's path template for a path as sent (`/api/v3` and the query left out), or null. */
export function operationPath(method: string, sent: string): string | null {
  const path = sent.replace(/^\/api\/v3/, '').split('?')[0] ?? ''
  const templates = Object.keys(githubOpenApi().paths).filter(
    (template) => githubOpenApi().paths[template]?.[method.toLowerCase()] !== undefined
  )
  const matching = templates.filter((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path)
  )
  // The literal path wins over a template with more parameters (`/commits/{ref}/status`).
  const params = (template: string) => template.match(/\{/g)?.length ?? 0
  return matching.sort((a, b) => params(a) - params(b))[0] ?? null
}

/** A request body's problems against the operation's request schema; [] when it fits. */
export function requestProblems(method: string, sent: string, body: unknown): string[] {
  const template = operationPath(method, sent)
  if (template === null) return [`no GitHub operation ${method} ${sent}`]
  const schema =
    githubOpenApi().paths[template]?.[method.toLowerCase()]?.requestBody?.content?.[
      'application/json'
    ]?.schema
  if (schema === undefined) return body === undefined ? [] : [`${template} takes no JSON body`]
  return problems(`request ${method} ${template}`, schema, body)
}

/** An answer's problems against the operation's response schema for its status; [] when it fits. */
export function answerProblems(
  method: string,
  sent: string,
  status: number,
  body: unknown
): string[] {
  const template = operationPath(method, sent)
  if (template === null) return [`no GitHub operation ${method} ${sent}`]
  const response =
    githubOpenApi().paths[template]?.[method.toLowerCase()]?.responses?.[String(status)]
  if (response === undefined) return [`${method} ${template} has no ${status} answer`]
  const schema = response.content?.['application/json']?.schema
  if (schema === undefined) return body === undefined ? [] : [`${status} has no JSON body`]
  return problems(`answer ${method} ${template} ${status}`, schema, body)
}

function problems(key: string, schema: unknown, body: unknown): string[] {
  let validate = validators.get(key)
  if (!validate) {
    validate = instance().compile(prepare(schema) as object)
    validators.set(key, validate)
  }
  return validate(body) ? [] : (validate.errors ?? []).map(describe)
}

function instance(): InstanceType<typeof AjvModule.default> {
  if (ajv) return ajv
  const Ajv = AjvModule.default
  // Not strict: the description carries OpenAPI's and Octokit's own keywords (`example`, `x-…`).
  ajv = new Ajv({ allErrors: true, strict: false })
  addFormatsModule.default(ajv)
  ajv.addSchema({
    $id: ROOT_ID,
    components: { schemas: prepare(githubOpenApi().components.schemas) }
  })
  return ajv
}

/**
 * `#/components/schemas/X` refs, resolved against the shared root; and `null` among the values of
 * a nullable enum, as OpenAPI 3.0.3 reads `nullable` and as GitHub answers (a queued check run's
 * `conclusion` is null).
 */
function prepare(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(prepare)
  if (typeof schema !== 'object' || schema === null) return schema
  const node = schema as Record<string, unknown>
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
        return [key, `${ROOT_ID}${value}`]
      }
      if (
        key === 'enum' &&
        node.nullable === true &&
        Array.isArray(value) &&
        !value.includes(null)
      ) {
        return [key, [...(value as unknown[]), null]]
      }
      return [key, prepare(value)]
    })
  )
}

function describe(error: ErrorObject): string {
  const extra =
    error.keyword === 'additionalProperties' || error.keyword === 'required'
      ? ` ${JSON.stringify(error.params)}`
      : ''
  return `${error.instancePath || '(body)'} ${error.message ?? error.keyword}${extra}`
}
