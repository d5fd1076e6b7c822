// The README's pictures of the report: runs the bundled action against the demo Datafold API and a
// fake GitHub, takes the comment body it posted, renders it as GitHub does (cmark-gfm with GitHub's
// extensions, GitHub's stylesheet unmodified, a 780 px comment column) and takes a headless
// Chromium screenshot. It fails when a table of the comment is wider than the column, since GitHub
// would then make the reader scroll it sideways.
//
//   npm run screenshot   writes docs/comment-pass.png, docs/comment-fail.png and docs/comment-dbt.png
//
// Needs Chromium, Debian's cmark-gfm (else it falls back to marked in GFM mode, and says so) and an
// emoji font: `apt-get install -y chromium cmark-gfm fonts-noto-color-emoji` (or set CHROMIUM to
// the browser). A developer tool: not part of `npm run check`, since CI has no browser.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { marked } from 'marked'
import { changedProject, writeManifests } from '../__fixtures__/dbt-manifests.js'
import { REPO_ROOT } from '../__fixtures__/run-action.js'
import { DEMO_DIFF_IDS, EXAMPLE_THRESHOLDS, startDemoPullRequest } from './demo-datafold.js'

const CHROMIUM = process.env.CHROMIUM ?? 'chromium'
/** A PR conversation column: the comment's `.markdown-body`, GitHub's padding included. */
const COLUMN = 780
const PADDING = 10
const MARGIN = 16
const WINDOW_WIDTH = COLUMN + 2 + 2 * MARGIN
const DOCS = join(REPO_ROOT, 'docs')
const STYLESHEET = join(
  REPO_ROOT,
  'node_modules',
  'github-markdown-css',
  'github-markdown-light.css'
)

interface Shot {
  file: string
  diffIds: readonly number[]
  /** dbt mode, on the end-to-end tests' project in which three models changed. */
  dbt?: boolean
  /** What the action must exit with, so a picture never shows a report other than the one meant. */
  expectedCode: number
}

const SHOTS: Shot[] = [
  { file: 'comment-pass.png', diffIds: [101, 104], expectedCode: 0 },
  { file: 'comment-fail.png', diffIds: DEMO_DIFF_IDS, expectedCode: 1 },
  { file: 'comment-dbt.png', diffIds: [], expectedCode: 1, dbt: true }
]

/** dbt mode's inputs: the manifests written under `work`, and a rule for the customers. */
function dbtInputs(work: string): Record<string, string> {
  const { prod, pr } = writeManifests(changedProject(12, { adapter: 'snowflake' }), work)
  return {
    'dbt-prod-manifest': prod,
    'dbt-manifest': pr,
    'data-source': 'warehouse',
    plan: 'rules:\n  - match: { name: customers }\n    max-rows-changed: 5%\n'
  }
}

interface TableWidth {
  header: string
  scrollWidth: number
  clientWidth: number
}

async function main(): Promise<void> {
  mkdirSync(DOCS, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-screenshot-'))
  const { harness, fakes } = await startDemoPullRequest()
  const renderer = markdownRenderer()
  console.log(`Markdown rendered with ${renderer.name}`)
  try {
    for (const shot of SHOTS) {
      const run = await fakes.run(shot.diffIds.join(','), {
        inputs: {
          ...EXAMPLE_THRESHOLDS,
          ...(shot.dbt ? dbtInputs(work) : {}),
          'wait-timeout': '1m',
          'comment-mode': 'update'
        },
        // The manifests are written there: the action reads no file outside its workspace.
        ...(shot.dbt ? { env: { GITHUB_WORKSPACE: work } } : {})
      })
      const posted = fakes.github.commentsOn().at(-1)?.body
      if (run.code !== shot.expectedCode || !posted?.includes('## ')) {
        throw new Error(
          `${shot.file}: the action exited with ${run.code} (expected ${shot.expectedCode}) and posted ${posted === undefined ? 'no comment' : 'a comment without a report'}\n${run.stdout}\n${run.stderr}`
        )
      }
      const html = join(work, shot.file.replace(/\.png$/, '.html'))
      writeFileSync(html, page(renderer.render(posted)))
      const { height, tables } = measure(html, work)
      const tooWide = tables.filter((t) => t.scrollWidth > t.clientWidth)
      const widths = tables.map(
        (t, i) =>
          `table ${i + 1} (${t.header}): ${t.scrollWidth} px of ${t.clientWidth} px${tooWide.includes(t) ? ', too wide' : ''}`
      )
      if (tooWide.length) {
        throw new Error(
          `${shot.file}: GitHub would make the reader scroll sideways, a table is wider than the ${COLUMN - 2 * PADDING} px column:\n  ${widths.join('\n  ')}`
        )
      }
      screenshot(html, join(DOCS, shot.file), height, work)
      console.log(
        `docs/${shot.file}: ${WINDOW_WIDTH}×${height}, result ${run.outputs.result ?? '?'}\n  ${widths.join('\n  ')}`
      )
    }
  } finally {
    await harness.end()
    rmSync(work, { recursive: true, force: true })
  }
}

/** GitHub's engine, cmark-gfm with the extensions GitHub turns on; marked in GFM mode without it. */
function markdownRenderer(): { name: string; render: (markdown: string) => string } {
  const args = [
    '--unsafe',
    '-e',
    'table',
    '-e',
    'autolink',
    '-e',
    'strikethrough',
    '-e',
    'tagfilter'
  ]
  const cmark = (markdown: string) =>
    spawnSync('cmark-gfm', args, { input: markdown, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const probe = cmark('')
  if (probe.error || probe.status !== 0)
    return {
      name: 'marked (GFM), as cmark-gfm is missing',
      render: (md) => marked.parse(md, { gfm: true, async: false })
    }
  return {
    name: `cmark-gfm ${args.join(' ')}`,
    render: (markdown) => {
      const result = cmark(markdown)
      if (result.status !== 0)
        throw new Error(`cmark-gfm exited with ${result.status}: ${result.stderr}`)
      return result.stdout
    }
  }
}

/** The comment as GitHub shows it, with the sections of the diffs that fail or could not be
 * checked, and why dbt's models were compared, opened (the posted comment has every section
 * collapsed). The page measures itself: its
 * height as pictured, then, with every section open, the width each table needs (scrollWidth) and
 * the width it is given (clientWidth). */
function page(body: string): string {
  const opened = body.replace(/<details>(\s*<summary>(?:❌|⚠️|Why))/g, '<details open>$1')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>datafold-diff-gate report</title>
<style>
${readFileSync(STYLESHEET, 'utf8')}
</style>
<style>
html, body { margin: 0; background: #ffffff; }
.comment { width: ${COLUMN}px; margin: ${MARGIN}px; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment > header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.comment > header b { color: #1f2328; }
.markdown-body { box-sizing: border-box; width: ${COLUMN}px; padding: ${PADDING}px; border-radius: 0 0 6px 6px; }
</style>
</head>
<body>
<div class="comment">
<header><b>github-actions</b> bot commented</header>
<article class="markdown-body">
${opened}
</article>
</div>
<script>
const height = Math.ceil(document.querySelector('.comment').getBoundingClientRect().bottom) + ${MARGIN}
const closed = [...document.querySelectorAll('details:not([open])')]
for (const d of closed) d.open = true
const tables = [...document.querySelectorAll('.markdown-body table')].map((t) => ({
  header: [...t.querySelectorAll('th')].map((th) => th.textContent.trim()).join(' | '),
  scrollWidth: t.scrollWidth,
  clientWidth: t.clientWidth
}))
for (const d of closed) d.open = false
document.body.setAttribute('data-measures', encodeURIComponent(JSON.stringify({ height, tables })))
</script>
</body>
</html>
`
}

function chromium(args: string[], work: string): string {
  const profile = mkdtempSync(join(work, 'profile-'))
  const result = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      ...args
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }
  )
  rmSync(profile, { recursive: true, force: true })
  if (result.error) {
    throw new Error(
      `could not run ${CHROMIUM} (${result.error.message}); install it with ` +
        '`apt-get install -y chromium` or set CHROMIUM to its path'
    )
  }
  if (result.status !== 0)
    throw new Error(`${CHROMIUM} exited with ${result.status}: ${result.stderr}`)
  return result.stdout
}

/** Lays the page out once at the screenshot's width (`--dump-dom`) and reads back its measures. */
function measure(html: string, work: string): { height: number; tables: TableWidth[] } {
  const dom = chromium(
    [`--window-size=${WINDOW_WIDTH},800`, '--dump-dom', pathToFileURL(html).href],
    work
  )
  const encoded = /data-measures="([^"]*)"/.exec(dom)?.[1]
  if (!encoded) throw new Error(`could not measure ${html}`)
  const measures = JSON.parse(decodeURIComponent(encoded)) as {
    height: number
    tables: TableWidth[]
  }
  if (!(measures.height > 0)) throw new Error(`could not measure ${html}`)
  return measures
}

function screenshot(html: string, png: string, height: number, work: string): void {
  chromium(
    [`--screenshot=${png}`, `--window-size=${WINDOW_WIDTH},${height}`, pathToFileURL(html).href],
    work
  )
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
