import { describe, expect, test } from '@jest/globals'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkCommand } from '../../src/check/command.js'
import { FIXTURES, fixtureFiles } from './helpers.js'

async function run(argv: string[], cwd = FIXTURES): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await checkCommand(argv, { out: (s) => { out += s }, err: (s) => { err += s }, cwd })
  return { code, out, err }
}

describe('slipway check', () => {
  test('exits 1 when an error-level finding remains', async () => {
    const r = await run(['laravel/unsafe/drop-column.php'])
    expect(r.code).toBe(1)
    expect(r.out).toBe([
      'laravel/unsafe/drop-column.php',
      '  13:13  error    drop-column  dropping users.nickname breaks the code still reading it and destroys the data',
      '      why: breaks-running-code. fix: Contract in two deploys: first ship code that no longer reads or writes the column (drop it from $fillable, $casts, queries), then drop the column in a later migration.',
      '',
      '1 error, 0 warnings, 0 notices in 1 file',
      ''
    ].join('\n'))
  })

  test('exits 0 when only warnings remain (and counts suppressions)', async () => {
    const r = await run(['laravel/safe'])
    expect(r.code).toBe(0)
    expect(r.out.trimEnd().split('\n').pop()).toBe(`0 errors, 2 warnings, 0 notices in ${fixtureFiles('laravel/safe').length} files (3 suppressed)`)
  })

  test.each([
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['no/such/dir'], 'no/such/dir: no such file or directory'],
    [['--format', 'xml'], '--format xml: expected text, json, sarif or github'],
    [['--base'], '--base needs a value'],
    [['--base', '--verify'], '--base "--verify": not a git ref'],
    [['--verify', '--database', 'oracle://x', 'verify/2024_03_01_000000_add_sku_to_items.php'], '--database oracle://x: unknown scheme oracle (sqlite, pgsql, mysql)']
  ])('exits 2 on bad input %j', async (argv, message) => {
    const r = await run(argv)
    expect(r.code).toBe(2)
    expect(r.err.split('\n')[0]).toBe(`slipway check: ${message}`)
    expect(r.out).toBe('')
  })

  test('--format github prints workflow commands', async () => {
    const r = await run(['--format=github', 'sql/unsafe/pg-rename-table.sql'])
    expect(r.code).toBe(1)
    expect(r.out).toBe('::error file=sql/unsafe/pg-rename-table.sql,line=2,col=1,title=pg-rename-table%3A breaks-running-code::' +
      'renaming clients to customers breaks the code still using the old name%0AFix: Create the new table (or a view with the new name), switch the code, drop the old one in a later release.\n')
  })

  test('--output writes the chosen format to a file and the text report to stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-check-'))
    const file = join(dir, 'check.sarif')
    const r = await run(['sql/unsafe/pg-drop-index.sql', '--format', 'sarif', '--output', file])
    expect(r.code).toBe(0)
    const sarif = JSON.parse(await readFile(file, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string }> }> }
    expect(sarif.runs[0]?.results.map((x) => x.ruleId)).toEqual(['pg-drop-index'])
    expect(r.out).toContain('  2:1  warning  pg-drop-index  DROP INDEX users_email_idx blocks reads and writes of its table\n')
  })

  test('checks database/migrations and migrations/*.sql by default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-check-'))
    await mkdir(join(dir, 'database', 'migrations'), { recursive: true })
    await mkdir(join(dir, 'db', 'migrations'), { recursive: true })
    await writeFile(join(dir, 'database', 'migrations', 'x.php'), await readFile(join(FIXTURES, 'laravel/unsafe/drop-table.php')))
    await writeFile(join(dir, 'db', 'migrations', '001.sql'), 'DROP TABLE t;\n')
    await writeFile(join(dir, 'db', 'notes.sql'), 'DROP TABLE ignored;\n')
    const r = await run(['--format', 'json'], dir)
    const json = JSON.parse(r.out) as { files: string[]; findings: Array<{ ruleId: string; file: string }> }
    expect(json.files).toEqual(['database/migrations/x.php', 'db/migrations/001.sql'])
    expect(json.findings.map((f) => `${f.file}:${f.ruleId}`)).toEqual([
      'database/migrations/x.php:drop-table', 'db/migrations/001.sql:pg-drop-table', 'db/migrations/001.sql:pg-missing-lock-timeout'])
  })

  test('passes the spec\'s check: section through', async () => {
    let out = ''
    const code = await checkCommand(['laravel/unsafe/drop-column.php'], { out: (s) => { out += s }, err: () => undefined, cwd: FIXTURES },
      { ignore: [{ rule: 'drop-column', path: 'laravel/**', reason: 'legacy columns' }] })
    expect(code).toBe(0)
    expect(out).toBe('0 errors, 0 warnings, 0 notices in 1 file (1 suppressed)\n')
  })
})
