import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { actionLog } from '../../src/action/log.js'
import { parseLog } from './support/runner.js'

let out = ''
const original = process.stdout.write.bind(process.stdout)
beforeEach(() => {
  out = ''
  process.stdout.write = ((chunk: string | Uint8Array) => { out += String(chunk); return true }) as typeof process.stdout.write
})
afterEach(() => { process.stdout.write = original })

describe('actionLog: the wire format', () => {
  test('groups, remote lines inside a stop-commands region, our commands outside it; inner groups become headings', async () => {
    const log = actionLog(undefined, 'tok')
    await log.group('Prepare release 1', async () => {
      log.line('web-1', '::error::pwned', 'stdout')
      log.line('web-1', 'npm WARN x', 'stderr')
      log.debug('3 commands')
      await log.group('Migrate', async () => log.info('two\nlines'))
    })
    log.warn('careful\n::error::not a command')
    log.info('done')
    log.resume()
    log.commands('::notice file=a.php,line=1::n\n')
    expect(out).toBe([
      '::group::Prepare release 1',
      '::stop-commands::tok',
      '[web-1] ::error::pwned',
      '[web-1] (stderr) npm WARN x',
      '::tok::',
      '::debug::3 commands',
      '::stop-commands::tok',
      '── Migrate',
      'two',
      'lines',
      '::tok::',
      '::endgroup::',
      '::warning::careful%0A::error::not a command',
      '::stop-commands::tok',
      'done',
      '::tok::',
      '::notice file=a.php,line=1::n',
      ''
    ].join('\n'))
    const parsed = parseLog(out)
    expect(parsed.commands.map((c) => c.name)).toEqual(['group', 'stop-commands', 'debug', 'stop-commands', 'endgroup', 'warning', 'stop-commands', 'notice'])
    expect(parsed.text).toContain('[web-1] ::error::pwned')
  })

  test('a group whose body throws still ends the group, after leaving the stop-commands region', async () => {
    const log = actionLog(undefined, 'tok')
    await expect(log.group('Switch', async () => {
      log.line('h', 'x', 'stdout')
      throw new Error('boom')
    })).rejects.toThrow('boom')
    expect(out).toBe('::group::Switch\n::stop-commands::tok\n[h] x\n::tok::\n::endgroup::\n')
  })

  test('every run gets its own unguessable token', () => {
    actionLog().info('a')
    actionLog().info('b')
    const tokens = [...out.matchAll(/::stop-commands::([0-9a-f]+)/g)].map((m) => m[1])
    expect(tokens).toHaveLength(2)
    expect(tokens[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(tokens[0]).not.toBe(tokens[1])
  })
})
