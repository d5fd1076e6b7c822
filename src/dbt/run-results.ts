// Reads a dbt run_results.json into what dbt mode needs from it: which nodes the build built. The
// file is streamed like a manifest (a large project's results carry every compiled query): only
// `metadata`, `args` and the items of `results` are parsed, one item at a time, and each is reduced
// to its unique_id and status. Opened through the same `io` as the manifests.
import { JsonSections } from './json-sections.js'
import { ManifestError } from './manifest.js'
import { ARTIFACT_SCHEMA } from './manifest-version.js'
import { artifactError, type ManifestIo } from './read-manifest.js'

export interface RunResults {
  /** The path given, for messages. */
  file: string
  /** `args.which`: the command that wrote the file (`build`, `run`, `seed`, …); null when unsaid. */
  command: string | null
  /** The nodes whose status is `success`: built in this build's schema. */
  built: ReadonlySet<string>
  /** The other nodes the build selected, with their status (`error`, `skipped`, …). */
  notBuilt: ReadonlyMap<string, string>
}

export async function readRunResults(file: string, io: ManifestIo): Promise<RunResults> {
  const built = new Set<string>()
  const notBuilt = new Map<string, string>()
  let command: string | null = null
  let checked = false
  const sections = new JsonSections(new Set(['metadata', 'args']), new Set(), new Set(['results']))
  try {
    for await (const chunk of io.open(file)) {
      for (const { member, value } of sections.push(chunk)) {
        if (member === 'metadata') {
          checkMetadata(file, value)
          checked = true
        } else if (member === 'args') {
          const which = (value as Record<string, unknown> | null)?.which
          command = typeof which === 'string' ? which : null
        } else if (member === 'results') {
          const { unique_id: id, status } = (value ?? {}) as Record<string, unknown>
          if (typeof id !== 'string' || typeof status !== 'string') continue
          if (status === 'success') built.add(id)
          else notBuilt.set(id, status)
        }
      }
    }
    sections.end()
    if (!checked) {
      throw new ManifestError(file, 'not a dbt run_results.json: it has no metadata')
    }
  } catch (error) {
    throw artifactError(file, error)
  }
  return { file, command, built, notBuilt }
}

/** dbt writes `metadata` first: any other artifact is refused before its results are read. */
function checkMetadata(file: string, metadata: unknown): void {
  const schema = (metadata as Record<string, unknown> | null)?.dbt_schema_version
  const kind = typeof schema === 'string' ? ARTIFACT_SCHEMA.exec(schema)?.[1] : undefined
  if (kind === 'run-results') return
  throw new ManifestError(
    file,
    kind === undefined
      ? 'not a dbt run_results.json: its metadata has no dbt_schema_version of run-results'
      : `a dbt ${kind} artifact, not run_results.json; give the run_results.json of the build that wrote the PR's manifest`
  )
}
