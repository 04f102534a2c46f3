/** Test support: the two Laravel apps as deploy sources (Debian's Laravel 8 fixture, a current Laravel from Composer), their databases, and a web server on `current`. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { freePort, hostWrite, LAB_USER } from './lab.js'

const fixtures = join(process.cwd(), '__tests__/fixtures')

/** Which app: the Laravel 8 fixture (Debian's framework, committed) or the current Laravel skeleton from Composer. */
export type LaravelApp = 'laravel8' | 'current'

/** The current-Laravel skeleton (scripts/laravel-current.sh builds it on first use, or fails loudly) and its recorded versions. */
export function currentLaravel(): { dir: string; versions: Record<string, string> } {
  const out = execFileSync('bash', [join(process.cwd(), 'scripts/laravel-current.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600000 })
  const dir = out.trim().split('\n').pop()!
  const lines = readFileSync(join(dir, '.slipway-fixture'), 'utf8').trim().split('\n')
  return { dir, versions: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)])) }
}

/**
 * A fresh copy of an app (the local source of a deploy). The current app comes without vendor/ (the host
 * builds it with the preset's composer install), with its skeleton migrations replaced by create_items_table
 * and __tests__/fixtures/laravel-current-overlay on top.
 */
export function laravelSource(app: LaravelApp = 'laravel8'): string {
  const dir = mkdtempSync(join(tmpdir(), `slipway-${app}-`))
  if (app === 'laravel8') {
    cpSync(join(fixtures, 'laravel-app'), dir, { recursive: true })
    return dir
  }
  const skeleton = currentLaravel().dir
  // What a checkout of the app would hold: no vendor/, and nothing a local artisan run leaves behind.
  const untracked = /^(vendor|\.slipway-fixture|\.env|bootstrap\/cache\/[^/]+\.php|storage\/logs\/[^/]+\.log|database\/database\.sqlite)(\/|$)/
  cpSync(skeleton, dir, { recursive: true, filter: (src) => !untracked.test(relative(skeleton, src)) })
  const migrations = join(dir, 'database/migrations')
  for (const f of readdirSync(migrations)) rmSync(join(migrations, f))
  cpSync(join(fixtures, 'laravel-app/database/migrations'), migrations, { recursive: true })
  cpSync(join(fixtures, 'laravel-current-overlay'), dir, { recursive: true, filter: (src) => !src.endsWith('README.md') })
  return dir
}

/** Copies a scenario migration from __tests__/fixtures/laravel-migrations into the source. */
export function addMigration(source: string, name: string): void {
  cpSync(join(fixtures, 'laravel-migrations', `${name}.php`), join(source, 'database/migrations', `${name}.php`))
}

const CONTROLLER = 'app/Http/Controllers/StatusController.php'

/** Makes /health answer 500 in this source (a release with a bug that only shows once live). */
export function breakHealth(source: string): void {
  const file = join(source, CONTROLLER)
  const php = readFileSync(file, 'utf8').replace('public function health(): JsonResponse\n    {', "public function health(): JsonResponse\n    {\n        throw new \\RuntimeException('boom');")
  writeFileSync(file, php)
}

/** Undoes {@link breakHealth}: the app's own StatusController again. */
export function fixHealth(source: string, app: LaravelApp): void {
  cpSync(join(fixtures, app === 'laravel8' ? 'laravel-app' : 'laravel-current-overlay', CONTROLLER), join(source, CONTROLLER))
}

/** The `migrate:status` row of an applied migration: Laravel 8/9 print a table, 10+ a dotted line. */
export function statusRow(app: LaravelApp, name: string, batch: number): RegExp {
  return app === 'laravel8' ? new RegExp(`Yes\\s+\\|\\s+${name}\\s+\\|\\s+${batch}`) : new RegExp(`${name} \\.+ \\[${batch}\\] Ran`)
}

/** The databases the migration tests run on. */
export type Db = 'sqlite' | 'pgsql' | 'mysql'

const APP_KEY = `base64:${Buffer.alloc(32, 7).toString('base64')}`

/** A test database: a query helper, a full schema dump by the engine's own tool, and a drop. */
export interface TestDb {
  query(sql: string): string
  /** `sqlite3 .schema`, `pg_dump --schema-only`, `mysqldump --no-data` (AUTO_INCREMENT counters cut out: they are not schema). */
  dump(): string
  drop(): void
}

/** Creates an empty database and writes the shared .env that points at it. */
export function database(kind: Db, root: string): TestDb {
  const name = `slipway_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  // Laravel 11+ reads CACHE_STORE and keeps sessions in the database by default; both apps get files.
  const env = ['APP_ENV=production', 'APP_DEBUG=false', `APP_KEY=${APP_KEY}`, 'LOG_CHANNEL=stderr', 'CACHE_DRIVER=file', 'CACHE_STORE=file', 'SESSION_DRIVER=file', 'QUEUE_CONNECTION=sync', `DB_CONNECTION=${kind}`]
  if (kind === 'sqlite') {
    const file = join(root, 'shared/database.sqlite')
    hostWrite(file, '')
    hostWrite(join(root, 'shared/.env'), [...env, `DB_DATABASE=${file}`, ''].join('\n'))
    return { query: (sql) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim(), dump: () => execFileSync('sqlite3', [file, '.schema'], { encoding: 'utf8' }), drop: () => undefined }
  }
  if (kind === 'pgsql') {
    execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', name])
    hostWrite(join(root, 'shared/.env'), [...env, 'DB_HOST=127.0.0.1', 'DB_PORT=5432', `DB_DATABASE=${name}`, 'DB_USERNAME=postgres', 'DB_PASSWORD=', ''].join('\n'))
    return {
      query: (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', name, '-At', '-c', sql], { encoding: 'utf8' }).trim(),
      dump: () => execFileSync('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '--schema-only', '--restrict-key=slipway', name], { encoding: 'utf8' }),
      drop: () => execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', name])
    }
  }
  execFileSync('mysql', ['-h127.0.0.1', '-uroot', '-e', `create database ${name}`])
  hostWrite(join(root, 'shared/.env'), [...env, 'DB_HOST=127.0.0.1', 'DB_PORT=3306', `DB_DATABASE=${name}`, 'DB_USERNAME=root', 'DB_PASSWORD=', ''].join('\n'))
  return {
    query: (sql) => execFileSync('mysql', ['-h127.0.0.1', '-uroot', '-N', '-B', name, '-e', sql], { encoding: 'utf8' }).trim(),
    dump: () => execFileSync('mysqldump', ['-h127.0.0.1', '-uroot', '--no-data', '--skip-dump-date', name], { encoding: 'utf8' }).replace(/ AUTO_INCREMENT=\d+/g, ''),
    drop: () => execFileSync('mysql', ['-h127.0.0.1', '-uroot', '-e', `drop database if exists ${name}`])
  }
}

/** Table names in a database, sorted. */
export function tables(kind: Db, db: { query(sql: string): string }): string[] {
  const sql = kind === 'sqlite' ? "select name from sqlite_master where type='table' and name not like 'sqlite_%'"
    : kind === 'pgsql' ? "select tablename from pg_tables where schemaname='public'" : 'show tables'
  return db.query(sql).split('\n').filter(Boolean).sort()
}

/** `php artisan migrate:status` in the live release, as the deploy user. */
export function migrateStatus(root: string): string {
  return execFileSync('runuser', ['-u', LAB_USER, '--', 'php', 'artisan', 'migrate:status'], { cwd: join(root, 'current'), encoding: 'utf8' })
}

/** PHP's built-in server on 127.0.0.1 serving whatever `current` points at, per request. */
export async function serveCurrent(root: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort()
  const router = join(mkdtempSync(join(tmpdir(), 'slipway-router-')), 'router.php')
  writeFileSync(router, `<?php\n$pub = realpath(${JSON.stringify(join(root, 'current/public'))});\nchdir($pub);\n$_SERVER['SCRIPT_FILENAME'] = $pub . '/index.php';\nrequire $pub . '/index.php';\n`)
  execFileSync('chmod', ['-R', 'a+rX', join(router, '..')])
  const child: ChildProcess = spawn('runuser', ['-u', LAB_USER, '--', 'php', '-d', 'realpath_cache_size=0', '-S', `127.0.0.1:${port}`, router], { stdio: 'ignore', detached: true })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) })
      break
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { url, stop: () => { try { process.kill(-child.pid!, 'SIGTERM') } catch { /* gone */ } } }
}
