/**
 * Restore points on real databases over a real sshd (the Laravel 8 fixture on sqlite, PostgreSQL and MariaDB): a deploy
 * that migrates takes one (listed by db points); rows written after it; `rollback --db restore` brings back the schema
 * and data of the point and counts the rows written since as lost; `db restore <release>` does the same on its own.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { listPoints, restoreDatabase } from '../../src/deploy/db.js'
import { deploy } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { run } from '../../src/cli/run.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'
import { addMigration, database, laravelSource, tables, type Db } from '../support/laravel.js'

const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
let tick = Date.parse('2026-04-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }
const ENGINE: Record<Db, string> = { sqlite: 'sqlite', pgsql: 'pgsql', mysql: 'mysql' }
const EXT: Record<Db, string> = { sqlite: 'sqlite', pgsql: 'pgdump', mysql: 'sql' }

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

describe.each<Db>(['sqlite', 'pgsql', 'mysql'])('restore points on %s', (kind) => {
  let root: string
  let source: string
  let db: ReturnType<typeof database>
  const log: string[] = []
  const reporter = consoleReporter((s) => log.push(s), (s) => log.push(s))
  // The preset without its build and hooks (caches, composer, reloads): nothing here depends on them, and deploys stay quick.
  const spec = () => loadSpec(specFile())
  const specFile = () => writeSpec(source, `app: shop\npath: ${root}\npreset: laravel\nbuild: []\nactivate: []\nrollback_hooks: []\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`)
  const items = () => Number(db.query('select count(*) from items'))
  const columns = () => db.query(kind === 'sqlite' ? "select name from pragma_table_info('items') order by name" : kind === 'pgsql' ? "select column_name from information_schema.columns where table_name = 'items' order by column_name" : "select column_name from information_schema.columns where table_schema = database() and table_name = 'items' order by column_name").split('\n')
  const insert = (n: number) => { for (let i = 0; i < n; i++) db.query("insert into items (name) values ('row')") }
  beforeAll(() => {
    root = deployRoot()
    source = laravelSource('laravel8')
    db = database(kind, root)
  })
  afterAll(() => db.drop())

  test('a deploy that migrates takes a restore point; rollback --db restore brings back its schema and data and counts what is lost', async () => {
    const v1 = await deploy({ spec: spec(), now: clock() })
    insert(3)
    addMigration(source, '2024_02_01_000000_add_price_to_items')
    log.length = 0
    const v2 = await deploy({ spec: spec(), now: clock(), reporter })
    const point = record(root, v2.release).restore_point
    expect(point).toMatchObject({ engine: ENGINE[kind], file: join(root, '.slipway/points', `${v2.release}.${EXT[kind]}`), tables: { items: 3, migrations: 1 } })
    expect(point.size).toBeGreaterThan(0)
    expect(v2.restorePoint).toEqual(point)
    expect(existsSync(point.file)).toBe(true)
    expect(log.some((l) => l.startsWith(`restore point: ${ENGINE[kind]}, `) && l.includes(point.file))).toBe(true)
    expect(columns()).toContain('price')
    const listed = await listPoints({ spec: spec() })
    expect(listed.points.map((p) => [p.release, p.engine, p.onHost])).toEqual([[v2.release, ENGINE[kind], point.size], [v1.release, ENGINE[kind], record(root, v1.release).restore_point.size]])
    const out: string[] = []
    expect(await run(['db', 'points', '--spec', specFile()], { out: (t) => out.push(t), err: (t) => out.push(t), cwd: source })).toBe(0)
    expect(out.join('\n')).toMatch(new RegExp(`\\* +${v2.release.replace('.', '\\.')} +healthy +${ENGINE[kind]} +\\S+ \\S+ +[0-9.]+ [KM]?B +[0-9.]+ s +${point.file}`))

    insert(2)
    log.length = 0
    const back = await rollback({ spec: spec(), now: clock(), db: 'restore', reporter })
    expect(current(root)).toBe(v1.release)
    expect(items()).toBe(3)
    expect(columns()).not.toContain('price')
    expect(db.query('select migration from migrations')).toBe('2024_01_01_000000_create_items_table')
    expect(back.db).toEqual({ mode: 'restore', restored: { release: v2.release, at: point.at, file: point.file }, lost: [`writes made since ${point.at} (when the point was taken) are gone`, 'table items: 5 rows before the restore, 3 at the point (2 rows written since: lost)', 'table migrations: 2 rows before the restore, 1 at the point (1 row written since: lost)'] })
    expect(back.migrations.kept).toEqual([])
    expect(back.notReverted[0]).toBe(`the database: restored to the point taken before ${v2.release} (${point.at}); what was written since is gone (counted above)`)
    expect(record(root, v2.release)).toMatchObject({ state: 'rolled-back', migrations: { stepped_back: ['2024_02_01_000000_add_price_to_items'] }, restore_point: { restored_by: expect.any(String) } })
    expect(log.join('\n')).toContain('2 rows written since: lost')
  }, 120000)

  test('db restore <release> restores that point (again) under the lock, dropping what was created since', async () => {
    const v2 = (await listPoints({ spec: spec() })).points[0]
    insert(1)
    db.query(kind === 'mysql' ? 'create table audits (id int)' : 'create table audits (id integer)')
    db.query('insert into audits values (1)')
    const r = await restoreDatabase({ spec: spec(), release: v2.release, now: clock() })
    expect(r.lost).toEqual([`writes made since ${r.point.at} (when the point was taken) are gone`, 'table audits: created since, dropped with its 1 row', 'table items: 4 rows before the restore, 3 at the point (1 row written since: lost)'])
    expect(r.undone).toEqual([])
    expect(items()).toBe(3)
    expect(tables(kind, db)).toEqual(['items', 'migrations'])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    expect(readFileSync(join(root, '.slipway/audit.log'), 'utf8')).toContain(`db restore ${v2.release}`)
    await expect(restoreDatabase({ spec: spec(), release: '20200101000000' })).rejects.toThrow('release 20200101000000 has no restore point')
  }, 120000)
})

describe('db.snapshot / db.restore commands (a custom driver, no Laravel)', () => {
  test('a point per migrating deploy with {release}/{time}/{file} filled in; db restore and rollback --db restore run it under the deploy lock', async () => {
    const root = deployRoot()
    const source = appDir({ names: 'a\n' })
    hostWrite(join(root, 'shared/applied'), '')
    const spec = () => loadSpec(writeSpec(source, `app: shop
path: ${root}
${hostsYaml([lab])}
source: { exclude: [slipway.yml] }
migrate:
  commands:
    run: cp names ../../shared/applied
    status: cat ../../shared/applied
    step_back: "true"
db:
  snapshot: cp shared/applied {file} && echo '{release} {time}' > shared/snapshot-{release}.txt
  restore: cp .slipway/lock/owner.json shared/lock-seen.json && cp {file} shared/applied
`))
    const applied = () => readFileSync(join(root, 'shared/applied'), 'utf8')
    await deploy({ spec: spec(), now: clock() })
    writeFileSync(join(source, 'names'), 'a\nb\n')
    const v2 = await deploy({ spec: spec(), now: clock() })
    const point = record(root, v2.release).restore_point
    expect(point).toMatchObject({ engine: 'command', file: join(root, '.slipway/points', `${v2.release}.point`), size: 2 })
    expect(readFileSync(join(root, `shared/snapshot-${v2.release}.txt`), 'utf8')).toBe(`${v2.release} ${point.at}\n`)
    expect(point.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    writeFileSync(join(root, 'shared/applied'), 'a\nb\nc\n')

    const r = await restoreDatabase({ spec: spec(), release: v2.release, now: clock() })
    expect(applied()).toBe('a\n')
    expect(JSON.parse(readFileSync(join(root, 'shared/lock-seen.json'), 'utf8'))).toMatchObject({ app: 'shop', operation: 'db restore' })
    expect(r).toMatchObject({ undone: ['b'], lost: [`writes made since ${point.at} (when the point was taken) are gone`, 'rows per table: not counted (db.restore commands report no row counts)'] })
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)

    writeFileSync(join(root, 'shared/applied'), 'a\nb\n')
    const back = await rollback({ spec: spec(), now: clock(), db: 'restore' })
    expect(applied()).toBe('a\n')
    expect(JSON.parse(readFileSync(join(root, 'shared/lock-seen.json'), 'utf8'))).toMatchObject({ operation: 'rollback' })
    expect(back.db.restored).toEqual({ release: v2.release, at: point.at, file: point.file })
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
  }, 60000)
})
