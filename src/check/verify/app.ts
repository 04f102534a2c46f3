import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { DB_SCRIPT } from './db-script.js'
import type { DbTarget } from './dsn.js'

/** The outcome of one command: exit code and the combined output. */
export interface RunResult { code: number; output: string }

/** A disposable copy of a Laravel app wired to a scratch database. */
export interface ScratchApp {
  dir: string
  migrations: string
  /** The environment its commands run with (the scratch database's settings). */
  env: NodeJS.ProcessEnv
  /** The scratch database: a file for sqlite, else a database name on the server. */
  database: string
  artisan(args: string[]): Promise<RunResult>
  snapshot(): Promise<string[]>
  dispose(): Promise<void>
}

/** Options of {@link scratchApp}. */
export interface ScratchOptions {
  /** Base names of the migrations under test, held back from the copy. */
  exclude?: Set<string>
  /** Use this scratch database (owned by another ScratchApp) instead of creating one; dispose leaves it. */
  shared?: string
  /** The head app, when the source is another revision's worktree: its vendor/ and .env stand in for missing ones. */
  head?: string
  php?: string
}

const SKIP = new Set(['vendor', 'node_modules', '.git'])

/** Runs a command and collects its output; never throws. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 300_000): Promise<RunResult> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      done({ code, output: `${stdout}${stderr}`.trim() })
    })
  })
}

/** The Laravel environment variables that point an app at the scratch database. */
function dbEnv(target: DbTarget, database: string): Record<string, string> {
  return {
    APP_ENV: 'local', DB_CONNECTION: target.driver, DB_DATABASE: database, DB_HOST: target.host, DB_PORT: target.port,
    DB_USERNAME: target.username, DB_PASSWORD: target.password, DATABASE_URL: '', DB_URL: '',
    CACHE_DRIVER: 'array', CACHE_STORE: 'array', SESSION_DRIVER: 'array'
  }
}

/**
 * The copy's .env: its own (else the source's, else .env.example) with the scratch database's settings replacing
 * theirs, and an APP_KEY when it has none. `php artisan serve` re-reads .env in its child process.
 */
async function writeDotEnv(app: string, fallbacks: string[], vars: Record<string, string>): Promise<void> {
  const from = [join(app, '.env'), ...fallbacks, join(app, '.env.example')].find((f) => existsSync(f))
  const lines = (from ? await readFile(from, 'utf8') : '').split('\n').filter((l) => !/^\s*(DB_|DATABASE_URL|APP_ENV|CACHE_|SESSION_DRIVER)/.test(l))
  const key = lines.find((l) => /^\s*APP_KEY\s*=\s*\S/.test(l))
  const extra = key ? {} : { APP_KEY: `base64:${randomBytes(32).toString('base64')}` }
  const own = Object.entries({ ...vars, ...extra }).map(([k, v]) => `${k}=${JSON.stringify(v)}`)
  await writeFile(join(app, '.env'), [...lines.filter((l) => !/^\s*APP_KEY\s*=/.test(l) || key), ...own, ''].join('\n'))
}

async function copyApp(source: string, app: string, exclude: Set<string>, head: string | undefined): Promise<void> {
  await cp(source, app, {
    recursive: true,
    filter: (src) => {
      const rel = src.slice(source.length).replace(/^[\\/]/, '')
      const top = rel.split(/[\\/]/)[0] ?? ''
      if (SKIP.has(top) || /^bootstrap[\\/]cache[\\/].*\.php$/.test(rel)) return false
      return !(/^database[\\/]migrations[\\/]/.test(rel) && exclude.has(basename(rel)))
    }
  })
  const deps = existsSync(join(source, 'vendor')) || !head ? source : head
  await symlink(join(deps, 'vendor'), join(app, 'vendor')).catch(() => undefined)
}

/**
 * Copies the app at `source` to a temp dir (vendor/ linked, not copied; cached config and the migrations
 * under test left out; environment variables and .env point at the scratch database), creates the scratch
 * database (unless `shared`) and returns the handle.
 */
export async function scratchApp(source: string, target: DbTarget, options: ScratchOptions = {}): Promise<ScratchApp> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-verify-'))
  const app = join(dir, 'app')
  await copyApp(source, app, options.exclude ?? new Set(), options.head)
  const migrations = join(app, 'database', 'migrations')
  await mkdir(migrations, { recursive: true })
  const owner = options.shared === undefined
  const database = options.shared ?? (target.driver === 'sqlite' ? join(dir, 'scratch.sqlite') : `slipway_verify_${process.pid}_${Date.now().toString(36)}`)
  if (owner && target.driver === 'sqlite') await writeFile(database, '')
  const script = join(dir, 'slipway-db.php')
  await writeFile(script, DB_SCRIPT)
  const vars = dbEnv(target, database)
  await writeDotEnv(app, options.head ? [join(options.head, '.env')] : [], vars)
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars, SLIPWAY_DB: JSON.stringify({ ...target, database }), COLUMNS: '400' }
  const php = options.php ?? 'php'
  const db = async (action: string): Promise<RunResult> => run(php, [script, action], dir, env)
  if (owner && target.driver !== 'sqlite') {
    const created = await db('create')
    if (created.code !== 0) { await rm(dir, { recursive: true, force: true }); throw new Error(`cannot create scratch database: ${created.output}`) }
  }
  return {
    dir: app,
    migrations,
    env,
    database,
    artisan: (args) => run(php, ['artisan', ...args, '--force', '--no-interaction', '--no-ansi'], app, env),
    async snapshot() {
      const r = await db('snapshot')
      if (r.code !== 0) throw new Error(`schema snapshot failed: ${r.output}`)
      return JSON.parse(r.output.split('\n').pop() ?? '[]') as string[]
    },
    async dispose() {
      if (owner && target.driver !== 'sqlite') await db('drop')
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The migration files of an app's database/migrations, by base name. */
export async function appMigrations(app: string): Promise<string[]> {
  return (await readdir(join(app, 'database', 'migrations')).catch(() => [])).filter((f) => f.endsWith('.php'))
}
