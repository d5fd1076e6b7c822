// The README's pictures of the report: runs the bundled action against the demo Datafold API (as
// `npm run demo` does), renders the job-summary markdown as GitHub-flavoured Markdown with GitHub's
// own stylesheet, and takes a headless Chromium screenshot of it.
//
//   npm run screenshot          writes docs/comment-pass.png and docs/comment-fail.png
//
// Needs Chromium and an emoji font (`apt-get install -y chromium fonts-noto-color-emoji`; or set
// CHROMIUM to the browser). A developer tool:
// not part of `npm run check`, since CI has no browser.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { marked } from 'marked'
import { REPO_ROOT } from '../__fixtures__/run-action.js'
import { DEMO_DIFF_IDS, EXAMPLE_THRESHOLDS, startDemo } from './demo-datafold.js'

const CHROMIUM = process.env.CHROMIUM ?? 'chromium'
const WINDOW_WIDTH = 1040
const DOCS = join(REPO_ROOT, 'docs')

interface Shot {
  file: string
  diffIds: readonly number[]
  /** What the action must exit with, so a picture never shows a report other than the one meant. */
  expectedCode: number
}

const SHOTS: Shot[] = [
  { file: 'comment-pass.png', diffIds: [101, 104], expectedCode: 0 },
  { file: 'comment-fail.png', diffIds: DEMO_DIFF_IDS, expectedCode: 1 }
]

async function main(): Promise<void> {
  mkdirSync(DOCS, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), 'datafold-diff-gate-screenshot-'))
  const { harness, fakes } = await startDemo()
  try {
    for (const shot of SHOTS) {
      const run = await fakes.run(shot.diffIds.join(','), {
        inputs: { ...EXAMPLE_THRESHOLDS, 'wait-timeout': '1m', 'comment-mode': 'off' },
        eventName: 'workflow_dispatch'
      })
      if (run.code !== shot.expectedCode || !run.summary.includes('## ')) {
        throw new Error(
          `${shot.file}: the action exited with ${run.code} (expected ${shot.expectedCode})\n${run.stdout}\n${run.stderr}`
        )
      }
      const html = join(work, shot.file.replace(/\.png$/, '.html'))
      writeFileSync(html, page(run.summary))
      const height = measureHeight(html, work)
      screenshot(html, join(DOCS, shot.file), height, work)
      console.log(
        `docs/${shot.file}: ${WINDOW_WIDTH}×${height}, result ${run.outputs.result ?? '?'}`
      )
    }
  } finally {
    await harness.end()
    rmSync(work, { recursive: true, force: true })
  }
}

/** The report as GitHub shows a comment: GFM, GitHub's stylesheet, a 1000 px comment
 * (the report's table needs about that much before GitHub would scroll it). The failing
 * diffs' details are opened (the real comment has them collapsed) so the picture shows why. */
function page(markdown: string): string {
  const body = marked
    .parse(markdown, { gfm: true, async: false })
    .replace(/<details>(\s*<summary>❌)/g, '<details open>$1')
  const css = readFileSync(
    join(REPO_ROOT, 'node_modules', 'github-markdown-css', 'github-markdown-light.css'),
    'utf8'
  )
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>datafold-diff-gate report</title>
<style>
${css}
html, body { margin: 0; background: #ffffff; }
.comment { box-sizing: border-box; width: 1000px; margin: 16px auto; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment > header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.comment > header b { color: #1f2328; }
.markdown-body { padding: 16px 24px; border-radius: 0 0 6px 6px; font-size: 14px; } /* as in a PR comment */
/* GitHub scrolls a wide table sideways; a picture cannot, so the long text cells wrap instead. */
.markdown-body table { display: table; width: auto; max-width: 100%; }
.markdown-body td:last-child { overflow-wrap: anywhere; }
</style>
</head>
<body>
<div class="comment">
<header><b>github-actions</b> bot commented</header>
<article class="markdown-body">
${body}
</article>
</div>
<script>
document.body.setAttribute('data-height', String(Math.ceil(document.querySelector('.comment').getBoundingClientRect().bottom) + 16))
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
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--hide-scrollbars',
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

/** Lays the page out once at the screenshot's width and reads back the height it needs. */
function measureHeight(html: string, work: string): number {
  const dom = chromium(
    [`--window-size=${WINDOW_WIDTH},800`, '--dump-dom', pathToFileURL(html).href],
    work
  )
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1])
  if (!Number.isFinite(height) || height <= 0) throw new Error(`could not measure ${html}`)
  return height
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
