// Where a check run's annotations point: dbt model files from the repository's root (a project in
// a folder, a manifest written on Windows), at the line of the model's config when the file shows
// one; plan entries at their line of the plan file; and what has no file, said in a note.
import { describe, expect, it } from '@jest/globals'
import { projectDirOf, repositoryPath, settingsLine } from '../../src/report/annotation-paths.js'
import {
  locateFindings,
  type AnnotationPlaces,
  type Finding
} from '../../src/report/annotations.js'

describe('projectDirOf: the dbt project folder from where its manifest is', () => {
  it.each<[string, string | undefined, string | null]>([
    ['target/manifest.json', undefined, ''],
    ['./target/manifest.json', undefined, ''],
    ['transform/target/manifest.json', undefined, 'transform'],
    ['analytics/dbt/target/manifest.json', undefined, 'analytics/dbt'],
    ['transform\\target\\manifest.json', undefined, 'transform'],
    [
      '/home/runner/work/wh/wh/transform/target/manifest.json',
      '/home/runner/work/wh/wh',
      'transform'
    ],
    ['/home/runner/work/wh/wh/target/manifest.json', '/home/runner/work/wh/wh/', ''],
    ['D:\\a\\wh\\wh\\dbt\\target\\manifest.json', 'D:\\a\\wh\\wh', 'dbt'],
    // Not in a target/ folder, or outside the checkout: the place does not tell.
    ['artifacts/pr/manifest.json', undefined, null],
    ['manifest.json', undefined, null],
    ['/tmp/pr/target/manifest.json', '/home/runner/work/wh/wh', null],
    ['/tmp/pr/target/manifest.json', undefined, null],
    ['../other/target/manifest.json', undefined, null]
  ])('%j (workspace %j) → %j', (manifest, workspace, dir) => {
    expect(projectDirOf(manifest, workspace)).toBe(dir)
  })
})

describe('repositoryPath: a model file from the repository root, with /', () => {
  it.each<[string, string, string | null]>([
    ['', 'models/marts/orders.sql', 'models/marts/orders.sql'],
    ['transform', 'models/marts/orders.sql', 'transform/models/marts/orders.sql'],
    ['transform/', 'models\\marts\\orders.sql', 'transform/models/marts/orders.sql'],
    ['', 'models\\marts\\orders.sql', 'models/marts/orders.sql'],
    [
      'analytics/dbt',
      './models//staging/stg_orders.sql',
      'analytics/dbt/models/staging/stg_orders.sql'
    ],
    ['dbt', 'models/../seeds/country_codes.csv', 'dbt/seeds/country_codes.csv'],
    // Outside the repository, or absolute: no annotation.
    ['', '../shared/models/x.sql', null],
    ['dbt', '../../x.sql', null],
    ['', '/abs/models/x.sql', null],
    ['', 'C:\\proj\\models\\x.sql', null],
    ['', '', null]
  ])('%j + %j → %j', (dir, path, expected) => {
    expect(repositoryPath(dir, path)).toBe(expected)
  })
})

describe('settingsLine: where a model file sets its config', () => {
  it.each<[string, string, number | null]>([
    ['config( first', "-- orders\n\n{{ config(materialized='table') }}\nselect 1", 3],
    [
      'config with spaces, and meta after it',
      "\n{{\n  config (\n    meta={'datafold': {}}\n  )\n}}",
      3
    ],
    ['meta= when there is no config(', "{{ foo(meta={'a': 1}) }}\nselect 1", 1],
    [
      'meta: in a YAML file',
      'version: 2\nmodels:\n  - name: orders\n    meta:\n      datafold: {}',
      4
    ],
    ['a Python model', 'def model(dbt, session):\n    dbt.config(materialized="table")\n', 2],
    ['CRLF lines', 'select 1\r\nfrom x\r\n{{ config(tags=["a"]) }}', 3],
    ['neither: line 1', 'select id, metadata, reconfigure from orders', null],
    ['an empty file', '', null]
  ])('%s', (_case, text, line) => {
    expect(settingsLine(text)).toBe(line)
  })
})

const ORDERS_SQL =
  "-- the orders mart\n{{ config(materialized='table', meta={'datafold': {}}) }}\nselect 1"

function reader(files: Record<string, string>) {
  const reads: string[] = []
  const readFile = (path: string): Promise<string | null> => {
    reads.push(path)
    return Promise.resolve(files[path] ?? null)
  }
  return { reads, readFile }
}

const breach = (at: Finding['at'], message = 'rows changed 2.5% > max 1%'): Finding => ({
  at,
  level: 'failure',
  title: 'Datafold threshold exceeded',
  message
})

describe('locateFindings', () => {
  it('puts dbt models on their files in a project folder taken from the manifest, at the config line', async () => {
    const { readFile, reads } = reader({
      'transform/models/marts/orders.sql': ORDERS_SQL,
      'transform/models/marts/customers.sql': 'select 1'
    })
    const places: AnnotationPlaces = {
      dbt: { projectDir: null, manifest: 'transform/target/manifest.json' },
      plan: null,
      readFile
    }
    const located = await locateFindings(
      [
        breach({ model: 'models/marts/orders.sql' }),
        breach({ model: 'models/marts/orders.sql' }, 'rows removed 3 > max 0'),
        {
          ...breach({ model: 'models\\marts\\customers.sql' }),
          level: 'warning',
          title: 'Not compared'
        }
      ],
      places
    )
    expect(located).toEqual({
      annotations: [
        {
          path: 'transform/models/marts/orders.sql',
          line: 2,
          level: 'failure',
          title: 'Datafold threshold exceeded',
          message: 'rows changed 2.5% > max 1%'
        },
        expect.objectContaining({
          path: 'transform/models/marts/orders.sql',
          line: 2,
          message: 'rows removed 3 > max 0'
        }),
        expect.objectContaining({
          path: 'transform/models/marts/customers.sql',
          line: 1,
          level: 'warning'
        })
      ],
      notes: []
    })
    // Each file is read once.
    expect(reads.sort()).toEqual([
      'transform/models/marts/customers.sql',
      'transform/models/marts/orders.sql'
    ])
  })

  it('takes dbt-project-dir over the manifest place', async () => {
    const { readFile } = reader({ 'analytics/models/orders.sql': ORDERS_SQL })
    const located = await locateFindings([breach({ model: 'models/orders.sql' })], {
      dbt: { projectDir: 'analytics', manifest: 'transform/target/manifest.json' },
      plan: null,
      readFile
    })
    expect(located.annotations.map((a) => [a.path, a.line])).toEqual([
      ['analytics/models/orders.sql', 2]
    ])
  })

  it('falls back to the root when the file is not in the folder the manifest suggests', async () => {
    const { readFile } = reader({ 'models/orders.sql': ORDERS_SQL })
    const located = await locateFindings([breach({ model: 'models/orders.sql' })], {
      dbt: { projectDir: null, manifest: 'dbt/target/manifest.json' },
      plan: null,
      readFile
    })
    expect(located.annotations.map((a) => [a.path, a.line])).toEqual([['models/orders.sql', 2]])
    expect(located.notes).toEqual([])
  })

  it('annotates line 1 of an unread file, and says so with the input to set', async () => {
    const readFile = (path: string) =>
      path.includes('broken') ? Promise.reject(new Error('EACCES')) : Promise.resolve(null)
    const located = await locateFindings(
      [breach({ model: 'models/orders.sql' }), breach({ model: 'models/broken.sql' })],
      { dbt: { projectDir: null, manifest: 'artifacts/manifest.json' }, plan: null, readFile }
    )
    expect(located.annotations.map((a) => [a.path, a.line])).toEqual([
      ['models/orders.sql', 1],
      ['models/broken.sql', 1]
    ])
    expect(located.notes).toEqual([
      'Not found in the repository: 2 model files (models/orders.sql, models/broken.sql), so their annotations point at line 1 of the path the manifest gives. If the dbt project is in a folder of the repository, set `dbt-project-dir`.'
    ])
  })

  it('puts plan entries at their line of the plan file', async () => {
    const { readFile, reads } = reader({})
    const located = await locateFindings(
      [
        breach({ planEntry: 'orders' }),
        breach({ planEntry: 'events' }),
        breach({ planEntry: 'gone' })
      ],
      {
        dbt: null,
        plan: {
          file: './.github/datafold-plan.yml',
          lines: new Map([
            ['orders', 7],
            ['events', 12]
          ])
        },
        readFile
      }
    )
    expect(located.annotations.map((a) => [a.path, a.line])).toEqual([
      ['.github/datafold-plan.yml', 7],
      ['.github/datafold-plan.yml', 12],
      ['.github/datafold-plan.yml', 1]
    ])
    expect(reads).toEqual([])
  })

  it('annotates nothing of an inline plan nor of diffs given by id, and says so', async () => {
    const located = await locateFindings(
      [breach({ planEntry: 'orders' }), breach({ planEntry: 'events' }), breach(null)],
      { dbt: null, plan: { inline: true }, readFile: () => Promise.resolve(null) }
    )
    expect(located.annotations).toEqual([])
    expect(located.notes).toEqual([
      'The plan was given inline (the `plan` input), which has no file to annotate: the report lists what was found on its entries (2 findings). Keep the plan in a file (`plan-file`) to see them on its lines.',
      '1 finding with no file in this repository (diffs given by id, models of installed packages) not annotated: the report lists them.'
    ])
  })

  it('skips a model outside the repository, and a model finding when dbt mode is off', async () => {
    const located = await locateFindings(
      [breach({ model: '../elsewhere/x.sql' }), breach({ model: 'models/x.sql' })],
      { dbt: null, plan: null, readFile: () => Promise.resolve('select 1') }
    )
    expect(located.annotations).toEqual([])
    expect(located.notes).toEqual([
      expect.stringMatching(/^2 findings with no file in this repository/)
    ])
    const outside = await locateFindings([breach({ model: '../../x.sql' })], {
      dbt: { projectDir: 'dbt', manifest: 'dbt/target/manifest.json' },
      plan: null,
      readFile: () => Promise.resolve('select 1')
    })
    expect(outside.annotations).toEqual([])
  })
})
