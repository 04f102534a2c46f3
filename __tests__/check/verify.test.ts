import { describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { checkMigrations, CheckInputError, type CheckResult } from '../../src/check/index.js'
import { parseDsn } from '../../src/check/verify/dsn.js'
import { schemaDiff } from '../../src/check/verify/index.js'
import { FIXTURES, LARAVEL_APP } from './helpers.js'

// --verify on the Debian Laravel 8 fixture app: each migration of fixtures/check/verify runs up → down → up.
const V = 'verify'
const files = readdirSync(join(FIXTURES, V)).sort().map((f) => `${V}/${f}`)

/** Fails loudly when the test database is not there (scripts/databases.sh starts it): no silent skip. */
function mustReach(dsn: string): void {
  try {
    execFileSync('php', ['-r', `new PDO('${dsn}', '${dsn.startsWith('pgsql') ? 'postgres' : 'root'}', '');`], { stdio: 'pipe', timeout: 10_000 })
  } catch (e) {
    throw new Error(`${dsn} is not reachable (run scripts/databases.sh): ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`)
  }
}

const verify = (database?: string): Promise<CheckResult> =>
  checkMigrations({ cwd: FIXTURES, paths: [V], verify: true, app: LARAVEL_APP, ...(database ? { database } : {}) })

function expectOutcomes(r: CheckResult, unitColumn: string): void {
  expect(r.verify?.map((v) => [v.file, v.status])).toEqual([
    [files[0], 'ok'], [files[1], 'down-mismatch'], [files[2], 'down-failed'], [files[3], 'up-failed']])
  expect(r.findings.filter((f) => f.ruleId.startsWith('verify-')).map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
    `${files[1]}:18 verify-down-mismatch`, `${files[2]}:18 verify-down-failed`, `${files[3]}:10 verify-up-failed`])
  const mismatch = r.findings.find((f) => f.ruleId === 'verify-down-mismatch')
  expect(mismatch?.message).toBe('rolling back 2024_03_02_000000_add_weight_to_items.php does not restore the schema it started from')
  expect(mismatch?.detail?.split('\n').slice(0, 2)).toEqual(['schema after rollback vs before up():', `+ items: column unit ${unitColumn} null default none`])
  expect(r.findings.find((f) => f.ruleId === 'verify-down-failed')?.detail).toMatch(/table "?tag"? does(?: not|n't) exist|no such table: tag|Unknown table/)
  expect(r.findings.find((f) => f.ruleId === 'verify-up-failed')?.detail).toMatch(/[Dd]uplicate column/)
  expect(r.exitCode).toBe(1)
}

describe('--verify', () => {
  test('on sqlite: catches the down() that forgets a column, a failing rollback and a failing up', async () => {
    expectOutcomes(await verify(), 'varchar')
  })

  const pg = 'pgsql:host=127.0.0.1;port=5432;dbname=postgres'
  test('on PostgreSQL (127.0.0.1:5432)', async () => {
    mustReach(pg)
    expectOutcomes(await verify('pgsql://postgres@127.0.0.1:5432/postgres'), 'character varying(255)')
    const left = execFileSync('php', ['-r', `foreach ((new PDO('${pg}', 'postgres', ''))->query("SELECT datname FROM pg_database WHERE datname LIKE 'slipway_verify_%'") as $r) echo $r[0], "\\n";`], { encoding: 'utf8' })
    expect(left).toBe('')
  })

  const my = 'mysql:host=127.0.0.1;port=3306'
  test('on MariaDB (127.0.0.1:3306)', async () => {
    mustReach(my)
    expectOutcomes(await verify('mysql://root@127.0.0.1:3306'), 'varchar(255)')
  })

  test('a reversible migration passes and the app fixture is left untouched', async () => {
    const before = readdirSync(join(LARAVEL_APP, 'database', 'migrations'))
    const r = await checkMigrations({ cwd: FIXTURES, paths: [files[0] as string], verify: true, app: LARAVEL_APP })
    expect(r.verify).toEqual([{ file: files[0], status: 'ok' }])
    expect(r.findings).toEqual([])
    expect(readdirSync(join(LARAVEL_APP, 'database', 'migrations'))).toEqual(before)
  })
})

test('--verify needs a Laravel app with artisan', async () => {
  await expect(checkMigrations({ cwd: FIXTURES, paths: [files[0] as string], verify: true, app: FIXTURES }))
    .rejects.toThrow(new CheckInputError(`--verify: no artisan in ${FIXTURES} (point --app at the Laravel app)`))
})

test('schemaDiff lists what only one side has', () => {
  expect(schemaDiff(['t: column a int', 't: column b int'], ['t: column b int', 't: column c int'])).toBe('- t: column a int\n+ t: column c int')
  expect(schemaDiff(['x'], ['x'])).toBe('')
})

test.each([
  ['sqlite', { driver: 'sqlite', host: '', port: '', username: '', password: '', admin: '' }],
  ['pgsql://app:s%40cret@db.local:6543/main', { driver: 'pgsql', host: 'db.local', port: '6543', username: 'app', password: 's@cret', admin: 'main' }],
  ['postgres://localhost', { driver: 'pgsql', host: 'localhost', port: '5432', username: 'postgres', password: '', admin: 'postgres' }],
  ['mariadb://root@127.0.0.1', { driver: 'mysql', host: '127.0.0.1', port: '3306', username: 'root', password: '', admin: 'postgres' }]
])('parseDsn(%j)', (dsn, expected) => {
  expect(parseDsn(dsn)).toEqual(expected)
})
