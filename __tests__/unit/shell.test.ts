import { describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { and, bash, cmd, inDir, quote, raw, script } from '../../src/commands/shell.js'

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
    expect(script(['true'])).toBe('set -euo pipefail\nexec </dev/null\ntrue')
    expect(script(['true'], true)).toBe('set -euo pipefail\ntrue')
    expect(bash('echo hi')).toBe(`bash -c 'echo hi'`)
  })
})
