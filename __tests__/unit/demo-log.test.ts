// The demo shows the action's workflow commands as a runner's job log does, never the protocol.
import { describe, expect, it } from '@jest/globals'
import { runnerLogLine } from '../../scripts/demo-log.js'

describe('runnerLogLine', () => {
  it.each([
    ['a plain line stays as it is', 'Checking 5 data diffs', 'Checking 5 data diffs'],
    ['a line with :: inside stays', 'see http://x::y', 'see http://x::y'],
    ['a mask is not shown', '::add-mask::demo-key', null],
    ['a debug line is not shown', '::debug::Error: boom%0A    at run', null],
    ['the end of a group is not shown', '::endgroup::', null],
    ['a group is a heading', '::group::Fetching diffs', '▸ Fetching diffs'],
    ['a warning', '::warning::diff 103: not measured', 'Warning: diff 103: not measured'],
    ['a notice', '::notice::all clear', 'Notice: all clear'],
    [
      'an error shows its title',
      '::error title=Datafold threshold exceeded::diff 102: rows-removed 37 (0.08%25) > max 0',
      'Error (Datafold threshold exceeded): diff 102: rows-removed 37 (0.08%) > max 0'
    ],
    [
      'a message decodes %0A, %0D and %25, and only those',
      '::error::2 exceeded:%0A  a 1%25%0D%0A  b%3A%2C',
      'Error: 2 exceeded:\n  a 1%\r\n  b%3A%2C'
    ],
    ['%25 is decoded once', '::warning::100%2525', 'Warning: 100%25'],
    [
      'a property decodes %3A and %2C as well',
      '::warning title=a%3A b%2C c%25::m',
      'Warning (a: b, c%): m'
    ],
    [
      'a file and line are shown after the title',
      '::error title=Bad,file=src/a.ts,line=3,col=7::m',
      'Error (Bad, src/a.ts:3:7): m'
    ],
    ['the command name is case-insensitive', '::WARNING::m', 'Warning: m'],
    ['an empty message', '::error::', 'Error: '],
    ['an unknown command is shown as it came', '::frobnicate::x', '::frobnicate::x']
  ])('%s', (_behaviour, line, shown) => {
    expect(runnerLogLine(line)).toBe(shown)
  })
})
