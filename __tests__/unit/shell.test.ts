import { describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { and, cmd, inDir, or, pipe, quote, raw, render, sh, when } from '../../src/commands/shell.js'
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
    expect(render(cmd('mkdir', '-p', '/srv/my app'))).toBe(`mkdir -p '/srv/my app'`)
    expect(render(cmd('echo', raw('$HOME'), '$HOME'))).toBe(`echo $HOME '$HOME'`)
  })

  test('combinators render to exact text', () => {
    expect(render(and(cmd('a'), cmd('b')))).toBe('a && b')
    expect(render(or(cmd('a'), pipe(cmd('b'), cmd('c', 'd e'))))).toBe(`a || b | c 'd e'`)
    expect(render(inDir('/x y', raw('ls')))).toBe(`(cd '/x y' && ls)`)
    expect(render(when(sh`[ -d ${'/a b'} ]`, [cmd('x')]))).toBe(`if [ -d '/a b' ]; then x; fi`)
    expect(render(when(raw('true'), [cmd('x'), cmd('y')], [cmd('z')]))).toBe('if true; then x; y; else z; fi')
    expect(render(sh`printf %s ${"it's"} > ${'/tmp/f'} && ${cmd('ls', '-l')}`)).toBe(`printf %s 'it'\\''s' > /tmp/f && ls -l`)
  })

  test.each(nasty.filter((v) => v !== ''))('a value in a sh hole reaches bash unchanged: %j', (value) => {
    expect(execFileSync('bash', ['-c', render(sh`printf '%s' ${value}`)], { encoding: 'utf8' })).toBe(value)
  })

  test('a phase is a strict-mode subshell closed by an end line; stdin is closed unless it reads the upload', () => {
    const m = { marker: '@@m@@' }
    expect(phaseText(m, [raw('true')])).toBe(`{ (\nset -euo pipefail\nexport COLUMNS="\${COLUMNS:-80}" LINES="\${LINES:-50}"\ntrue\n) </dev/null\nprintf '%s%s\\n' @@m@@end: "$?"\n}\n`)
    expect(phaseText(m, [raw('true')], true)).toBe(`{ (\nset -euo pipefail\nexport COLUMNS="\${COLUMNS:-80}" LINES="\${LINES:-50}"\ntrue\n)\nprintf '%s%s\\n' @@m@@end: "$?"\n}\n`)
  })

  test('phases sent one after the other over one bash -s each end with their own exit code, and an upload reads the rest of stdin', () => {
    const m = { marker: '@@m@@' }
    const input = phaseText(m, ['echo one', 'false', 'echo never'].map(raw)) + phaseText(m, [raw('echo two')]) + phaseText(m, [raw('cat')], true) + 'payload line\n'
    const out = execFileSync('bash', ['-s'], { input, encoding: 'utf8' })
    expect(out).toBe('one\n@@m@@end:1\ntwo\n@@m@@end:0\npayload line\n@@m@@end:0\n')
  })
})
