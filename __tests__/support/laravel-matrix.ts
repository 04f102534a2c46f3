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
import { consoleReporter } from '../../src/report/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from './lab.js'
import { addMigration, breakHealth, currentLaravel, database, fixHealth, laravelSource, migrateStatus, serveCurrent, statusRow, tables, type Db, type LaravelApp } from './laravel.js'

const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
let tick = Date.parse('2026-03-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }

/** Registers the matrix for one app on the given databases (call it at the top level of a test file). */
export function laravelMatrix(app: LaravelApp, kinds: Db[] = ['sqlite', 'pgsql', 'mysql']): void {
  let lab: Lab
  // The framework version the app runs: Debian's php-laravel-framework, or what Composer locked.
  const framework = app === 'laravel8'
    ? execFileSync('php', ['-r', "require '/usr/share/php/Illuminate/autoload.php'; echo Illuminate\\Foundation\\Application::VERSION;"], { encoding: 'utf8' })
    : currentLaravel().versions['laravel/framework'].replace(/^v/, '')
  const stepBackHow = (batch: number, count: number) => Number(framework.split('.')[0]) >= 10
    ? `Laravel ${framework}: php artisan migrate:rollback --batch=${batch} (10+ rolls back one batch by its number)`
    : `Laravel ${framework}: php artisan migrate:rollback --step=${count} (no --batch before 10: the newest ${count}, checked to be exactly batch ${batch})`
  // Composer runs on the host in every deploy of the current app (the first one downloads every package).
  const timeout = app === 'current' ? 300000 : 60000
  beforeAll(async () => { lab = await startLab() })
  afterAll(() => lab.stop())

  describe.each<Db>(kinds)(`${app} (Laravel ${framework}) on %s`, (kind) => {
    let root: string
    let source: string
    let db: ReturnType<typeof database>
    let web: Awaited<ReturnType<typeof serveCurrent>>
    let log: string[] = []
    const reporter = consoleReporter((s) => log.push(s), (s) => log.push(s))
    const backup = kind === 'sqlite' ? '\nmigrate:\n  backup: "mkdir -p shared/backups && cp shared/database.sqlite shared/backups/{release}.sqlite"' : ''
    // The current app has no vendor/ in its source: the preset's composer install builds it on the host, seeded from the live release.
    const vendor = app === 'current' ? '\ncopy_from_previous: [vendor]' : ''
    const spec = () => loadSpec(writeSpec(source, `app: shop\npath: ${root}\npreset: laravel${backup}${vendor}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nsmoke:\n  - { name: health, http: "${web.url}/health", contains: '"ok":true', retries: 1, timeout: 5, deadline: 10 }\n`))
    const ran = () => db.query('select migration from migrations order by id').split('\n').filter(Boolean)
    const run = <T>(p: Promise<T>) => { log = []; return p }

    beforeAll(async () => {
      root = deployRoot()
      source = laravelSource(app)
      db = database(kind, root)
      web = await serveCurrent(root)
    })
    afterAll(() => { web.stop(); db.drop() })

    test('a good deploy runs and records its migrations; a failed health check rolls back code and exactly its batch', async () => {
      const v1 = await run(deploy({ spec: spec(), now: clock(), reporter }))
      expect(v1.smoke).toEqual([{ name: 'health', ok: true, attempts: 1, detail: 'HTTP 200' }])
      expect(record(root, v1.release).migrations).toEqual({ driver: 'laravel', batch: 1, ran: ['2024_01_01_000000_create_items_table'] })
      // The preset's caches were built in the release before the switch, by the branch its own artisan chose
      // (optimize --except=views caches events too), and it restarted workers with reload where it exists.
      const cache = join(root, 'releases', v1.release, 'bootstrap/cache')
      expect(['config.php', 'routes-v7.php', 'events.php'].filter((f) => existsSync(join(cache, f)))).toEqual(app === 'current' ? ['config.php', 'routes-v7.php', 'events.php'] : ['config.php', 'routes-v7.php'])
      expect(log.some((l) => l.includes(app === 'current' ? 'Reloading services.' : 'Broadcasting queue restart signal.'))).toBe(true)
      if (app === 'current') {
        // vendor/ was built on the host by the preset's composer install, from the lock, and the release runs that framework.
        expect(existsSync(join(source, 'vendor'))).toBe(false)
        expect(log.some((l) => l.includes('Installing dependencies from lock file'))).toBe(true)
        expect(existsSync(join(root, 'releases', v1.release, 'vendor/composer/installed.json'))).toBe(true)
        expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ ok: true, release: v1.release, laravel: framework })
      }

      addMigration(source, '2024_02_01_000000_add_price_to_items')
      const v2 = await run(deploy({ spec: spec(), now: clock(), reporter }))
      expect(record(root, v2.release)).toMatchObject({ state: 'healthy', migrations: { batch: 2, ran: ['2024_02_01_000000_add_price_to_items'] } })
      if (kind === 'sqlite') {
        // The backup ran before migrating: it holds batch 1 only.
        const copy = join(root, 'shared/backups', `${v2.release}.sqlite`)
        expect(execFileSync('sqlite3', [copy, 'select max(batch) from migrations'], { encoding: 'utf8' }).trim()).toBe('1')
      }
      expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ ok: true, release: v2.release })

      addMigration(source, '2024_02_02_000000_create_orders_table')
      breakHealth(source)
      const err = (await run(deploy({ spec: spec(), now: clock(), reporter })).catch((e) => e)) as DeployError
      expect(err).toBeInstanceOf(DeployError)
      expect(err.message).toMatch(/was rolled back to .*: smoke check failed: health: expected status 200, got 500/)
      expect(err.result).toMatchObject({ rolledBack: true, migrations: { ran: ['2024_02_02_000000_create_orders_table'], steppedBack: ['2024_02_02_000000_create_orders_table'] } })
      expect(log).toContain(`stepping back the migrations of ${err.result.release}: ${stepBackHow(3, 1)}`)
      expect(current(root)).toBe(v2.release)
      expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ ok: true, release: v2.release })
      expect(record(root, err.result.release)).toMatchObject({ state: 'failed', migrations: { stepped_back: ['2024_02_02_000000_create_orders_table'] } })
      expect(tables(kind, db)).not.toContain('orders')
      expect(ran()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
      const status = migrateStatus(root)
      expect(status).toMatch(statusRow(app, '2024_02_01_000000_add_price_to_items', 2))
      expect(status).not.toContain('create_orders_table')
      rmSync(join(source, 'database/migrations/2024_02_02_000000_create_orders_table.php'))
      fixHealth(source, app)
    }, timeout)

    test('a deploy whose second migration fails steps back the first and never switches', async () => {
      const before = current(root)
      addMigration(source, '2024_02_02_000000_create_orders_table')
      addMigration(source, '2024_02_03_000000_broken_migration')
      const err = (await run(deploy({ spec: spec(), now: clock(), reporter })).catch((e) => e)) as DeployError
      expect(err.message).toContain('failed while migrating; current is unchanged')
      expect(err.message).toContain(kind === 'mysql'
        ? 'migration 2024_02_03_000000_broken_migration failed: on mysql DDL is not transactional, so its schema changes may be PARTLY APPLIED'
        : `migration 2024_02_03_000000_broken_migration failed (on ${kind} it ran in a transaction that was rolled back)`)
      expect(err.result.migrations).toMatchObject({ ran: ['2024_02_02_000000_create_orders_table'], failed: '2024_02_03_000000_broken_migration', steppedBack: ['2024_02_02_000000_create_orders_table'] })
      expect(log).toContain(`stepping back the migrations of ${err.result.release}: ${stepBackHow(3, 1)}`)
      expect(current(root)).toBe(before)
      expect(tables(kind, db)).not.toContain('orders')
      expect(ran()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
      rmSync(join(source, 'database/migrations/2024_02_02_000000_create_orders_table.php'))
      rmSync(join(source, 'database/migrations/2024_02_03_000000_broken_migration.php'))
    }, timeout)

    test('a migration without down() is not stepped back, and the report says so', async () => {
      const before = current(root)
      addMigration(source, '2024_02_04_000000_no_down_migration')
      breakHealth(source)
      const err = (await run(deploy({ spec: spec(), now: clock(), reporter })).catch((e) => e)) as DeployError
      expect(err.result.rolledBack).toBe(true)
      expect(err.result.migrations).toMatchObject({ ran: ['2024_02_04_000000_no_down_migration'], steppedBack: [], refused: '2024_02_04_000000_no_down_migration has no down(): stepping back would delete its row without undoing it' })
      expect(err.message).toContain('migrations NOT stepped back (still applied): 2024_02_04_000000_no_down_migration')
      expect(current(root)).toBe(before)
      expect(ran()).toContain('2024_02_04_000000_no_down_migration')
    }, timeout)

    test('manual rollback lists the migrations that stay applied; --migrations steps back exactly them', async () => {
      source = laravelSource(app)
      addMigration(source, '2024_02_01_000000_add_price_to_items')
      addMigration(source, '2024_02_04_000000_no_down_migration')
      addMigration(source, '2024_02_02_000000_create_orders_table')
      const v = await run(deploy({ spec: spec(), now: clock(), reporter }))
      expect(record(root, v.release).migrations.ran).toEqual(['2024_02_02_000000_create_orders_table'])
      const back = await rollback({ spec: spec(), now: clock() })
      expect(back.migrations).toEqual({ steppedBack: [], kept: ['2024_02_02_000000_create_orders_table'] })
      expect(tables(kind, db)).toContain('orders')
      // Forward again, then back with --migrations.
      const again = await deploy({ spec: spec(), now: clock() })
      expect(record(root, again.release).migrations.ran).toEqual([])
      await rollback({ spec: spec(), to: v.release, now: clock() })
      const down = await run(rollback({ spec: spec(), now: clock(), migrations: true, reporter }))
      expect(down.migrations).toEqual({ steppedBack: ['2024_02_02_000000_create_orders_table'], kept: [] })
      expect(log).toContain(`stepping back the migrations of ${v.release}: ${stepBackHow(4, 1)}`)
      expect(tables(kind, db)).not.toContain('orders')
      expect(ran()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items', '2024_02_04_000000_no_down_migration'])
      expect(record(root, v.release)).toMatchObject({ state: 'rolled-back', migrations: { stepped_back: ['2024_02_02_000000_create_orders_table'] } })
    }, timeout)
  })
}
