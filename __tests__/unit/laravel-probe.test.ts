/** The migrate probe (LARAVEL_PHP) run by the real PHP on releases that cannot boot: a clear line, exit 3, no PHP fatal error. */
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LARAVEL_PHP } from '../../src/migrations/laravel-php.js'
import { currentLaravel } from '../support/laravel.js'

const probe = (cwd: string, env: Record<string, string> = {}) => spawnSync('php', ['-r', LARAVEL_PHP, 'state'], { cwd, encoding: 'utf8', env: { ...process.env, ...env } })

describe('the migrate probe on a release that cannot boot', () => {
  test('no vendor/autoload.php: says to run composer install in build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-probe-'))
    const r = probe(dir)
    expect(r.status).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(`slipway: vendor/autoload.php is missing in the release: run composer install in build (in ${dir})\n`)
  })
  test('no bootstrap/app.php: says to check the source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-probe-'))
    mkdirSync(join(dir, 'vendor'))
    writeFileSync(join(dir, 'vendor/autoload.php'), '<?php\n')
    const r = probe(dir)
    expect(r.status).toBe(3)
    expect(r.stderr).toBe(`slipway: bootstrap/app.php is missing in the release: check source.dir and source.exclude in the spec (in ${dir})\n`)
  })
  test('bootstrap/app.php that returns no application: names both layouts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-probe-'))
    mkdirSync(join(dir, 'vendor'))
    mkdirSync(join(dir, 'bootstrap'))
    writeFileSync(join(dir, 'vendor/autoload.php'), "<?php\nrequire_once '/usr/share/php/Illuminate/autoload.php';\n")
    writeFileSync(join(dir, 'bootstrap/app.php'), '<?php\nreturn 1;\n')
    const r = probe(dir)
    expect(r.status).toBe(3)
    expect(r.stderr).toBe('slipway: bootstrap/app.php did not return the application (Laravel 8-10: return $app; 11+: Application::configure(...)->create())\n')
  })
})

describe('the migrate probe boots both skeletons', () => {
  const sqlite = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-probe-')), 'db.sqlite')
    writeFileSync(file, '')
    return { DB_CONNECTION: 'sqlite', DB_DATABASE: file }
  }
  test('Laravel 8 (bootstrap/app.php binds App\\Console\\Kernel)', () => {
    const r = probe(join(process.cwd(), '__tests__/fixtures/laravel-app'), sqlite())
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ version: expect.stringMatching(/^8\./), driver: 'sqlite', ran: [], pending: ['2024_01_01_000000_create_items_table'], undo: { '2024_01_01_000000_create_items_table': 'ok' } })
  })
  test('current Laravel from Composer (Application::configure()->create(), no console Kernel class)', () => {
    const app = currentLaravel()
    const r = probe(app.dir, sqlite())
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ version: app.versions['laravel/framework'].replace(/^v/, ''), driver: 'sqlite', ran: [], pending: ['0001_01_01_000000_create_users_table', '0001_01_01_000001_create_cache_table', '0001_01_01_000002_create_jobs_table'] })
  }, 600000)
})
