import { describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { and, cmd, inDir, quote, raw } from '../../src/commands/shell.js'
import { phaseText } from '../../src/remote/script.js'

const nasty = [
  '', ' ', 'plain', "it's", '"double"', '$(touch /tmp/pwned)', '`id`', '$HOME', '${IFS}', 'a;b', 'a&&b', 'a|b', 'a>b', '<x',
  '\\', '\\\'', "'", "''", '*', '?', '[a]', '~', '!', '#comment', 'tab\there', 'new\nline', 'ünïcödé', '-rf', '--', '%s', "'; rm -rf / #"
]

describe('quote', () => {
  test.each(nasty)('round-trips %j through a real bash unchanged', (value) => {
    const out = execFileSync('bash', ['-c', `printf '%s' ${quote(value)}`], { encoding: 'utf8' })
    expect(out).toBe(value)
  })

  test('leaves safe words bare and quotes the rest', () => {
    expect(quote('/var/www/shop')).toBe('/var/www/shop')
    expect(quote("it's")).toBe(`'it'\\''s'`)
    expect(quote('')).toBe(`''`)
    expect(() => quote('a\0b')).toThrow(/NUL/)
  })

  test('cmd quotes every string part and passes raw parts through', () => {
    expect(cmd('mkdir', '-p', '/srv/my app')).toBe(`mkdir -p '/srv/my app'`)
    expect(cmd('echo', raw('$HOME'), '$HOME')).toBe(`echo $HOME '$HOME'`)
  })

  test('combinators', () => {
    expect(and(cmd('a'), cmd('b'))).toBe('a && b')
    expect(inDir('/x y', 'ls')).toBe(`(cd '/x y' && ls)`)
  })

  test('a phase is a strict-mode subshell closed by an end line; stdin is closed unless it reads the upload', () => {
    const m = { marker: '@@m@@' }
    expect(phaseText(m, ['true'])).toBe(`{ (\nset -euo pipefail\ntrue\n) </dev/null\nprintf '%s%s\\n' @@m@@end: "$?"\n}\n`)
    expect(phaseText(m, ['true'], true)).toBe(`{ (\nset -euo pipefail\ntrue\n)\nprintf '%s%s\\n' @@m@@end: "$?"\n}\n`)
  })

  test('phases sent one after the other over one bash -s each end with their own exit code, and an upload reads the rest of stdin', () => {
    const m = { marker: '@@m@@' }
    const input = phaseText(m, ['echo one', 'false', 'echo never']) + phaseText(m, ['echo two']) + phaseText(m, ['cat'], true) + 'payload line\n'
    const out = execFileSync('bash', ['-s'], { input, encoding: 'utf8' })
    expect(out).toBe('one\n@@m@@end:1\ntwo\n@@m@@end:0\npayload line\n@@m@@end:0\n')
  })
})
