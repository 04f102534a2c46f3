/** Smoke tests, automatic rollback and exact migration step-back, on a real Laravel 8 app over a real sshd. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'
import { addMigration, breakHealth, database, laravelSource, migrateStatus, serveCurrent, tables, type Db } from '../support/laravel.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
let tick = Date.parse('2026-03-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }

describe.each<Db>(['sqlite', 'pgsql', 'mysql'])('Laravel on %s', (kind) => {
  let root: string
  let source: string
  let db: ReturnType<typeof database>
  let web: Awaited<ReturnType<typeof serveCurrent>>
  const backup = kind === 'sqlite' ? '\nmigrate:\n  backup: "mkdir -p shared/backups && cp shared/database.sqlite shared/backups/{release}.sqlite"' : ''
  const spec = () => loadSpec(writeSpec(source, `app: shop\npath: ${root}\npreset: laravel${backup}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nsmoke:\n  - { name: health, http: "${web.url}/health", contains: '"ok":true', retries: 1, timeout: 5, deadline: 10 }\n`))
  const ran = () => db.query('select migration from migrations order by id').split('\n').filter(Boolean)

  beforeAll(async () => {
    root = deployRoot()
    source = laravelSource()
    db = database(kind, root)
    web = await serveCurrent(root)
  })
  afterAll(() => { web.stop(); db.drop() })

  test('a good deploy runs and records its migrations; a failed health check rolls back code and exactly its batch', async () => {
    const v1 = await deploy({ spec: spec(), now: clock() })
    expect(v1.smoke).toEqual([{ name: 'health', ok: true, attempts: 1, detail: 'HTTP 200' }])
    expect(record(root, v1.release).migrations).toEqual({ driver: 'laravel', batch: 1, ran: ['2024_01_01_000000_create_items_table'] })

    addMigration(source, '2024_02_01_000000_add_price_to_items')
    const v2 = await deploy({ spec: spec(), now: clock() })
    expect(record(root, v2.release)).toMatchObject({ state: 'healthy', migrations: { batch: 2, ran: ['2024_02_01_000000_add_price_to_items'] } })
    if (kind === 'sqlite') {
      // The backup ran before migrating: it holds batch 1 only.
      const copy = join(root, 'shared/backups', `${v2.release}.sqlite`)
      expect(execFileSync('sqlite3', [copy, 'select max(batch) from migrations'], { encoding: 'utf8' }).trim()).toBe('1')
    }
    expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ ok: true, release: v2.release })

    addMigration(source, '2024_02_02_000000_create_orders_table')
    breakHealth(source)
    const err = (await deploy({ spec: spec(), now: clock() }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toMatch(/was rolled back to .*: smoke check failed: health: expected status 200, got 500/)
    expect(err.result).toMatchObject({ rolledBack: true, migrations: { ran: ['2024_02_02_000000_create_orders_table'], steppedBack: ['2024_02_02_000000_create_orders_table'] } })
    expect(current(root)).toBe(v2.release)
    expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ ok: true, release: v2.release })
    expect(record(root, err.result.release)).toMatchObject({ state: 'failed', migrations: { stepped_back: ['2024_02_02_000000_create_orders_table'] } })
    expect(tables(kind, db)).not.toContain('orders')
    expect(ran()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
    const status = migrateStatus(root)
    expect(status).toMatch(/Yes\s+\|\s+2024_02_01_000000_add_price_to_items\s+\|\s+2/)
    expect(status).not.toContain('create_orders_table')
    rmSync(join(source, 'database/migrations/2024_02_02_000000_create_orders_table.php'))
    writeFileSync(join(source, 'app/Http/Controllers/StatusController.php'), readFileSync(join(process.cwd(), '__tests__/fixtures/laravel-app/app/Http/Controllers/StatusController.php')))
  })

  test('a deploy whose second migration fails steps back the first and never switches', async () => {
    const before = current(root)
    addMigration(source, '2024_02_02_000000_create_orders_table')
    addMigration(source, '2024_02_03_000000_broken_migration')
    const err = (await deploy({ spec: spec(), now: clock() }).catch((e) => e)) as DeployError
    expect(err.message).toContain('failed while migrating; current is unchanged')
    expect(err.message).toContain(kind === 'pgsql'
      ? 'migration 2024_02_03_000000_broken_migration failed: on pgsql Laravel runs a migration in a transaction'
      : `migration 2024_02_03_000000_broken_migration failed: on ${kind} Laravel does not run migrations in a transaction, so the statements it ran before failing stay applied (its schema changes may be PARTLY APPLIED)`)
    expect(err.result.migrations).toMatchObject({ ran: ['2024_02_02_000000_create_orders_table'], failed: '2024_02_03_000000_broken_migration', steppedBack: ['2024_02_02_000000_create_orders_table'] })
    expect(current(root)).toBe(before)
    expect(tables(kind, db)).not.toContain('orders')
    expect(ran()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
    rmSync(join(source, 'database/migrations/2024_02_02_000000_create_orders_table.php'))
    rmSync(join(source, 'database/migrations/2024_02_03_000000_broken_migration.php'))
  })

  test('a migration without down() is not stepped back, and the report says so', async () => {
    const before = current(root)
    addMigration(source, '2024_02_04_000000_no_down_migration')
    breakHealth(source)
    const err = (await deploy({ spec: spec(), now: clock() }).catch((e) => e)) as DeployError
    expect(err.result.rolledBack).toBe(true)
    expect(err.result.migrations).toMatchObject({ ran: ['2024_02_04_000000_no_down_migration'], steppedBack: [], refused: '2024_02_04_000000_no_down_migration has no down(): stepping back would delete its row without undoing it' })
    expect(err.message).toContain('migrations NOT stepped back (still applied): 2024_02_04_000000_no_down_migration')
    expect(current(root)).toBe(before)
    expect(ran()).toContain('2024_02_04_000000_no_down_migration')
  })

  test('manual rollback lists the migrations that stay applied; --migrations steps back exactly them', async () => {
    const fixed = laravelSource()
    source = fixed
    addMigration(source, '2024_02_01_000000_add_price_to_items')
    addMigration(source, '2024_02_04_000000_no_down_migration')
    addMigration(source, '2024_02_02_000000_create_orders_table')
    const v = await deploy({ spec: spec(), now: clock() })
    expect(record(root, v.release).migrations.ran).toEqual(['2024_02_02_000000_create_orders_table'])
    const back = await rollback({ spec: spec(), now: clock() })
    expect(back.migrations).toEqual({ steppedBack: [], kept: ['2024_02_02_000000_create_orders_table'] })
    expect(tables(kind, db)).toContain('orders')
    // Forward again, then back with --migrations.
    const again = await deploy({ spec: spec(), now: clock() })
    expect(record(root, again.release).migrations.ran).toEqual([])
    await rollback({ spec: spec(), to: v.release, now: clock() })
    const down = await rollback({ spec: spec(), now: clock(), migrations: true })
    expect(down.migrations).toEqual({ steppedBack: ['2024_02_02_000000_create_orders_table'], kept: [] })
    expect(tables(kind, db)).not.toContain('orders')
    expect(ran()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items', '2024_02_04_000000_no_down_migration'])
    expect(record(root, v.release)).toMatchObject({ state: 'rolled-back', migrations: { stepped_back: ['2024_02_02_000000_create_orders_table'] } })
  })
})
