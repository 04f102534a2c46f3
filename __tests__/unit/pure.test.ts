import { describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ReleaseRecord } from '../../src/commands/history.js'
import { nextReleaseId } from '../../src/deploy/id.js'
import { pickTarget } from '../../src/deploy/rollback.js'
import { migrationCell } from '../../src/report/table.js'
import { excluder } from '../../src/deploy/source.js'
import { fingerprint, keyType, verifyKnownHosts, verifyPinned } from '../../src/remote/known-hosts.js'

const rec = (id: string, state: ReleaseRecord['state'] = 'healthy'): ReleaseRecord => ({ id, state, created_at: '', updated_at: '', by: 'x' })

describe('release ids', () => {
  const now = new Date('2026-11-22T01:02:03.456Z')
  test('UTC seconds, then a suffix when the second is taken', () => {
    expect(nextReleaseId(now, [])).toBe('20261122010203')
    expect(nextReleaseId(now, ['20261122010202'])).toBe('20261122010203')
    expect(nextReleaseId(now, ['20261122010203'])).toBe('20261122010203.01')
    expect(nextReleaseId(now, ['20261122010203', '20261122010203.01'])).toBe('20261122010203.02')
    expect(nextReleaseId(now, ['20261122010300'])).toBe('20261122010300.01')
    const ids = ['20261122010203', '20261122010203.01', '20261122010203.02', '20261122010204']
    expect([...ids].sort()).toEqual(ids)
  })
})

// keep_releases: __tests__/unit/cleanup.test.ts

describe('rollback target', () => {
  const state = { records: [rec('01'), rec('02', 'failed'), rec('03'), rec('04')], current: '04' }
  test('newest healthy older than current, skipping failed ones', () => {
    expect(pickTarget(state, undefined).id).toBe('03')
    expect(pickTarget({ ...state, current: '03' }, undefined).id).toBe('01')
    expect(pickTarget(state, '01').id).toBe('01')
  })
  test('explains refusals', () => {
    expect(() => pickTarget(state, '02')).toThrow('release 02 is marked failed')
    expect(() => pickTarget(state, '09')).toThrow('release 09 is not in the history. Fix: pick one of: 01, 02, 03, 04')
    expect(() => pickTarget(state, '04')).toThrow('already current')
    expect(() => pickTarget({ records: [rec('01')], current: '01' }, undefined)).toThrow('no healthy release older than 01')
  })
})

describe('release table', () => {
  test('the migrations column says what a release ran and whether it was stepped back', () => {
    expect(migrationCell(rec('01'))).toBe('-')
    expect(migrationCell({ ...rec('01'), migrations: { driver: 'laravel', batch: 2, ran: ['a', 'b'] } })).toBe('2 ran')
    expect(migrationCell({ ...rec('01'), migrations: { driver: 'laravel', batch: 2, ran: ['a'], stepped_back: ['a'] } })).toBe('1 ran, stepped back')
    expect(migrationCell({ ...rec('01'), migrations: { driver: 'laravel', ran: [], failed: 'x' } })).toBe('failed: x')
  })
})

describe('source excludes', () => {
  test('bare names match at any depth; paths match from the root; globs', () => {
    const skip = excluder(['.git', 'node_modules', 'storage/logs', '*.log', 'tests/**/fixtures'])
    expect(skip('.git')).toBe(true)
    expect(skip('web/node_modules/x.js')).toBe(true)
    expect(skip('storage/logs/a')).toBe(true)
    expect(skip('app/storage/logs')).toBe(false)
    expect(skip('a/b/debug.log')).toBe(true)
    expect(skip('tests/unit/deep/fixtures/f.php')).toBe(true)
    expect(skip('app/Models/User.php')).toBe(false)
  })
})

describe('host keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-'))
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')])
  const [type, b64] = readFileSync(join(dir, 'k.pub'), 'utf8').split(' ')
  const blob = Buffer.from(b64, 'base64')
  const printed = execFileSync('ssh-keygen', ['-lf', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1]

  test('fingerprint and type match ssh-keygen', () => {
    expect(fingerprint(blob)).toBe(printed)
    expect(keyType(blob)).toBe(type)
  })
  test('known_hosts: plain, [host]:port, hashed, unknown and changed', () => {
    expect(verifyKnownHosts(`[10.0.0.5]:2222 ${type} ${b64}`, '10.0.0.5', 2222, blob)).toEqual({ ok: true })
    expect(verifyKnownHosts(`example.com,10.0.0.5 ${type} ${b64}`, '10.0.0.5', 22, blob)).toEqual({ ok: true })
    const salt = randomBytes(20)
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h]:2200').digest('base64')}`
    expect(verifyKnownHosts(`${hashed} ${type} ${b64}`, 'h', 2200, blob)).toEqual({ ok: true })
    expect(verifyKnownHosts(`other ${type} ${b64}`, 'h', 22, blob)).toEqual({ ok: false, reason: 'unknown', type, fingerprint: printed })
    const otherKey = Buffer.from(blob); otherKey[otherKey.length - 1] ^= 1
    expect(verifyKnownHosts(`h ${type} ${otherKey.toString('base64')}`, 'h', 22, blob)).toMatchObject({ ok: false, reason: 'changed' })
    expect(verifyKnownHosts(`[h]:22 ${type} ${b64}`, 'h', 2222, blob)).toMatchObject({ ok: false, reason: 'unknown' })
  })
  test('pinned fingerprint', () => {
    expect(verifyPinned(printed, blob)).toEqual({ ok: true })
    expect(verifyPinned('SHA256:' + 'A'.repeat(43), blob)).toMatchObject({ ok: false, reason: 'changed' })
  })
})
