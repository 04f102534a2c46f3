/** The host-side rollback choice (bash, run here for real) agrees with pickTarget, and edits records safely. */
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ReleaseRecord } from '../../src/commands/history.js'
import { layout } from '../../src/commands/layout.js'
import { selectTarget, switchToTarget } from '../../src/commands/select.js'
import { script } from '../../src/commands/shell.js'
import { pickTarget } from '../../src/deploy/rollback.js'

const M = { marker: '@@m@@' }

function host(records: ReleaseRecord[], current?: string) {
  const root = mkdtempSync(join(tmpdir(), 'select-'))
  const l = layout(root)
  mkdirSync(l.records, { recursive: true })
  for (const r of records) {
    mkdirSync(join(l.releases, r.id), { recursive: true })
    writeFileSync(join(l.records, `${r.id}.json`), JSON.stringify(r) + '\n')
  }
  if (current) symlinkSync(`releases/${current}`, l.current)
  return l
}

function run(commands: string[]) {
  const r = spawnSync('bash', ['-c', script(commands)], { encoding: 'utf8' })
  return { code: r.status, target: r.stdout.match(/@@m@@data:target:(.*)/)?.[1], err: r.stderr.trim() }
}

const rec = (id: string, state: ReleaseRecord['state'], extra: Partial<ReleaseRecord> = {}): ReleaseRecord => ({ id, state, created_at: 't', updated_at: 't', by: 'dev', ...extra })

describe('host-side rollback target', () => {
  const histories: Array<[ReleaseRecord[], string, string | undefined]> = [
    [[rec('20260101000000', 'healthy'), rec('20260101000001', 'failed'), rec('20260101000002', 'healthy')], '20260101000002', undefined],
    [[rec('20260101000000', 'healthy'), rec('20260101000000.01', 'healthy'), rec('20260101000001', 'healthy')], '20260101000001', undefined],
    [[rec('20260101000000', 'rolled-back'), rec('20260101000001', 'healthy'), rec('20260101000002', 'live')], '20260101000001', undefined],
    [[rec('20260101000000', 'healthy'), rec('20260101000001', 'healthy')], '20260101000001', '20260101000000'],
    [[rec('20260101000000', 'failed'), rec('20260101000001', 'healthy')], '20260101000001', '20260101000000'],
    [[rec('20260101000000', 'healthy')], '20260101000000', undefined],
    [[rec('20260101000000', 'healthy')], '20260101000000', 'nope']
  ]
  test.each(histories)('agrees with pickTarget (%#)', (records, current, to) => {
    const out = run(selectTarget(M, host(records, current), to))
    let expected: string | Error
    try {
      expected = pickTarget({ records, current }, to).id
    } catch (error) {
      expected = error as Error
    }
    if (typeof expected === 'string') expect(out).toEqual({ code: 0, target: expected, err: '' })
    else {
      expect(out.code).toBe(76)
      expect(out.err.split(' ').slice(0, 3)).toEqual(expected.message.split(' ').slice(0, 3))
    }
  })

  test('marks the release left rolled-back with a valid JSON record, whatever the names hold', () => {
    const old = rec('20260101000000', 'healthy')
    const left = rec('20260101000001', 'healthy', { note: 'said "hi" \\ there', commit: 'abc' })
    const l = host([old, left], left.id)
    const by = `o'brien & "ops"/x %s`
    const out = run([...selectTarget(M, l, undefined), ...switchToTarget(l, by, '2026-05-05T00:00:00.000Z', { before: 'T shop rollback ', after: ` by ${by}: manual, from ` })])
    expect(out.code).toBe(0)
    expect(JSON.parse(readFileSync(join(l.records, `${left.id}.json`), 'utf8'))).toEqual({ ...left, state: 'rolled-back', updated_at: '2026-05-05T00:00:00.000Z', note: `rolled back to ${old.id} by ${by}` })
    expect(readFileSync(l.audit, 'utf8')).toBe(`T shop rollback ${old.id} by ${by}: manual, from ${left.id}\n`)
  })
})
