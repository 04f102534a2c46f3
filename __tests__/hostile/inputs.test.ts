/**
 * More than 100 malformed specs and CLI inputs, run through the CLI in-process against a real sshd: each exits 2
 * with a message that names file:line:col and the key, prints no stack trace, connects nowhere (the sshd log
 * shows no new connection) and leaves the deploy root empty.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { USAGE } from '../../src/cli/usage.js'
import { deployRoot, startLab, type Lab } from '../support/lab.js'
import { BASE, cli, connections, position, workspace, type Row } from './harness.js'
import { moreRows } from './rows-more.js'
import { specRows } from './rows-spec.js'

let lab: Lab
let root: string
beforeAll(async () => {
  lab = await startLab()
  root = deployRoot()
  delete process.env.SLIPWAY_SSH_KEY
})
afterAll(() => lab.stop())

const rows = [...specRows, ...moreRows]
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('hostile input is refused before connecting', () => {
  test('the table has more than 100 rows, each named once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(100)
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length)
  })

  test.each(rows.map((r): [string, Row] => [r.name, r]))('%s', async (_name, row) => {
    const before = connections(lab)
    const { dir, text, fill } = workspace(row, lab, root)
    const r = await cli(row.argv ?? ['deploy'], dir)
    if (process.env.HOSTILE_DUMP) process.stderr.write(`== ${row.name}\n${r.err}\n`)
    expect({ code: r.code, out: r.out }).toEqual({ code: 2, out: '' })
    if (row.at === null) {
      expect(r.err).toContain(row.key)
      expect(r.err).toContain(row.says)
    } else {
      const at = row.at === '*' ? '\\d+:\\d+' : escape(position(text, fill(row.at)))
      const head = new RegExp(`${escape(join(dir, 'slipway.yml'))}:${at}: ${escape(row.key)}${row.prefix ? '' : ': '}`)
      const lines = r.err.split('\n').filter((l) => head.test(l))
      expect({ lines, err: r.err }).toEqual({ lines: expect.arrayContaining([expect.stringContaining(row.says)]), err: r.err })
    }
    expect(r.err).not.toMatch(/\n\s+at .*:\d+:\d+\)?$/m)
    // At most the reason and the usage text (an unknown option or command prints it): never a stack or a dump.
    expect(r.err.split('\n').length).toBeLessThanOrEqual(USAGE.split('\n').length + 4)
    expect(connections(lab)).toBe(before)
    expect(readdirSync(root)).toEqual([])
  })

  test('control: the same spec, valid, connects and deploys (so the checks above could fail)', async () => {
    const before = connections(lab)
    const { dir } = workspace({ name: 'valid', spec: BASE, key: '', at: null, says: '' }, lab, root)
    const r = await cli(['deploy'], dir)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(connections(lab)).toBeGreaterThan(before)
    expect(existsSync(join(root, 'current/index.html'))).toBe(true)
  })
})
