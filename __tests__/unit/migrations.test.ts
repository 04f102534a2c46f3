import { describe, expect, test } from '@jest/globals'
import { render } from '../../src/commands/shell.js'
import { laravelDriver } from '../../src/migrations/laravel.js'
import { canStepBack, ranBetween } from '../../src/migrations/step-back.js'
import type { MigrationState } from '../../src/migrations/types.js'
import { parseSpec } from '../../src/spec/load.js'

const state = (ran: Array<[string, number]>, undo: MigrationState['undo'] = {}, pending: string[] = []): MigrationState => ({ ran, pending, undo, version: '8.83.26', driver: 'sqlite' })
const ok = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'ok' as const]))

describe('what a deploy ran', () => {
  test('new names between before and after, with their batch; the failed one is the first still pending', () => {
    const before = state([['a', 1]])
    expect(ranBetween('laravel', before, state([['a', 1], ['b', 2], ['c', 2]]), false)).toEqual({ driver: 'laravel', batch: 2, ran: ['b', 'c'] })
    expect(ranBetween('laravel', before, state([['a', 1], ['b', 2]], {}, ['c', 'd']), true)).toEqual({ driver: 'laravel', batch: 2, ran: ['b'], failed: 'c' })
    expect(ranBetween('laravel', before, before, false)).toEqual({ driver: 'laravel', ran: [] })
  })
})

describe('step-back guards', () => {
  const rec = { driver: 'laravel', batch: 3, ran: ['c', 'd'] }
  test('steps back exactly the newest batch when every down() works', () => {
    expect(canStepBack(rec, state([['a', 1], ['b', 2], ['c', 3], ['d', 3]], ok('a', 'b', 'c', 'd')))).toEqual({ ok: true, names: ['c', 'd'], batch: 3 })
  })
  test('refuses a missing or empty down()', () => {
    expect(canStepBack(rec, state([['c', 3], ['d', 3]], { c: 'ok', d: 'none' }))).toEqual({ ok: false, reason: 'd has no down(): stepping back would delete its row without undoing it' })
    expect(canStepBack(rec, state([['c', 3], ['d', 3]], { c: 'empty', d: 'ok' }))).toEqual({ ok: false, reason: 'c has an empty down(): stepping back would delete its row without undoing it' })
  })
  test('refuses more than one batch, a batch that is not the newest, and a batch shared with others', () => {
    expect(canStepBack(rec, state([['c', 3], ['d', 4]], ok('c', 'd')))).toMatchObject({ ok: false, reason: 'its migrations are in more than one batch (3, 4); step back by hand' })
    expect(canStepBack(rec, state([['c', 3], ['d', 3], ['e', 4]], ok('c', 'd', 'e')))).toMatchObject({ ok: false, reason: 'its batch 3 is not the newest (4): later migrations would be undone too' })
    expect(canStepBack(rec, state([['c', 3], ['d', 3], ['x', 3]], ok('c', 'd', 'x')))).toMatchObject({ ok: false, reason: 'batch 3 also holds migrations this release did not run: x' })
    expect(canStepBack({ ...rec, ran: [] }, state([]))).toMatchObject({ ok: false })
  })
  test('Laravel 8/9 steps by count; 10+ by batch number', () => {
    const d = laravelDriver()
    expect(render(d.stepBack(['c', 'd'], 3, state([])))).toBe('php artisan migrate:rollback --step=2 --force --no-interaction')
    expect(render(d.stepBack(['c', 'd'], 3, { ...state([]), version: '11.2.0' }))).toBe('php artisan migrate:rollback --batch=3 --force --no-interaction')
    expect(render(d.stepBack(['c'], 4, { ...state([]), version: '10.0.0' }))).toBe('php artisan migrate:rollback --batch=4 --force --no-interaction')
    expect(render(d.stepBack(['c'], 4, { ...state([]), version: '9.52.16' }))).toBe('php artisan migrate:rollback --step=1 --force --no-interaction')
  })
  test('the Laravel driver says which step-back it chose, from the version it read', () => {
    const d = laravelDriver()
    expect(d.describeStepBack?.(['c', 'd'], 3, state([]))).toBe('Laravel 8.83.26: php artisan migrate:rollback --step=2 (no --batch before 10: the newest 2, checked to be exactly batch 3)')
    expect(d.describeStepBack?.(['c', 'd'], 3, { ...state([]), version: '12.72.0' })).toBe('Laravel 12.72.0: php artisan migrate:rollback --batch=3 (10+ rolls back one batch by its number)')
    expect(d.describeStepBack?.(['c'], 2, { ...state([]), version: undefined })).toBe('Laravel (version not read): php artisan migrate:rollback --step=1 (no --batch before 10: the newest 1, checked to be exactly batch 2)')
  })
})

describe('laravel preset', () => {
  const base = 'app: shop\npath: /srv/shop\nhosts: [{ host: h, user: u }]\nknown_hosts: k\npreset: laravel\n'
  test('fills what a Laravel team expects', () => {
    const spec = parseSpec(base + 'php_fpm_reload: sudo systemctl reload php8.2-fpm\n', 's.yml')
    expect(spec.shared).toEqual({ files: ['.env'], dirs: ['storage'] })
    expect(spec.writable).toEqual(['storage', 'bootstrap/cache'])
    expect(spec.migrate).toEqual({ preset: 'laravel', step_back: 'auto' })
    expect(spec.build).toEqual([
      'if [ -f composer.json ]; then composer install --no-dev --optimize-autoloader --no-interaction --prefer-dist; fi',
      `if php -r 'require "vendor/autoload.php"; exit((new Illuminate\\Foundation\\Console\\OptimizeCommand)->getDefinition()->hasOption("except") ? 0 : 1);'; then php artisan optimize --except=views; else php artisan config:cache && php artisan route:cache; fi`
    ])
    const reload = `if php -r 'require "vendor/autoload.php"; exit(class_exists(Illuminate\\Foundation\\Console\\ReloadCommand::class) ? 0 : 1);'; then php artisan reload; else php artisan queue:restart; fi`
    expect(spec.activate).toEqual([reload, 'sudo systemctl reload php8.2-fpm'])
    expect(spec.rollback_hooks).toEqual(['php artisan cache:clear', reload, 'sudo systemctl reload php8.2-fpm'])
  })
  test('every key can be overridden', () => {
    const spec = parseSpec(base + 'activate: [php artisan optimize]\nshared: { files: [.env.production] }\nmigrate: { step_back: never }\n', 's.yml')
    expect(spec.activate).toEqual(['php artisan optimize'])
    expect(spec.shared).toEqual({ files: ['.env.production'], dirs: ['storage'] })
    expect(spec.migrate).toEqual({ preset: 'laravel', step_back: 'never' })
  })
  test('no migrate section without a preset; a migrate section needs a driver', () => {
    expect(parseSpec('app: a\npath: /a\nhosts: [{ host: h, user: u }]\nknown_hosts: k\n', 's.yml').migrate).toBeUndefined()
    expect(() => parseSpec('app: a\npath: /a\nhosts: [{ host: h, user: u }]\nknown_hosts: k\nmigrate: { step_back: auto }\n', 's.yml')).toThrow('migrate: no migration driver')
  })
})
