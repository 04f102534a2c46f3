import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { CheckInputError } from './errors.js'

const SKIP_DIRS: Record<string, string> = { node_modules: 'dependencies (node_modules)', vendor: 'dependencies (vendor)', '.git': 'git metadata' }
const MIGRATION = /\.(php|sql)$/
/** Rollback scripts of SQL tools (dbmate/golang-migrate/diesel `down.sql`, `*.down.sql`): not run on deploy. */
const DOWN_SQL = /(^|[._-])down\.sql$/i

/** A file or directory a directory walk left out, and why. */
export interface Skipped { path: string; reason: string }

/** Turns an absolute path into the `/`-separated path relative to cwd that findings carry. */
export function relativePath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/')
}

/**
 * The migration files to check, absolute and sorted: every `.php`/`.sql` file under the given paths, or by default
 * `database/migrations` and the `.sql` files under any `migrations` directory. Directory walks leave out dependency
 * directories and rollback scripts, and say so in `skipped`; a path given explicitly is always checked. A path that
 * does not exist is bad input.
 */
export async function collectFiles(cwd: string, paths: string[] | undefined): Promise<{ files: string[]; skipped: Skipped[] }> {
  const found = new Set<string>()
  const skipped: Skipped[] = []
  const note = (abs: string, reason: string): void => { skipped.push({ path: relativePath(cwd, abs), reason }) }
  if (paths && paths.length > 0) {
    for (const p of paths) {
      const abs = resolve(cwd, p)
      const info = await stat(abs).catch(() => undefined)
      if (!info) throw new CheckInputError(`${p}: no such file or directory`)
      if (info.isDirectory()) for (const f of await walk(abs, () => true, note)) found.add(f)
      else if (MIGRATION.test(abs)) found.add(abs)
      else throw new CheckInputError(`${p}: not a .php or .sql migration`)
    }
  } else {
    const laravel = join(cwd, 'database', 'migrations')
    if ((await stat(laravel).catch(() => undefined))?.isDirectory()) for (const f of await walk(laravel, () => true, note)) found.add(f)
    // Outside the given paths, dependency directories are not the project's: left out without a note.
    for (const f of await walk(cwd, (dir) => dir.split(sep).includes('migrations'), note, '.sql', true)) found.add(f)
  }
  return { files: [...found].sort(), skipped: dedupe(skipped) }
}

function dedupe(skipped: Skipped[]): Skipped[] {
  const seen = new Set<string>()
  return skipped.filter((s) => !seen.has(s.path) && seen.add(s.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** The directories given on the command line (or the defaults), for matching deleted files under --base. */
export function roots(cwd: string, paths: string[] | undefined): string[] {
  return paths && paths.length > 0 ? paths.map((p) => relativePath(cwd, resolve(cwd, p))) : ['database/migrations', '**/migrations']
}

async function walk(dir: string, keep: (dir: string) => boolean, note: (abs: string, reason: string) => void, ext?: string, quiet = false): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const e of entries) {
    const abs = join(dir, e.name)
    if (e.isDirectory()) {
      const reason = SKIP_DIRS[e.name]
      if (reason) { if (!quiet) note(abs, `directory of ${reason}; pass it explicitly to check it`); continue }
      out.push(...await walk(abs, keep, note, ext, quiet))
    } else if (e.isFile() && MIGRATION.test(e.name) && (!ext || e.name.endsWith(ext)) && keep(dir)) {
      if (DOWN_SQL.test(e.name)) { note(abs, 'rollback script (down.sql): not run on deploy; pass it explicitly to check it'); continue }
      out.push(abs)
    }
  }
  return out
}
