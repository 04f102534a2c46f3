/** The Laravel fixture as a checked-out repository: a git work tree the action deploys or checks. */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const fixture = join(process.cwd(), '__tests__/fixtures/laravel-app')

/** Runs git in `dir` and returns its trimmed stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8', timeout: 15000 }).trim()
}

/** A copy of the Laravel fixture in a fresh git repository with one commit; returns its directory. */
export function laravelRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-repo-'))
  cpSync(fixture, dir, { recursive: true })
  git(dir, 'init', '-q')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'base')
  return dir
}

/** Writes files, commits them, and returns the new commit sha. */
export function commit(dir: string, files: Record<string, string>, message = 'change'): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}
