// Validates a body against an OpenAPI description (Datafold's is OpenAPI 3.1, so JSON Schema
// 2020-12; dbt Cloud's 3.0 schemas validate as such too) with ajv: either a named schema (`#/components/schemas/<name>`) or the JSON schema of one response
// (`GET /api/v1/datadiffs/{datadiff_id}/summary_results 200`). `#/components/schemas/...` refs
// are resolved against the same document.
//
// `closed: true` also rejects properties the contract does not name (the contract itself allows
// extra ones). The fakes' builders are checked closed, so a misspelt optional field in a fixture
// fails instead of passing unseen.
//
// `createContract` makes the validators of one description; the functions exported below are
// Datafold's, whose copy is `__fixtures__/openapi-datadiffs.json`. A test checks each copy against
// the team's shared copy where that is beside the repository.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020Module from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'

/** The 200 answer of `GET /api/v1/datadiffs/{datadiff_id}/summary_results`. */
export const SUMMARY_RESULTS_200 = 'GET /api/v1/datadiffs/{datadiff_id}/summary_results 200'
/** The 200 answer of `GET /api/v1/datadiffs/{datadiff_id}` (`ApiDataDiffWithProgressState`). */
export const DATADIFF_200 = 'GET /api/v1/datadiffs/{datadiff_id} 200'

/** A component schema name, or `"<METHOD> <path> <status>"` for a response's JSON schema. */
export type ContractTarget = string

export interface ContractOptions {
  /** Reject properties the contract does not name. */
  closed?: boolean
}

export interface ContractResult {
  valid: boolean
  /** One line per problem: `<instance path> <message>`. */
  errors: string[]
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation | undefined> | undefined>
  components: { schemas: Record<string, unknown> }
}

interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>
}

const RESPONSE_TARGET = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*) (\d{3})$/

/** An OpenAPI description in __fixtures__, and ajv's validators of its schemas. */
export interface Contract {
  path: string
  load(): OpenApiDocument
  schemaNames(): string[]
  validate(target: ContractTarget, body: unknown, options?: ContractOptions): ContractResult
  assert(target: ContractTarget, body: unknown, options?: ContractOptions): void
}

export interface ContractSetup {
  /** The file's name in __fixtures__. */
  file: string
  /** Keywords the description uses that JSON Schema has not (OpenAPI's `discriminator`, `example`). */
  keywords: string[]
  /** Formats of numbers (`int64`) that accept any number: the type decides. */
  numberFormats?: string[]
}

export function createContract(setup: ContractSetup): Contract {
  const path = join(dirname(fileURLToPath(import.meta.url)), setup.file)
  const rootId = `https://contract.test/${setup.file}`
  let document: OpenApiDocument | undefined
  const validators = new Map<string, ValidateFunction>()
  const instances = new Map<boolean, InstanceType<typeof Ajv2020Module.default>>()
  const load = (): OpenApiDocument =>
    (document ??= JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument)
  const schemaNames = (): string[] => Object.keys(load().components.schemas)

  const validate = (
    target: ContractTarget,
    body: unknown,
    options: ContractOptions = {}
  ): ContractResult => {
    const check = validatorFor(target, options.closed ?? false)
    const valid = check(body)
    return { valid, errors: valid ? [] : formatErrors(check.errors ?? []) }
  }

  function validatorFor(target: ContractTarget, closed: boolean): ValidateFunction {
    const key = `${closed ? 'closed' : 'open'} ${target}`
    const cached = validators.get(key)
    if (cached) return cached
    const ajv = instance(closed)
    const compiled = ajv.compile(prepare(schemaFor(target), closed, rootId))
    validators.set(key, compiled)
    return compiled
  }

  function schemaFor(target: ContractTarget): unknown {
    const doc = load()
    const response = RESPONSE_TARGET.exec(target)
    if (response) {
      const [, method = '', route = '', status = ''] = response
      const schema =
        doc.paths[route]?.[method.toLowerCase()]?.responses?.[status]?.content?.['application/json']
          ?.schema
      if (schema === undefined) throw new Error(`the contract has no JSON response for "${target}"`)
      return schema
    }
    if (!(target in doc.components.schemas)) {
      throw new Error(`the contract has no schema "${target}"; it has ${schemaNames().join(', ')}`)
    }
    return { $ref: `#/components/schemas/${target}` }
  }

  function instance(closed: boolean): InstanceType<typeof Ajv2020Module.default> {
    const existing = instances.get(closed)
    if (existing) return existing
    const Ajv2020 = Ajv2020Module.default
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false })
    for (const keyword of setup.keywords) ajv.addKeyword({ keyword })
    ajv.addFormat('date-time', {
      type: 'string',
      validate: (text: string) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text) &&
        !Number.isNaN(Date.parse(text))
    })
    ajv.addFormat('uri', {
      type: 'string',
      validate: (text: string) => /^[a-z][a-z\d+.-]*:\S*$/i.test(text)
    })
    for (const name of setup.numberFormats ?? []) {
      ajv.addFormat(name, { type: 'number', validate: () => true })
    }
    ajv.addSchema(prepare({ $id: rootId, $defs: load().components.schemas }, closed, rootId))
    instances.set(closed, ajv)
    return ajv
  }

  return {
    path,
    load,
    schemaNames,
    validate,
    assert: (target, body, options = {}) => {
      const result = validate(target, body, options)
      if (!result.valid) {
        throw new Error(
          `body does not fit ${target}${options.closed ? ' (closed)' : ''}:\n  ${result.errors.join('\n  ')}`
        )
      }
    }
  }
}

/** Datafold's contract: the copy of its description in `__fixtures__/openapi-datadiffs.json`. */
const datafold = createContract({
  file: 'openapi-datadiffs.json',
  // OpenAPI's `discriminator` is an annotation here: the oneOf it sits on decides.
  keywords: ['discriminator']
})

/** The repository's copy of the OpenAPI description. */
export function contractPath(): string {
  return datafold.path
}

export function loadContract(): OpenApiDocument {
  return datafold.load()
}

/** The names under `#/components/schemas`. */
export function schemaNames(): string[] {
  return datafold.schemaNames()
}

/** Validates `body` against a named schema or a response's schema. Throws on an unknown target. */
export function validateContract(
  target: ContractTarget,
  body: unknown,
  options: ContractOptions = {}
): ContractResult {
  return datafold.validate(target, body, options)
}

/** Throws an Error listing every problem when `body` does not fit `target`. */
export function assertContract(
  target: ContractTarget,
  body: unknown,
  options: ContractOptions = {}
): void {
  datafold.assert(target, body, options)
}

/** Points `#/components/schemas/X` refs at the shared root, and closes objects when asked. */
function prepare(schema: unknown, closed: boolean, rootId: string): object {
  const visit = (node: unknown, key: string | null): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, null))
    if (typeof node !== 'object' || node === null) return node
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) {
      // The keys under `properties`/`$defs` are names, not keywords.
      const isMap = key === 'properties' || key === '$defs'
      if (!isMap && k === '$ref' && typeof v === 'string') {
        out[k] = v.replace(/^#\/components\/schemas\//, `${rootId}#/$defs/`)
      } else {
        out[k] = visit(v, isMap ? null : k)
      }
    }
    if (closed && key !== 'properties' && key !== '$defs' && 'properties' in out) {
      out.additionalProperties ??= false
    }
    return out
  }
  return visit(schema, null) as object
}

function formatErrors(errors: ErrorObject[]): string[] {
  return errors.map((error) => {
    const where = error.instancePath || '(body)'
    const extra =
      error.keyword === 'additionalProperties'
        ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
        : error.keyword === 'enum' || error.keyword === 'const'
          ? ` ${JSON.stringify(error.params)}`
          : ''
    return `${where} ${error.message ?? error.keyword}${extra} [${error.schemaPath}]`
  })
}
