import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { CheckInputError } from './errors.js'

const SKIP = new Set(['node_modules', 'vendor', '.git'])
const MIGRATION = /\.(php|sql)$/

/** Turns an absolute path into the `/`-separated path relative to cwd that findings carry. */
export function relativePath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/')
}

/**
 * The migration files to check, absolute and sorted: every `.php`/`.sql` file under the given paths, or by default
 * `database/migrations` and the `.sql` files under any `migrations` directory. A path that does not exist is bad input.
 */
export async function collectFiles(cwd: string, paths: string[] | undefined): Promise<string[]> {
  const found = new Set<string>()
  if (paths && paths.length > 0) {
    for (const p of paths) {
      const abs = resolve(cwd, p)
      const info = await stat(abs).catch(() => undefined)
      if (!info) throw new CheckInputError(`${p}: no such file or directory`)
      if (info.isDirectory()) for (const f of await walk(abs, () => true)) found.add(f)
      else if (MIGRATION.test(abs)) found.add(abs)
      else throw new CheckInputError(`${p}: not a .php or .sql migration`)
    }
  } else {
    const laravel = join(cwd, 'database', 'migrations')
    if ((await stat(laravel).catch(() => undefined))?.isDirectory()) for (const f of await walk(laravel, () => true)) found.add(f)
    for (const f of await walk(cwd, (dir) => dir.split(sep).includes('migrations'), '.sql')) found.add(f)
  }
  return [...found].sort()
}

/** The directories given on the command line (or the defaults), for matching deleted files under --base. */
export function roots(cwd: string, paths: string[] | undefined): string[] {
  return paths && paths.length > 0 ? paths.map((p) => relativePath(cwd, resolve(cwd, p))) : ['database/migrations', '**/migrations']
}

async function walk(dir: string, keep: (dir: string) => boolean, ext?: string): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const e of entries) {
    const abs = join(dir, e.name)
    if (e.isDirectory()) { if (!SKIP.has(e.name)) out.push(...await walk(abs, keep, ext)) } else if (e.isFile() && MIGRATION.test(e.name) &&
      (!ext || e.name.endsWith(ext)) && keep(dir)) out.push(abs)
  }
  return out
}
