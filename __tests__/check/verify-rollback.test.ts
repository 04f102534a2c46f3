/**
 * --verify-rollback end to end on the Laravel 8 fixture in a real git repository: the base revision serves
 * /items (reading items.name) and has a job script (writing it). A PR that adds a nullable column and then renames
 * items.name must fail (blamed on the rename, found by bisecting); a PR that only adds the nullable column must
 * pass — on sqlite, PostgreSQL and MariaDB. Scratch databases and the base worktree are gone afterwards.
 */
import { beforeAll, describe, expect, jest, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { checkMigrations, type CheckResult, type RollbackCheck } from '../../src/check/index.js'
import { run } from '../../src/cli/run.js'
import { commit, git, laravelRepo } from '../action/support/laravel.js'

jest.setTimeout(180_000)

const scenarios = join(process.cwd(), '__tests__/fixtures/laravel-migrations')
const ADD = '2024_02_01_000000_add_price_to_items.php'
const RENAME = '2024_02_06_000000_rename_items_column.php'
const ADD_ITEM = `<?php
// What a job of the base revision does: boot the app and write items.name.
require __DIR__.'/../vendor/autoload.php';
$app = require __DIR__.'/../bootstrap/app.php';
$app->make(Illuminate\\Contracts\\Console\\Kernel::class)->bootstrap();
try {
    Illuminate\\Support\\Facades\\DB::table('items')->insert(['name' => 'smoke']);
} catch (Throwable $e) {
    fwrite(STDERR, $e->getMessage() . "\\n");
    exit(1);
}
`
const SPEC = `app: shop
path: /srv/shop
hosts: [{ host: 203.0.113.10, user: deploy }]
known_hosts: "# the check connects to no host"
smoke:
  - { name: health, http: "https://shop.example.com/health", contains: '"ok":true' }
  - { name: items, http: "https://shop.example.com/items?page=1" }
  - { name: add-item, run: php scripts/add-item.php }
check:
  verify: { serve: "php -S 127.0.0.1:{port} -t public" }
`
/** Laravel 8's server.php (the fixture app lacks it; \`php artisan serve\` needs it). */
const SERVER_PHP = `<?php
$uri = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($uri !== '/' && file_exists(__DIR__.'/public'.$uri)) {
    return false;
}
require_once __DIR__.'/public/index.php';
`

/** The base revision (main) reads items.name; branch pr adds `migrations` and reads the new name. */
function pullRequest(migrations: string[]): string {
  const repo = laravelRepo()
  mkdirSync(join(repo, 'scripts'))
  const web = (column: string): string => `<?php\n\nuse App\\Http\\Controllers\\StatusController;\nuse Illuminate\\Support\\Facades\\DB;\nuse Illuminate\\Support\\Facades\\Route;\n\nRoute::get('/', [StatusController::class, 'home']);\nRoute::get('/health', [StatusController::class, 'health']);\n// Qualified: SQLite reads an unknown unqualified \\"name\\" as the string 'name' instead of failing.\nRoute::get('/items', fn () => DB::table('items')->pluck('items.${column}'));\n`
  commit(repo, { 'routes/web.php': web('name'), 'scripts/add-item.php': ADD_ITEM, 'slipway.yml': SPEC, 'server.php': SERVER_PHP }, 'base: /items reads items.name, a job writes it')
  git(repo, 'checkout', '-q', '-b', 'pr')
  for (const m of migrations) copyFileSync(join(scenarios, m), join(repo, 'database/migrations', m))
  commit(repo, migrations.includes(RENAME) ? { 'routes/web.php': web('title') } : {}, 'the PR')
  return repo
}

const checks: RollbackCheck[] = [
  { name: 'health', http: 'https://shop.example.com/health', timeout: 10 },
  { name: 'items', http: 'https://shop.example.com/items?page=1', timeout: 10 },
  { name: 'add-item', run: 'php scripts/add-item.php', timeout: 30 }
]

const verifyRollback = (repo: string, database: string): Promise<CheckResult> =>
  checkMigrations({ cwd: repo, base: 'main', verifyRollback: true, smoke: checks, database })

const ours = (r: CheckResult): string[] => r.findings.filter((f) => f.ruleId.startsWith('verify-')).map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message}`)

function expectRenameFails(r: CheckResult, repo: string): void {
  const commit = git(repo, 'rev-parse', 'main').slice(0, 12)
  const at = `database/migrations/${RENAME}:10 verify-rollback-failed the base revision (${commit}) fails smoke check`
  expect(ours(r)).toEqual([
    `${at} "items" once ${RENAME} has run: a code rollback to it would break`,
    `${at} "add-item" once ${RENAME} has run: a code rollback to it would break`
  ])
  expect(r.verifyRollback?.map((v) => [v.check, v.status, v.file])).toEqual([
    ['health', 'passed', undefined], ['items', 'failed', `database/migrations/${RENAME}`], ['add-item', 'failed', `database/migrations/${RENAME}`]])
  expect(r.verifyRollback?.[1]?.detail).toMatch(/^GET \/items\?page=1: status 500\nlogged: .*(no such column|column "?items.name"? does not exist|Unknown column 'items.name')/)
  expect(r.verifyRollback?.[2]?.detail).toMatch(/^php scripts\/add-item.php: exit 1\n[^]*(has no column named name|column "name" of relation "items" does not exist|Unknown column 'name')/)
  expect(r.exitCode).toBe(1)
  expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
}

function expectAddPasses(r: CheckResult, repo: string): void {
  expect(ours(r)).toEqual([])
  expect(r.verifyRollback?.map((v) => [v.check, v.status])).toEqual([['health', 'passed'], ['items', 'passed'], ['add-item', 'passed']])
  expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
}

/** This process's scratch databases still on the servers (their names carry the pid; other runs may be going on). */
function scratchDatabases(): string {
  const pg = execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', `SELECT datname FROM pg_database WHERE datname LIKE 'slipway_verify_${process.pid}_%'`], { encoding: 'utf8', timeout: 10_000 })
  const my = execFileSync('mysql', ['-h', '127.0.0.1', '-u', 'root', '-N', '-e', `SHOW DATABASES LIKE 'slipway\\_verify\\_${process.pid}\\_%'`], { encoding: 'utf8', timeout: 10_000 })
  return `${pg}${my}`.trim()
}

describe('--verify-rollback', () => {
  let renamed: string
  let added: string
  beforeAll(() => {
    renamed = pullRequest([ADD, RENAME])
    added = pullRequest([ADD])
  })

  test('through the CLI on sqlite: the spec\'s smoke checks and serve command, a rename fails, blamed on the rename', async () => {
    let out = ''
    let err = ''
    const code = await run(['check', '--base', 'main', '--verify-rollback'], { out: (s) => { out += s }, err: (s) => { err += s }, cwd: renamed })
    expect(err).toBe('')
    expect(code).toBe(1)
    expect(out).toContain(`  10:5  error    verify-rollback-failed  the base revision (${git(renamed, 'rev-parse', 'main').slice(0, 12)}) fails smoke check "items" once ${RENAME} has run`)
    expect(out).toContain([
      'verify-rollback (the base revision\'s smoke checks on the new schema):',
      '  passed            health',
      `  failed            items (from database/migrations/${RENAME})`,
      `  failed            add-item (from database/migrations/${RENAME})`].join('\n'))
  })

  test.each([
    ['sqlite', 'sqlite'],
    ['PostgreSQL', 'pgsql://postgres@127.0.0.1:5432/postgres'],
    ['MariaDB', 'mysql://root@127.0.0.1:3306']
  ])('on %s (php artisan serve): the rename fails, the nullable column passes', async (_name, dsn) => {
    expectRenameFails(await verifyRollback(renamed, dsn), renamed)
    expectAddPasses(await verifyRollback(added, dsn), added)
    expect(scratchDatabases()).toBe('')
  })

  test('needs --base and smoke checks', async () => {
    await expect(checkMigrations({ cwd: added, verifyRollback: true, smoke: checks })).rejects.toThrow('--verify-rollback needs --base')
    await expect(checkMigrations({ cwd: added, base: 'main', verifyRollback: true, smoke: [] })).rejects.toThrow('--verify-rollback: no smoke checks to run')
  })
})
