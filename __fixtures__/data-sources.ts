// Data-source records as `GET /api/v1/data_sources` lists them, connection options included: the
// passwords in them must never reach a log, a report or an output. Checked against the
// contract's copy in __fixtures__/openapi-data-sources.json.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020Module from 'ajv/dist/2020.js'

/** Secrets planted in the records' options: none may show anywhere. */
export const DATA_SOURCE_SECRETS = ['sf-Pa55word-planted', 'pg-Pa55word-planted']

const snowflake = (id: number, name: string, password: string) => ({
  id,
  name,
  type: 'snowflake',
  accessible: true,
  options: {
    account: 'acme-xy12345',
    user: 'DATAFOLD',
    password,
    warehouse: 'CI_WH',
    role: 'DATAFOLD_ROLE'
  }
})

/** warehouse (11), snowflake-eu (12), and two named analytics (21, 22). */
export function dataSources(): object[] {
  return [
    snowflake(11, 'warehouse', DATA_SOURCE_SECRETS[0] ?? ''),
    snowflake(12, 'snowflake-eu', DATA_SOURCE_SECRETS[0] ?? ''),
    {
      id: 21,
      name: 'analytics',
      type: 'pg',
      options: {
        host: 'db.internal',
        user: 'df',
        dbname: 'analytics',
        password: DATA_SOURCE_SECRETS[1]
      }
    },
    snowflake(22, 'analytics', DATA_SOURCE_SECRETS[0] ?? '')
  ]
}

/** Problems of `body` as the 200 answer of `GET /api/v1/data_sources`; [] when it fits. */
export function dataSourcesContractProblems(body: unknown): string[] {
  const document = JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'openapi-data-sources.json'), 'utf8')
  ) as {
    paths: Record<
      string,
      { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }
    >
    components: { schemas: Record<string, unknown> }
  }
  const schema =
    document.paths['/api/v1/data_sources']?.get.responses['200']?.content['application/json']
      ?.schema
  const ajv = new Ajv2020Module.default({ allErrors: true, strict: false })
  ajv.addFormat('password', true)
  ajv.addFormat('uri', true)
  ajv.addFormat('date-time', true)
  const validate = ajv.compile({
    ...(schema as object),
    components: document.components
  })
  return validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}
