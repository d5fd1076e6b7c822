// The files the inputs name are read only when their real path is a regular file inside the
// workspace, within their size, and a plan only as UTF-8: on a real directory tree (links, a named
// pipe, /dev/zero), and with a file system that changes between the check and the read.
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FileRefused,
  MAX_PLAN_BYTES,
  openManifest,
  readPlanFile,
  type InputFiles
} from '../../src/input-files.js'

const root = mkdtempSync(join(tmpdir(), 'input-files-'))
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})
const workspace = join(root, 'workspace')
const outside = join(root, 'outside')
mkdirSync(join(workspace, '.github'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(workspace, '.github', 'plan.yml'), 'diffs: []\n')
writeFileSync(join(workspace, 'bom-crlf.yml'), '\uFEFFdefaults:\r\n  filter: café\r\n')
writeFileSync(join(workspace, 'latin1.yml'), Buffer.from('filter: caf\xe9\n', 'latin1'))
writeFileSync(join(workspace, 'big.yml'), Buffer.alloc(MAX_PLAN_BYTES + 1, 0x20))
writeFileSync(join(outside, 'plan.yml'), 'diffs: []\n')
symlinkSync(join(outside, 'plan.yml'), join(workspace, 'out-link.yml'))
symlinkSync('.github/plan.yml', join(workspace, 'in-link.yml'))
symlinkSync('/dev/zero', join(workspace, 'zero.yml'))
symlinkSync('loop-b.yml', join(workspace, 'loop-a.yml'))
symlinkSync('loop-a.yml', join(workspace, 'loop-b.yml'))
execFileSync('mkfifo', [join(workspace, 'pipe.yml')])
mkdirSync(join(workspace, 'folder.yml'))
writeFileSync(join(workspace, 'manifest.json'), '{"metadata": {}}')

const files: InputFiles = {
  workspace,
  fs: { realpath, stat, readFile, stream: (path) => createReadStream(path) }
}

async function refusal(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => null,
    (e: unknown) => e
  )
  if (!(error instanceof FileRefused)) throw new Error(`expected FileRefused, got ${String(error)}`)
  return error.message
}

async function manifestBytes(path: string): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of openManifest(path, files)) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

describe('a plan file', () => {
  it('reads a file of the workspace, through a link that stays inside', async () => {
    expect(await readPlanFile('.github/plan.yml', files)).toBe('diffs: []\n')
    expect(await readPlanFile('in-link.yml', files)).toBe('diffs: []\n')
    expect(await readPlanFile(join(workspace, '.github/plan.yml'), files)).toBe('diffs: []\n')
  })

  it('drops a byte-order mark and keeps CRLF line ends', async () => {
    expect(await readPlanFile('bom-crlf.yml', files)).toBe('defaults:\r\n  filter: café\r\n')
  })

  it.each([
    [
      'out-link.yml',
      /^outside the workspace \(.*\): it is .*outside\/plan\.yml; only the repository's files are read$/
    ],
    ['../outside/plan.yml', /^outside the workspace/],
    ['zero.yml', /^outside the workspace \(.*\): it is \/dev\/zero/],
    ['pipe.yml', /^a named pipe, not a regular file$/],
    ['folder.yml', /^a directory, not a regular file$/],
    ['missing.yml', /^no such file$/],
    ['loop-a.yml', /^a loop of symbolic links$/],
    ['big.yml', /^1,048,577 bytes, more than the 1 MB this input may hold$/],
    ['latin1.yml', /^not UTF-8 text: save the plan as UTF-8$/]
  ])('refuses %s: %s', async (path, message) => {
    expect(await refusal(readPlanFile(path, files))).toMatch(message)
  })

  it('refuses a file that grew past the limit between the check and the read', async () => {
    const growing: InputFiles = {
      workspace,
      fs: {
        ...files.fs,
        readFile: () => Promise.resolve(new Uint8Array(MAX_PLAN_BYTES + 1))
      }
    }
    expect(await refusal(readPlanFile('.github/plan.yml', growing))).toMatch(
      /^1,048,577 bytes, more than the 1 MB/
    )
  })

  it('refuses a device inside the workspace as what it is', async () => {
    const device: InputFiles = {
      workspace,
      fs: {
        ...files.fs,
        stat: () =>
          Promise.resolve({
            size: 0,
            isFile: () => false,
            isDirectory: () => false,
            isFIFO: () => false,
            isCharacterDevice: () => true,
            isBlockDevice: () => false,
            isSocket: () => false
          })
      }
    }
    expect(await refusal(readPlanFile('.github/plan.yml', device))).toBe(
      'a device, not a regular file'
    )
  })
})

describe('a manifest', () => {
  it('streams a file of the workspace', async () => {
    expect(await manifestBytes('manifest.json')).toBe('{"metadata": {}}')
  })

  it('is checked before a byte is read: a link out of the workspace, a pipe', async () => {
    expect(await refusal(manifestBytes('out-link.yml'))).toMatch(/^outside the workspace/)
    expect(await refusal(manifestBytes('pipe.yml'))).toBe('a named pipe, not a regular file')
  })
})
