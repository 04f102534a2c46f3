/** Restore points: the pure decisions (which point, which records, what is lost) and the exact host commands. */
import { describe, expect, test } from '@jest/globals'
import type { ReleaseRecord, RestorePoint } from '../../src/commands/history.js'
import { layout } from '../../src/commands/layout.js'
import { render } from '../../src/commands/shell.js'
import { notReverted } from '../../src/deploy/caveats.js'
import { describeLoss, formatSize, pointForRollback, restoredRecords } from '../../src/deploy/points.js'
import { dbMode } from '../../src/deploy/rollback-db.js'
import { checkDb } from '../../src/cli/db.js'
import { readPoint, restorePointCommands, snapshotByCommand } from '../../src/migrations/points.js'
import { parseSpec } from '../../src/spec/load.js'

const point = (at: string, file = '/srv/app/.slipway/points/x.sqlite'): RestorePoint => ({ engine: 'sqlite', file, size: 2048, at, ms: 120, tables: { items: 3, migrations: 1 } })
const rec = (id: string, extra: Partial<ReleaseRecord> = {}): ReleaseRecord => ({ id, state: 'healthy', created_at: `${id}-created`, updated_at: '', by: 'x', ...extra })
const ran = (...names: string[]) => ({ migrations: { driver: 'laravel', batch: 1, ran: names } })

describe('which point a rollback restores', () => {
  const history = [rec('01'), rec('02', ran()), rec('03', { ...ran('add_price'), restore_point: point('T3') }), rec('04', { ...ran('add_orders'), restore_point: point('T4') })]
  test('the point taken before the oldest deploy rolled over that changed the database', () => {
    expect(pointForRollback(history, '01', '04').id).toBe('03')
    expect(pointForRollback(history, '03', '04').id).toBe('04')
  })
  test('refused when a deploy in between ran migrations without a point, or nothing changed', () => {
    const gap = [rec('01'), rec('02', ran('a')), rec('03', { ...ran('b'), restore_point: point('T3') })]
    expect(() => pointForRollback(gap, '01', '03')).toThrow('release 02 ran migrations (a) but has no restore point, so no point holds the database as 01 used it. Nothing was changed. Fix: --db stepback, or restore by hand')
    expect(() => pointForRollback([rec('01'), rec('02')], '01', '02')).toThrow('no release rolled over (01 → 02) took a restore point or ran migrations that are still applied')
  })
  test('a restore marks the point restored and every later release migrations as no longer applied', () => {
    const out = restoredRecords(history, '03', 'NOW', 'ana')
    expect(out.map((r) => r.id)).toEqual(['03', '04'])
    expect(out[0]).toMatchObject({ restore_point: { restored_at: 'NOW', restored_by: 'ana' }, migrations: { stepped_back: ['add_price'], stepped_back_at: 'NOW', note: 'undone by restoring the point taken before 03' } })
    expect(out[1].migrations).toMatchObject({ stepped_back: ['add_orders'] })
    expect(out[1].restore_point?.restored_at).toBeUndefined()
  })
})

describe('what a restore reports as lost', () => {
  test('row counts per table, now against the point', () => {
    expect(describeLoss(point('2026-01-01T00:00:00Z'), { ok: true, before: { items: 5, audits: 1, migrations: 2 }, after: { items: 3, migrations: 1, gone: 4 } })).toEqual([
      'writes made since 2026-01-01T00:00:00Z (when the point was taken) are gone',
      'table audits: created since, dropped with its 1 row',
      'table gone: dropped since, back with 4 rows',
      'table items: 5 rows before the restore, 3 at the point (2 rows written since: lost)',
      'table migrations: 2 rows before the restore, 1 at the point (1 row written since: lost)'
    ])
  })
  test('the command provider counts nothing, and says so', () => {
    expect(describeLoss({ ...point('T'), engine: 'command' }, { ok: true })).toEqual(['writes made since T (when the point was taken) are gone', 'rows per table: not counted (db.restore commands report no row counts)'])
  })
  test('sizes', () => {
    expect([formatSize(512), formatSize(2048), formatSize(104857600)]).toEqual(['512 B', '2.0 KB', '100.0 MB'])
  })
})

describe('rollback --db', () => {
  test('keep by default; --migrations is stepback; contradictions and unknown modes are refused', () => {
    expect(dbMode({})).toBe('keep')
    expect(dbMode({ migrations: true })).toBe('stepback')
    expect(dbMode({ db: 'restore' })).toBe('restore')
    expect(() => dbMode({ db: 'restore', migrations: true })).toThrow('--migrations means --db stepback and contradicts --db restore')
    expect(() => dbMode({ db: 'drop' })).toThrow('--db "drop" is not a mode. Fix: use keep (the default), stepback or restore')
  })
  test('slipway db: points, or restore with a release id; anything else refused before connecting', () => {
    expect(checkDb('db', ['points'])).toEqual(['points'])
    expect(checkDb('db', ['restore', '20260101000000'])).toEqual(['restore', '20260101000000'])
    expect(() => checkDb('db', ['restore', '../x'])).toThrow('db restore "../x": not a release id. Fix: give an id from slipway db points')
    expect(() => checkDb('db', ['drop'])).toThrow('usage: slipway db points [--json] | slipway db restore <release>')
  })
})

describe('commands', () => {
  const l = layout('/srv/app')
  const m = { marker: '@@m@@' }
  test('db.snapshot: timed, {time} filled in on the host (inside quotes too), reported as data point', () => {
    const text = snapshotByCommand(m, l, '01', "neon snap --name '{release} at {time}' --out {file}").map(render)
    expect(text[1]).toBe('[ -d /srv/app/.slipway/points ] || mkdir -p /srv/app/.slipway/points')
    expect(text[3]).toBe(`slipway_cmd='neon snap --name '\\''01 at {time}'\\'' --out /srv/app/.slipway/points/01.point'; slipway_cmd=\${slipway_cmd//'{time}'/$SLIPWAY_TIME}`)
    expect(text[4]).toBe('(cd /srv/app && eval "$slipway_cmd")')
    expect(text[7]).toBe(`printf '%s%s\\n' @@m@@data:point: "$point"`)
  })
  test('db.restore: the point values filled in; records only when it worked', () => {
    const p = { ...point('2026-01-01T00:00:00Z', '/srv/app/.slipway/points/01.point'), engine: 'command' as const }
    const text = restorePointCommands(m, l, '01', p, { kind: 'command', snapshot: 's', restore: 'neon restore --to {time} # {release} {file}' }, undefined, '00', [{ raw: 'RECORDS' }]).map(render)
    expect(text[1]).toBe(`if (cd /srv/app && neon restore --to 2026-01-01T00:00:00Z # 01 /srv/app/.slipway/points/01.point); then restored='{"ok":true,"engine":"command"}'; printf '%s%s\\n' @@m@@data:restored: "$restored"; RECORDS; else restored='{"ok":false,"error":"db.restore failed (its output is above)"}'; printf '%s%s\\n' @@m@@data:restored: "$restored"; fi`)
  })
  test('a point report: taken, skipped or failed', () => {
    expect(readPoint('{"engine":"pgsql","file":"/p/01.pgdump","size":10,"at":"T","ms":5,"tables":{"items":2}}')).toEqual({ point: { engine: 'pgsql', file: '/p/01.pgdump', size: 10, at: 'T', ms: 5, tables: { items: 2 } } })
    expect(readPoint('{"skipped":"no built-in restore point for sqlsrv"}')).toEqual({ skipped: 'no built-in restore point for sqlsrv' })
    expect(readPoint('{"error":"RuntimeException: pg_dump is not installed"}')).toEqual({ error: 'RuntimeException: pg_dump is not installed' })
    expect(readPoint(undefined)).toBeUndefined()
  })
})

describe('caveats, per rollback', () => {
  const spec = parseSpec('app: shop\npath: /srv/app\nhosts: [{ host: h, user: u, host_key: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }]\nshared: { files: [.env, config.json] }\n', '/tmp/slipway.yml')
  const target = rec('01', { created_at: '2026-01-01T00:00:00.000Z' })
  test('which migrations stay applied, the point and its age, the shared files changed since the target', () => {
    const lines = notReverted(spec, { now: new Date('2026-01-01T03:05:00Z'), target, kept: ['add_price'], steppedBack: [], point: rec('02', { restore_point: point('2026-01-01T01:00:00Z') }), shared: [{ file: '.env', changed: '2026-01-01T02:00:00.000Z' }, { file: 'config.json', changed: '2025-12-01T00:00:00.000Z' }] })
    expect(lines[0]).toBe('the database: migrations that stay applied: add_price (--db stepback steps them back); a restore point taken before 02 exists (2026-01-01T01:00:00Z, 2 h 5 min old, sqlite): slipway db restore 02 returns the database to it, losing every write since')
    expect(lines[1]).toBe('shared files changed since 01 was deployed (2026-01-01T00:00:00.000Z) stay as they are: .env (changed 2026-01-01T02:00:00.000Z)')
  })
  test('no point, nothing changed', () => {
    const lines = notReverted(spec, { now: new Date(), target, kept: [], steppedBack: [], noPoint: 'no release rolled over (01 → 02) took a restore point', shared: [] })
    expect(lines[0]).toBe('the database: no migration of the releases rolled over is still applied; data written by the newer release stays; no restore point covers this rollback (no release rolled over (01 → 02) took a restore point)')
    expect(lines[1]).toBe('shared files (.env, config.json): none changed since 01 was deployed (2026-01-01T00:00:00.000Z)')
  })
})
