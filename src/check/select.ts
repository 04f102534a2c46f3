import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { finding } from './catalog.js'
import { CheckInputError } from './errors.js'
import { matchesGlob } from './glob.js'
import type { Finding } from './types.js'

const exec = promisify(execFile)

/** The migrations that changed since a git ref, and the findings about merged migrations that changed. */
export interface Selection {
  /** Absolute paths of added or changed files among the candidates. */
  files: string[]
  /** Relative paths of the files that are new since the base. */
  added: Set<string>
  findings: Finding[]
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout
  } catch (e) {
    const err = e as { stderr?: string; message?: string }
    throw new CheckInputError(`git ${args[0]} failed: ${(err.stderr || err.message || '').trim()}`)
  }
}

/**
 * Keeps the candidates (relative paths) that were added or changed since the merge base of `base` and HEAD,
 * working tree and untracked files included. A migration that existed at the base and changed, was renamed or
 * was deleted is a `migration-modified` finding: it already ran in production and will not run again.
 */
export async function selectChanged(cwd: string, base: string, candidates: string[], roots: string[]): Promise<Selection> {
  if (!base || base.startsWith('-') || /[\s\0]/.test(base)) throw new CheckInputError(`--base ${JSON.stringify(base)}: not a git ref`)
  const commit = (await git(cwd, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])).trim()
  const mergeBase = (await git(cwd, ['merge-base', commit, 'HEAD'])).trim()
  const wanted = new Set(candidates)
  const underRoots = (p: string): boolean => /\.(php|sql)$/.test(p) && roots.some((r) => p.startsWith(`${r}/`) || matchesGlob(p, `${r}/**`) || p === r)
  const files: string[] = []
  const added = new Set<string>()
  const findings: Finding[] = []
  const fields = (await git(cwd, ['diff', '--name-status', '-z', '--relative', '--find-renames', mergeBase, '--'])).split('\0')
  for (let i = 0; i < fields.length - 1;) {
    const status = fields[i++] as string
    const from = fields[i++] as string
    const to = status.startsWith('R') || status.startsWith('C') ? (fields[i++] as string) : from
    if (status === 'A') { if (wanted.has(to)) { files.push(to); added.add(to) } continue }
    if (status === 'D') {
      if (underRoots(from)) findings.push(finding('migration-modified', { file: from, line: 1, column: 1 }, `${from} was merged and is now deleted: rolling back past it is no longer possible`))
      continue
    }
    if (!wanted.has(to)) continue
    files.push(to)
    const line = await firstChangedLine(cwd, mergeBase, to)
    const message = status.startsWith('R')
      ? `${to} is ${from} renamed after it was merged: Laravel will run it again under its new name`
      : `${to} was merged and has changed since: databases that already ran it will never run the change`
    findings.push(finding('migration-modified', { file: to, line, column: 1 }, message))
  }
  for (const p of (await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0')) {
    if (wanted.has(p) && !added.has(p)) { files.push(p); added.add(p) }
  }
  return { files: [...new Set(files)].sort().map((f) => resolve(cwd, f)), added, findings }
}

async function firstChangedLine(cwd: string, mergeBase: string, file: string): Promise<number> {
  const diff = await git(cwd, ['diff', '-U0', '--relative', mergeBase, '--', file])
  const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/m.exec(diff)
  if (!m) return 1
  return Math.max(1, Number(m[1]) + (m[2] === '0' ? 1 : 0))
}
