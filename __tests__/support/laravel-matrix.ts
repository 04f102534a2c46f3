/**
 * The Laravel end-to-end matrix, for either app (the Laravel 8 fixture or the current Laravel from Composer):
 * deploy, a failing smoke check rolled back with exact step-back, a failed migration, a refused step-back
 * (no down()), manual rollback with --migrations — on sqlite, PostgreSQL and MariaDB, over a real sshd.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from './lab.js'
import { addMigration, breakHealth, currentLaravel, database, fixHealth, laravelSource, migrateStatus, serveCurrent, statusRow, tables, type Db, type LaravelApp } from './laravel.js'

const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
let tick = Date.parse('2026-03-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }

/** One app on one database: what every scenario reads and changes (set in beforeAll). */
interface Case {
  app: LaravelApp
  kind: Db
  /** The framework version the app runs (Debian's php-laravel-framework, or what Composer locked). */
  framework: string
  lab: Lab
  root: string
  source: string
  db: ReturnType<typeof database>
  web: Awaited<ReturnType<typeof serveCurrent>>
  /** What the reporter printed during the last {@link run}. */
  log: string[]
}

// Composer runs on the host in every deploy of the current app (the first one extracts every package); Laravel 8: 120 s
// (the manual-rollback test's five operations took over 60 s once, with the install test competing for the 2 cores).
const timeout = (c: Case) => (c.app === 'current' ? 300000 : 120000)
const reporter = (c: Case) => consoleReporter((s) => c.log.push(s), (s) => c.log.push(s))
const run = <T>(c: Case, p: Promise<T>) => { c.log = []; return p }
const ran = (c: Case) => c.db.query('select migration from migrations order by id').split('\n').filter(Boolean)
const stepBackHow = (c: Case, batch: number, count: number) => Number(c.framework.split('.')[0]) >= 10
  ? `Laravel ${c.framework}: php artisan migrate:rollback --batch=${batch} (10+ rolls back one batch by its number)`
  : `Laravel ${c.framework}: php artisan migrate:rollback --step=${count} (no --batch before 10: the newest ${count}, checked to be exactly batch ${batch})`

/** The spec: the preset, a backup on sqlite, vendor/ seeded from the live release for the current app (its source has none). */
function spec(c: Case) {
  const backup = c.kind === 'sqlite' ? '\nmigrate:\n  backup: "mkdir -p shared/backups && cp shared/database.sqlite shared/backups/{release}.sqlite"' : ''
  const vendor = c.app === 'current' ? '\ncopy_from_previous: [vendor]' : ''
  return loadSpec(writeSpec(c.source, `app: shop\npath: ${c.root}\npreset: laravel${backup}${vendor}\n${hostsYaml([c.lab])}\nsource:\n  exclude: [slipway.yml]\nsmoke:\n  - { name: health, http: "${c.web.url}/health", contains: '"ok":true', retries: 1, timeout: 5, deadline: 10 }\n`))
}

/** A good deploy, then a failing health check: code back and exactly its batch stepped back. */
function smokeRollback(c: Case): void {
  test('a good deploy runs and records its migrations; a failed health check rolls back code and exactly its batch', async () => {
    const v1 = await run(c, deploy({ spec: spec(c), now: clock(), reporter: reporter(c) }))
    expect(v1.smoke).toEqual([{ name: 'health', ok: true, attempts: 1, detail: 'HTTP 200' }])
    expect(record(c.root, v1.release).migrations).toEqual({ driver: 'laravel', batch: 1, ran: ['2024_01_01_000000_create_items_table'] })
    // The preset's caches were built in the release before the switch, by the branch its own artisan chose
    // (optimize --except=views caches events too), and it restarted workers with reload where it exists.
    const cache = join(c.root, 'releases', v1.release, 'bootstrap/cache')
    expect(['config.php', 'routes-v7.php', 'events.php'].filter((f) => existsSync(join(cache, f)))).toEqual(c.app === 'current' ? ['config.php', 'routes-v7.php', 'events.php'] : ['config.php', 'routes-v7.php'])
    expect(c.log.some((l) => l.includes(c.app === 'current' ? 'Reloading services.' : 'Broadcasting queue restart signal.'))).toBe(true)
    if (c.app === 'current') {
      // vendor/ was built on the host by the preset's composer install, from the lock, and the release runs that framework.
      expect(existsSync(join(c.source, 'vendor'))).toBe(false)
      expect(c.log.some((l) => l.includes('Installing dependencies from lock file'))).toBe(true)
      expect(existsSync(join(c.root, 'releases', v1.release, 'vendor/composer/installed.json'))).toBe(true)
      expect(await (await fetch(`${c.web.url}/health`)).json()).toMatchObject({ ok: true, release: v1.release, laravel: c.framework })
    }

    addMigration(c.source, '2024_02_01_000000_add_price_to_items')
    const v2 = await run(c, deploy({ spec: spec(c), now: clock(), reporter: reporter(c) }))
    expect(record(c.root, v2.release)).toMatchObject({ state: 'healthy', migrations: { batch: 2, ran: ['2024_02_01_000000_add_price_to_items'] } })
    if (c.kind === 'sqlite') {
      // The backup ran before migrating: it holds batch 1 only.
      const copy = join(c.root, 'shared/backups', `${v2.release}.sqlite`)
      expect(execFileSync('sqlite3', [copy, 'select max(batch) from migrations'], { encoding: 'utf8' }).trim()).toBe('1')
    }
    expect(await (await fetch(`${c.web.url}/health`)).json()).toMatchObject({ ok: true, release: v2.release })

    addMigration(c.source, '2024_02_02_000000_create_orders_table')
    breakHealth(c.source)
    const err = (await run(c, deploy({ spec: spec(c), now: clock(), reporter: reporter(c) })).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toMatch(/was rolled back to .*: smoke check failed: health: expected status 200, got 500/)
    expect(err.result).toMatchObject({ rolledBack: true, migrations: { ran: ['2024_02_02_000000_create_orders_table'], steppedBack: ['2024_02_02_000000_create_orders_table'] } })
    expect(c.log).toContain(`stepping back the migrations of ${err.result.release}: ${stepBackHow(c, 3, 1)}`)
    expect(current(c.root)).toBe(v2.release)
    expect(await (await fetch(`${c.web.url}/health`)).json()).toMatchObject({ ok: true, release: v2.release })
    expect(record(c.root, err.result.release)).toMatchObject({ state: 'failed', migrations: { stepped_back: ['2024_02_02_000000_create_orders_table'] } })
    expect(tables(c.kind, c.db)).not.toContain('orders')
    expect(ran(c)).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
    const status = migrateStatus(c.root)
    expect(status).toMatch(statusRow(c.app, '2024_02_01_000000_add_price_to_items', 2))
    expect(status).not.toContain('create_orders_table')
    rmSync(join(c.source, 'database/migrations/2024_02_02_000000_create_orders_table.php'))
    fixHealth(c.source, c.app)
  }, timeout(c))
}

/** A deploy whose second migration fails: the first is stepped back, no switch. */
function failedMigration(c: Case): void {
  test('a deploy whose second migration fails steps back the first and never switches', async () => {
    const before = current(c.root)
    addMigration(c.source, '2024_02_02_000000_create_orders_table')
    addMigration(c.source, '2024_02_03_000000_broken_migration')
    const err = (await run(c, deploy({ spec: spec(c), now: clock(), reporter: reporter(c) })).catch((e) => e)) as DeployError
    expect(err.message).toContain('failed while migrating; current is unchanged')
    // It fails on its first statement: the schema read as it started and after it failed says so, on every database.
    expect(err.message).toContain('migration 2024_02_03_000000_broken_migration failed and left no trace in the schema (read as it started and after it failed: they are equal)')
    expect(err.message).toContain('\nthe schema now equals the one read before migrating (tables, columns, indexes, foreign keys)')
    expect(err.result.migrations).toMatchObject({ ran: ['2024_02_02_000000_create_orders_table'], failed: '2024_02_03_000000_broken_migration', steppedBack: ['2024_02_02_000000_create_orders_table'], left: [], schemaRestored: true })
    expect(c.log).toContain(`stepping back the migrations of ${err.result.release}: ${stepBackHow(c, 3, 1)}`)
    expect(current(c.root)).toBe(before)
    expect(tables(c.kind, c.db)).not.toContain('orders')
    expect(ran(c)).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
    rmSync(join(c.source, 'database/migrations/2024_02_02_000000_create_orders_table.php'))
    rmSync(join(c.source, 'database/migrations/2024_02_03_000000_broken_migration.php'))
  }, timeout(c))
}

/** A migration without down(): not stepped back, and the report says so. */
function refusedStepBack(c: Case): void {
  test('a migration without down() is not stepped back, and the report says so', async () => {
    const before = current(c.root)
    addMigration(c.source, '2024_02_04_000000_no_down_migration')
    breakHealth(c.source)
    const err = (await run(c, deploy({ spec: spec(c), now: clock(), reporter: reporter(c) })).catch((e) => e)) as DeployError
    expect(err.result.rolledBack).toBe(true)
    expect(err.result.migrations).toMatchObject({ ran: ['2024_02_04_000000_no_down_migration'], steppedBack: [], refused: '2024_02_04_000000_no_down_migration has no down(): stepping back would delete its row without undoing it' })
    expect(err.message).toContain('migrations NOT stepped back (still applied): 2024_02_04_000000_no_down_migration')
    expect(current(c.root)).toBe(before)
    expect(ran(c)).toContain('2024_02_04_000000_no_down_migration')
  }, timeout(c))
}

/** Manual rollback: without --migrations the report lists what stays applied; with it, exactly those are stepped back. */
function manualRollback(c: Case): void {
  test('manual rollback lists the migrations that stay applied; --migrations steps back exactly them', async () => {
    c.source = laravelSource(c.app)
    addMigration(c.source, '2024_02_01_000000_add_price_to_items')
    addMigration(c.source, '2024_02_04_000000_no_down_migration')
    addMigration(c.source, '2024_02_02_000000_create_orders_table')
    const v = await run(c, deploy({ spec: spec(c), now: clock(), reporter: reporter(c) }))
    expect(record(c.root, v.release).migrations.ran).toEqual(['2024_02_02_000000_create_orders_table'])
    const back = await rollback({ spec: spec(c), now: clock() })
    expect(back.migrations).toEqual({ steppedBack: [], kept: ['2024_02_02_000000_create_orders_table'] })
    expect(tables(c.kind, c.db)).toContain('orders')
    // Forward again, then back with --migrations.
    const again = await deploy({ spec: spec(c), now: clock() })
    expect(record(c.root, again.release).migrations.ran).toEqual([])
    await rollback({ spec: spec(c), to: v.release, now: clock() })
    const down = await run(c, rollback({ spec: spec(c), now: clock(), migrations: true, reporter: reporter(c) }))
    expect(down.migrations).toEqual({ steppedBack: ['2024_02_02_000000_create_orders_table'], kept: [] })
    expect(c.log).toContain(`stepping back the migrations of ${v.release}: ${stepBackHow(c, 4, 1)}`)
    expect(tables(c.kind, c.db)).not.toContain('orders')
    expect(ran(c)).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items', '2024_02_04_000000_no_down_migration'])
    expect(record(c.root, v.release)).toMatchObject({ state: 'rolled-back', migrations: { stepped_back: ['2024_02_02_000000_create_orders_table'] } })
  }, timeout(c))
}

/** Registers the matrix for one app on the given databases (call it at the top level of a test file). */
export function laravelMatrix(app: LaravelApp, kinds: Db[] = ['sqlite', 'pgsql', 'mysql']): void {
  const framework = app === 'laravel8'
    ? execFileSync('php', ['-r', "require '/usr/share/php/Illuminate/autoload.php'; echo Illuminate\\Foundation\\Application::VERSION;"], { encoding: 'utf8' })
    : currentLaravel().versions['laravel/framework'].replace(/^v/, '')
  let lab: Lab
  beforeAll(async () => { lab = await startLab() })
  afterAll(() => lab.stop())
  describe.each<Db>(kinds)(`${app} (Laravel ${framework}) on %s`, (kind) => {
    const c = { app, kind, framework, log: [] } as unknown as Case
    beforeAll(async () => {
      c.lab = lab
      c.root = deployRoot()
      c.source = laravelSource(app)
      c.db = database(kind, c.root)
      c.web = await serveCurrent(c.root)
    })
    afterAll(() => { c.web.stop(); c.db.drop() })
    smokeRollback(c)
    failedMigration(c)
    refusedStepBack(c)
    manualRollback(c)
  })
}
