// The README's pictures of the report: runs the bundled action against the demo Datafold API and a
// fake GitHub, takes the comment body it posted, renders it as GitHub does (cmark-gfm with GitHub's
// extensions, GitHub's stylesheet unmodified, a 780 px comment column) and takes a headless
// Chromium screenshot. It fails when a table of the comment is wider than the column, since GitHub
// would then make the reader scroll it sideways.
//
//   npm run screenshot                     writes every picture of SHOTS to docs/
//   npm run screenshot -- comment-150.png  writes only the pictures named
//   SCREENSHOT_DIR=docs/before npm run screenshot   writes them elsewhere (pictures of another bundle)
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
import { reportMarker, type FakeGitHub } from '../__fixtures__/fake-github.js'
import type { Harness, RunOptions } from '../__fixtures__/harness.js'
import { planRun } from '../__fixtures__/plan-run.js'
import {
  ALL_PASS,
  caseSummaries,
  FIRST_PUSH,
  keylessProject,
  MANY_TABLES,
  NEXT_PUSH,
  type PlanCase
} from '../__fixtures__/report-cases.js'
import { REPO_ROOT, type ActionRun } from '../__fixtures__/run-action.js'
import {
  DEMO_DIFF_IDS,
  EXAMPLE_THRESHOLDS,
  paymentsChanged,
  startDemoPullRequest
} from './demo-datafold.js'

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

/** A picture: the runs that make it (the last one's comment is pictured), each a function of the
 * fakes and a scratch folder, and what the last run must exit with, so that a picture never shows a
 * report other than the one meant. */
interface Shot {
  file: string
  /** What the picture shows, for the log and the README's alt text. */
  about: string
  runs: ((context: ShotContext) => RunOptions & { diffIds?: string })[]
  expectedCode: number
}

interface ShotContext {
  harness: Harness
  github: FakeGitHub
  work: string
  /** The shot's own comment key, so that no shot reads another's report. */
  key: string
}

/** The thresholds of the demo, with a comment of the shot's own. */
const demoRun =
  (diffIds: readonly number[], extra: Record<string, string> = {}) =>
  ({ key }: ShotContext) => ({
    diffIds: diffIds.join(','),
    inputs: { ...EXAMPLE_THRESHOLDS, 'comment-key': key, ...extra }
  })

/** A plan's run at its commit, with the demo's thresholds. */
const planCaseRun =
  (planCase: PlanCase) =>
  ({ harness, github, key }: ShotContext) =>
    planRun(
      harness,
      github,
      planCase.plan,
      { ...EXAMPLE_THRESHOLDS, 'comment-key': key },
      planCase.sha
    )

/** dbt mode on manifests written to a workspace under `work`: the action reads no file outside
 * its workspace. */
const dbtRun =
  (pair: () => { prod: object; pr: object }, plan = '') =>
  ({ work, key }: ShotContext) => {
    const workspace = mkdtempSync(join(work, 'dbt-'))
    writeManifests(pair(), workspace)
    return {
      inputs: {
        ...EXAMPLE_THRESHOLDS,
        'comment-key': key,
        'dbt-prod-manifest': 'prod/manifest.json',
        'dbt-manifest': 'target/manifest.json',
        'data-source': 'warehouse',
        ...(plan === '' ? {} : { plan })
      },
      env: { GITHUB_WORKSPACE: workspace }
    }
  }

const SHOTS: Shot[] = [
  {
    file: 'comment-pass.png',
    about: 'two diffs within their limits, one of them sampled',
    runs: [demoRun([101, 104])],
    expectedCode: 0
  },
  {
    file: 'comment-fail.png',
    about: 'the demo: one diff over its limits, one Datafold could not diff, one cross-database',
    runs: [demoRun(DEMO_DIFF_IDS)],
    expectedCode: 1
  },
  {
    file: 'comment-dbt.png',
    about: 'dbt mode: three changed models compared, three not',
    runs: [
      dbtRun(
        () => changedProject(12, { adapter: 'snowflake' }),
        'rules:\n  - match: { name: customers }\n    max-rows-changed: 5%\n'
      )
    ],
    expectedCode: 1
  },
  {
    file: 'comment-dbt-keyless.png',
    about: 'dbt mode: three changed models, two of them without a key',
    runs: [dbtRun(keylessProject)],
    expectedCode: 0
  },
  {
    file: 'comment-150.png',
    about: '150 tables: 3 over their limits, 2 Datafold could not diff',
    runs: [planCaseRun(MANY_TABLES)],
    expectedCode: 1
  },
  {
    file: 'comment-all-pass.png',
    about: '12 tables, all within their limits',
    runs: [planCaseRun(ALL_PASS)],
    expectedCode: 0
  },
  {
    file: 'comment-new-push.png',
    about: 'the 12 tables re-run on a new commit: one fixed, one better, one newly over',
    runs: [planCaseRun(FIRST_PUSH), planCaseRun(NEXT_PUSH)],
    expectedCode: 1
  }
]

interface TableWidth {
  header: string
  scrollWidth: number
  clientWidth: number
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const outDir = process.env.SCREENSHOT_DIR ?? DOCS
  mkdirSync(outDir, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-screenshot-'))
  const { harness, fakes } = await startDemoPullRequest(
    caseSummaries([MANY_TABLES, ALL_PASS, FIRST_PUSH, NEXT_PUSH], paymentsChanged)
  )
  const renderer = markdownRenderer()
  console.log(`Markdown rendered with ${renderer.name}`)
  try {
    for (const shot of SHOTS.filter((s) => only.length === 0 || only.includes(s.file))) {
      const key = shot.file.replace(/\.png$/, '')
      let run: ActionRun | null = null
      for (const runOf of shot.runs) {
        const { diffIds = '', ...options } = runOf({ harness, github: fakes.github, work, key })
        run = await fakes.run(diffIds, {
          ...options,
          inputs: { 'wait-timeout': '1m', 'comment-mode': 'update', ...options.inputs },
          timeoutMs: 300_000
        })
      }
      const posted = fakes.github
        .commentsOn()
        .find((c) => c.body.startsWith(reportMarker(key)))?.body
      if (run === null || run.code !== shot.expectedCode || posted === undefined) {
        throw new Error(
          `${shot.file}: the action exited with ${run?.code ?? '?'} (expected ${shot.expectedCode}) and posted ${posted === undefined ? 'no comment' : 'its report'}\n${run?.stdout ?? ''}\n${run?.stderr ?? ''}`
        )
      }
      // SCREENSHOT_MARKDOWN=dir keeps each comment's markdown, to read beside its picture.
      const keep = process.env.SCREENSHOT_MARKDOWN
      if (keep) writeFileSync(join(keep, shot.file.replace(/\.png$/, '.md')), posted)
      const html = join(work, shot.file.replace(/\.png$/, '.html'))
      writeFileSync(html, page(renderer.render(posted)))
      const { height, closedHeight, problemsEnd, tables } = measure(html, work)
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
      screenshot(html, join(outDir, shot.file), height, work)
      console.log(
        [
          `${shot.file}: ${shot.about}; result ${run.outputs.result ?? '?'}`,
          `  ${closedHeight} px as posted (every section collapsed), ${height} px as pictured (problems' sections open)`,
          `  the last problem row or error reason ends at ${problemsEnd} px`,
          ...widths.map((w) => `  ${w}`)
        ].join('\n')
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
const bottom = () => Math.ceil(document.querySelector('.comment').getBoundingClientRect().bottom) + ${MARGIN}
const height = bottom()
const opened = [...document.querySelectorAll('details[open]')]
for (const d of opened) d.open = false
const closedHeight = bottom()
// Where the last row of a diff that failed or could not be checked ends, as posted.
const problemRows = [...document.querySelectorAll('.markdown-body tr')].filter((tr) =>
  /^(❌|⚠️)/u.test(tr.querySelector('td')?.textContent.trim() ?? '')
)
const problemsEnd = Math.max(0, ...problemRows.map((tr) => Math.ceil(tr.getBoundingClientRect().bottom)))
for (const d of opened) d.open = true
const closed = [...document.querySelectorAll('details:not([open])')]
for (const d of closed) d.open = true
const tables = [...document.querySelectorAll('.markdown-body table')].map((t) => ({
  header: [...t.querySelectorAll('th')].map((th) => th.textContent.trim()).join(' | '),
  scrollWidth: t.scrollWidth,
  clientWidth: t.clientWidth
}))
for (const d of closed) d.open = false
document.body.setAttribute('data-measures', encodeURIComponent(JSON.stringify({ height, closedHeight, problemsEnd, tables })))
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
interface Measures {
  /** The comment as pictured, problems' sections open. */
  height: number
  /** The comment as posted: every section collapsed. */
  closedHeight: number
  /** Where the last table row of a problem ends (0: none). */
  problemsEnd: number
  tables: TableWidth[]
}

function measure(html: string, work: string): Measures {
  const dom = chromium(
    [`--window-size=${WINDOW_WIDTH},800`, '--dump-dom', pathToFileURL(html).href],
    work
  )
  const encoded = /data-measures="([^"]*)"/.exec(dom)?.[1]
  if (!encoded) throw new Error(`could not measure ${html}`)
  const measures = JSON.parse(decodeURIComponent(encoded)) as Measures
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
