// A workflow names a release (`@v1.1.0`) and reads its CHANGELOG entry: the newest release must
// name every input the README shows, and the version must be one number everywhere it is written.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { yamlBlocks } from '../../__fixtures__/readme-run.js'
import { USER_AGENT } from '../../src/http/user-agent.js'

const inputNames = Object.keys(
  (parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs
)
const changelog = readFileSync('CHANGELOG.md', 'utf8')

/** The README and the pages under docs/ (where the README's sections are moving). */
function userDocs(): string {
  const pages = readdirSync('docs', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => readFileSync(join('docs', file), 'utf8'))
  return [readFileSync('README.md', 'utf8'), ...pages].join('\n')
}

/** The newest release's version and its section, up to the next release heading. */
export function newestRelease(markdown: string): { version: string; text: string } {
  const heading = /^## \[(\d+\.\d+\.\d+)\][^\n]*$/m.exec(markdown)
  if (!heading?.[1]) throw new Error('CHANGELOG.md has no "## [X.Y.Z]" release')
  const rest = markdown.slice(heading.index + heading[0].length)
  const end = rest.search(/^## \[/m)
  return { version: heading[1], text: end === -1 ? rest : rest.slice(0, end) }
}

/** The action's inputs a page names: as keys of a `with:` block, or in backticks. */
export function inputsNamed(markdown: string, inputs: readonly string[]): string[] {
  const named = new Set<string>()
  for (const block of yamlBlocks(markdown)) {
    for (const match of block.matchAll(/^\s+([a-z][a-z0-9-]*):/gm)) named.add(match[1] ?? '')
  }
  for (const match of markdown.matchAll(/`([a-z][a-z0-9-]*)`/g)) named.add(match[1] ?? '')
  return inputs.filter((name) => named.has(name))
}

/** The inputs a release section does not name in backticks. */
export function unnamed(section: string, inputs: readonly string[]): string[] {
  return inputs.filter((name) => !section.includes(`\`${name}\``))
}

describe('CHANGELOG.md', () => {
  const newest = newestRelease(changelog)

  it('keeps an [Unreleased] section above the newest release', () => {
    expect(changelog.indexOf('## [Unreleased]')).toBeGreaterThan(-1)
    expect(changelog.indexOf('## [Unreleased]')).toBeLessThan(
      changelog.indexOf(`## [${newest.version}]`)
    )
  })

  it('names, in its newest release, every input the README shows', () => {
    const shown = inputsNamed(userDocs(), inputNames)
    // The README shows most inputs; an empty list would mean the search above is broken.
    expect(shown.length).toBeGreaterThan(20)
    expect(unnamed(newest.text, shown)).toEqual([])
  })

  it('has a compare link for every release and for [Unreleased]', () => {
    const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\]/gm)].map((m) => m[1] ?? '')
    expect(changelog).toContain(
      `[Unreleased]: https://github.com/datafold-diff-gate/datafold-diff-gate/compare/v${newest.version}...HEAD`
    )
    versions.slice(0, -1).forEach((version, i) => {
      expect(changelog).toContain(
        `[${version}]: https://github.com/datafold-diff-gate/datafold-diff-gate/compare/v${versions[i + 1] ?? ''}...v${version}`
      )
    })
  })

  it('names the version package.json, package-lock.json and the user agent carry', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      version: string
      packages: Record<string, { version?: string }>
    }
    expect(pkg.version).toBe(newest.version)
    expect(lock.version).toBe(newest.version)
    expect(lock.packages['']?.version).toBe(newest.version)
    expect(USER_AGENT).toBe(`datafold-diff-gate/${newest.version}`)
  })
})

describe('the checks themselves', () => {
  it('find inputs in with: blocks and backticks, and a release that leaves one out', () => {
    const page = [
      'Set `plan-file`, or:',
      '```yaml',
      '- uses: datafold-diff-gate/datafold-diff-gate@v1',
      '  with:',
      '    api-key: ${{ secrets.KEY }}',
      '```',
      'Not an input: `pr`.'
    ].join('\n')
    const inputs = ['api-key', 'plan-file', 'title']
    expect(inputsNamed(page, inputs)).toEqual(['api-key', 'plan-file'])
    expect(unnamed('Added `plan-file`.', ['api-key', 'plan-file'])).toEqual(['api-key'])
  })

  it('take the first release heading below [Unreleased] as the newest', () => {
    const text =
      '## [Unreleased]\n\n- `a`\n\n## [2.0.0] - 2027-01-01\n\n- `b`\n\n## [1.0.0]\n\n- `c`\n'
    expect(newestRelease(text)).toEqual({ version: '2.0.0', text: '\n\n- `b`\n\n' })
  })
})
