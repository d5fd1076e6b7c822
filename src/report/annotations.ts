// Puts the report's findings on the files a reviewer reads: a breached or unchecked dbt model on
// its own file (at its `config(`/`meta` line when the file shows one), a plan entry on its line of
// the plan file. What has no file (an inline plan, a diff given by id) is counted in a note for
// the check run's summary instead. Files are read through the reader the caller passes in.
import { plural } from '../format.js'
import { projectDirOf, repositoryPath, settingsLine } from './annotation-paths.js'

/** GitHub's annotation levels: `failure` for a breach, `warning` for what was not checked. */
export type AnnotationLevel = 'failure' | 'warning' | 'notice'

/** One annotation, on one line of a file of the repository. */
export interface FileAnnotation {
  /** From the repository's root, with `/`. */
  path: string
  /** From 1. */
  line: number
  level: AnnotationLevel
  title: string
  message: string
}

/** What a finding is about: a dbt model of the root project by its file as the manifest names it
 * (the model's `path`, from `original_file_path`), a plan entry by name, or nothing with a file
 * in the repository (a diff given by id, a model of an installed package). */
export type FindingPlace = { model: string } | { planEntry: string } | null

/** A breach, an unchecked model, a diff that could not be checked: what to say, and where. */
export interface Finding {
  at: FindingPlace
  level: AnnotationLevel
  title: string
  message: string
}

export interface AnnotationPlaces {
  /** dbt mode's project; null when dbt mode is off. */
  dbt: {
    /** The `dbt-project-dir` input (from the repository's root); null: from the manifest's place. */
    projectDir: string | null
    /** The PR build's manifest, as the `dbt-manifest` input names it. */
    manifest: string
    /** The repository's checkout (GITHUB_WORKSPACE), for a manifest given by absolute path. */
    workspace?: string
  } | null
  /** The plan file (plan-file) and its entries' lines (`ParsedPlan.lines`), or an inline plan. */
  plan: { file: string; lines: ReadonlyMap<string, number> } | { inline: true } | null
  /** A file's text by its path from the repository's root; null (or a throw) when it cannot. */
  readFile: (path: string) => Promise<string | null>
}

export interface LocatedFindings {
  /** In the findings' order. */
  annotations: FileAnnotation[]
  /** Sentences for the check run's summary about findings that are not annotated as they should. */
  notes: string[]
}

interface Place {
  path: string
  line: number
  /** The file could not be read: the path is dbt's word for it, the line a guess. */
  unread: boolean
}

export async function locateFindings(
  findings: readonly Finding[],
  places: AnnotationPlaces
): Promise<LocatedFindings> {
  const read = async (path: string): Promise<string | null> => {
    try {
      return await places.readFile(path)
    } catch {
      return null
    }
  }
  const modelPlace = modelPlacer(places.dbt, read)
  const annotations: FileAnnotation[] = []
  const unread = new Set<string>()
  let inline = 0
  let placeless = 0
  for (const finding of findings) {
    const place = await placeOf(finding.at, places, modelPlace)
    if (place === 'inline') inline++
    if (place === null) placeless++
    if (place === null || place === 'inline') continue
    if (place.unread) unread.add(place.path)
    const { level, title, message } = finding
    annotations.push({ path: place.path, line: place.line, level, title, message })
  }
  const notes: string[] = []
  if (inline > 0) {
    notes.push(
      'The plan was given inline (the `plan` input), which has no file to annotate: the report ' +
        `lists what was found on its entries (${plural(inline, 'finding')}). Keep the plan in a ` +
        'file (`plan-file`) to see them on its lines.'
    )
  }
  if (placeless > 0) {
    notes.push(
      `${plural(placeless, 'finding')} with no file in this repository (diffs given by id, models ` +
        'of installed packages) not annotated: the report lists them.'
    )
  }
  if (unread.size > 0) {
    const shown = [...unread].slice(0, 3).join(', ') + (unread.size > 3 ? ', …' : '')
    notes.push(
      `Not found in the repository: ${plural(unread.size, 'model file')} (${shown}), so their ` +
        'annotations point at line 1 of the path the manifest gives. If the dbt project is in a ' +
        'folder of the repository, set `dbt-project-dir`.'
    )
  }
  return { annotations, notes }
}

async function placeOf(
  at: FindingPlace,
  places: AnnotationPlaces,
  modelPlace: (model: string) => Promise<Place | null>
): Promise<Place | 'inline' | null> {
  if (at === null) return null
  if ('model' in at) return places.dbt === null ? null : modelPlace(at.model)
  const plan = places.plan
  if (plan === null) return null
  if ('inline' in plan) return 'inline'
  const path = repositoryPath('', plan.file)
  return path === null ? null : { path, line: plan.lines.get(at.planEntry) ?? 1, unread: false }
}

/**
 * Finds each model's file once: in the `dbt-project-dir` input's folder when given, else in the
 * folder the manifest's place tells, else at the root; the first that reads wins.
 */
function modelPlacer(
  dbt: AnnotationPlaces['dbt'],
  read: (path: string) => Promise<string | null>
): (model: string) => Promise<Place | null> {
  const folders =
    dbt === null
      ? []
      : dbt.projectDir !== null
        ? [dbt.projectDir]
        : [...new Set([projectDirOf(dbt.manifest, dbt.workspace) ?? '', ''])]
  const found = new Map<string, Promise<Place | null>>()
  const locate = async (model: string): Promise<Place | null> => {
    const paths = folders.flatMap((folder) => repositoryPath(folder, model) ?? [])
    for (const path of paths) {
      const text = await read(path)
      if (text !== null) return { path, line: settingsLine(text) ?? 1, unread: false }
    }
    const [first] = paths
    return first === undefined ? null : { path: first, line: 1, unread: true }
  }
  return (model) => {
    let place = found.get(model)
    if (!place) {
      place = locate(model)
      found.set(model, place)
    }
    return place
  }
}
