import { beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkMigrations, CheckInputError } from '../../src/check/index.js'
import { FIXTURES } from './helpers.js'

let repo: string
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' })
const fixture = (p: string): Promise<string> => readFile(join(FIXTURES, p), 'utf8')
const M = 'database/migrations'

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'slipway-select-'))
  git('init', '-q')
  await mkdir(join(repo, M), { recursive: true })
  await writeFile(join(repo, M, '2024_01_01_000000_safe.php'), await fixture('laravel/safe/rename-column.php'))
  await writeFile(join(repo, M, '2024_01_02_000000_edited.php'), await fixture('laravel/safe/add-not-null-column.php'))
  await writeFile(join(repo, M, '2024_01_03_000000_gone.php'), await fixture('laravel/safe/missing-down.php'))
  await writeFile(join(repo, M, '2024_01_04_000000_old_name.php'), await fixture('laravel/safe/drop-table.php'))
  git('add', '.')
  git('commit', '-q', '-m', 'merged migrations')
  git('checkout', '-q', '-b', 'feature')
  const edited = (await fixture('laravel/safe/add-not-null-column.php')).replace("->default(true)", "->default(false)")
  await writeFile(join(repo, M, '2024_01_02_000000_edited.php'), edited)
  await rm(join(repo, M, '2024_01_03_000000_gone.php'))
  git('mv', `${M}/2024_01_04_000000_old_name.php`, `${M}/2024_02_04_000000_new_name.php`)
  await writeFile(join(repo, M, '2024_02_01_000000_new.php'), await fixture('laravel/unsafe/drop-column.php'))
  git('add', '.')
  git('commit', '-q', '-m', 'feature work')
  await writeFile(join(repo, M, '2024_02_02_000000_untracked.php'), await fixture('laravel/unsafe/rename-column.php'))
})

describe('--base', () => {
  test('checks only what changed since the merge base, and flags merged migrations that changed', async () => {
    const r = await checkMigrations({ cwd: repo, base: 'main' })
    expect(r.files).toEqual([`${M}/2024_01_02_000000_edited.php`, `${M}/2024_02_01_000000_new.php`, `${M}/2024_02_02_000000_untracked.php`, `${M}/2024_02_04_000000_new_name.php`])
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      `${M}/2024_01_02_000000_edited.php:14 migration-modified`,
      `${M}/2024_01_03_000000_gone.php:1 migration-modified`,
      `${M}/2024_02_01_000000_new.php:13 drop-column`,
      `${M}/2024_02_02_000000_untracked.php:13 rename-column`,
      `${M}/2024_02_04_000000_new_name.php:1 migration-modified`
    ])
    const messages = r.findings.filter((f) => f.ruleId === 'migration-modified').map((f) => f.message)
    expect(messages).toEqual([
      `${M}/2024_01_02_000000_edited.php was merged and has changed since: databases that already ran it will never run the change`,
      `${M}/2024_01_03_000000_gone.php was merged and is now deleted: rolling back past it is no longer possible`,
      `${M}/2024_02_04_000000_new_name.php is ${M}/2024_01_04_000000_old_name.php renamed after it was merged: Laravel will run it again under its new name`
    ])
  })

  test('with nothing changed there is nothing to check', async () => {
    const r = await checkMigrations({ cwd: repo, base: 'HEAD', paths: [`${M}/2024_01_01_000000_safe.php`] })
    expect(r.files).toEqual([])
    expect(r.exitCode).toBe(0)
  })

  test.each(['no-such-branch', '-x', 'main; rm -rf /'])('rejects the ref %j as bad input', async (ref) => {
    await expect(checkMigrations({ cwd: repo, base: ref })).rejects.toBeInstanceOf(CheckInputError)
  })
})
