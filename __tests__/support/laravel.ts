/** Test support: the Laravel 8 fixture app as a deploy source, its databases, and a web server on `current`. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, hostWrite, LAB_USER } from './lab.js'

const fixtures = join(process.cwd(), '__tests__/fixtures')

/** A fresh copy of the fixture app (the local source of a deploy). */
export function laravelSource(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-laravel-'))
  cpSync(join(fixtures, 'laravel-app'), dir, { recursive: true })
  return dir
}

/** Copies a scenario migration from __tests__/fixtures/laravel-migrations into the source. */
export function addMigration(source: string, name: string): void {
  cpSync(join(fixtures, 'laravel-migrations', `${name}.php`), join(source, 'database/migrations', `${name}.php`))
}

/** Makes /health answer 500 in this source (a release with a bug that only shows once live). */
export function breakHealth(source: string): void {
  const file = join(source, 'app/Http/Controllers/StatusController.php')
  const php = execFileSync('cat', [file], { encoding: 'utf8' }).replace('public function health(): JsonResponse\n    {', "public function health(): JsonResponse\n    {\n        throw new \\RuntimeException('boom');")
  writeFileSync(file, php)
}

/** The databases the migration tests run on. */
export type Db = 'sqlite' | 'pgsql' | 'mysql'

/** Creates an empty database and writes the shared .env that points at it; returns a query helper and a drop. */
export function database(kind: Db, root: string): { query(sql: string): string; drop(): void } {
  const name = `slipway_${Date.now()}_${Math.floor(Math.random() * 1e6)}`
  const env = ['APP_ENV=production', 'APP_DEBUG=false', 'LOG_CHANNEL=stderr', 'CACHE_DRIVER=file', `DB_CONNECTION=${kind}`]
  if (kind === 'sqlite') {
    const file = join(root, 'shared/database.sqlite')
    hostWrite(file, '')
    hostWrite(join(root, 'shared/.env'), [...env, `DB_DATABASE=${file}`, ''].join('\n'))
    return { query: (sql) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim(), drop: () => undefined }
  }
  if (kind === 'pgsql') {
    execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', name])
    hostWrite(join(root, 'shared/.env'), [...env, 'DB_HOST=127.0.0.1', 'DB_PORT=5432', `DB_DATABASE=${name}`, 'DB_USERNAME=postgres', 'DB_PASSWORD=', ''].join('\n'))
    return {
      query: (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', name, '-At', '-c', sql], { encoding: 'utf8' }).trim(),
      drop: () => execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', name])
    }
  }
  execFileSync('mysql', ['-h127.0.0.1', '-uroot', '-e', `create database ${name}`])
  hostWrite(join(root, 'shared/.env'), [...env, 'DB_HOST=127.0.0.1', 'DB_PORT=3306', `DB_DATABASE=${name}`, 'DB_USERNAME=root', 'DB_PASSWORD=', ''].join('\n'))
  return {
    query: (sql) => execFileSync('mysql', ['-h127.0.0.1', '-uroot', '-N', '-B', name, '-e', sql], { encoding: 'utf8' }).trim(),
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
