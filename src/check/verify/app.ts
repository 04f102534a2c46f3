import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
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
  artisan(args: string[]): Promise<RunResult>
  snapshot(): Promise<string[]>
  dispose(): Promise<void>
}

const SKIP = new Set(['vendor', 'node_modules', '.git'])

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      done({ code, output: `${stdout}${stderr}`.trim() })
    })
  })
}

/**
 * Copies the app at `source` to a temp dir (vendor/ linked, not copied; cached config and the migrations
 * under test left out; environment variables override .env), creates the scratch database and returns the handle. `exclude` are the base
 * names of the migrations under test, held back from the baseline.
 */
export async function scratchApp(source: string, target: DbTarget, exclude: Set<string>, php = 'php'): Promise<ScratchApp> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-verify-'))
  const app = join(dir, 'app')
  await cp(source, app, {
    recursive: true,
    filter: (src) => {
      const rel = src.slice(source.length).replace(/^[\\/]/, '')
      const top = rel.split(/[\\/]/)[0] ?? ''
      if (SKIP.has(top) || /^bootstrap[\\/]cache[\\/].*\.php$/.test(rel)) return false
      return !(/^database[\\/]migrations[\\/]/.test(rel) && exclude.has(basename(rel)))
    }
  })
  await symlink(join(source, 'vendor'), join(app, 'vendor')).catch(() => undefined)
  const migrations = join(app, 'database', 'migrations')
  await mkdir(migrations, { recursive: true })
  const database = target.driver === 'sqlite' ? join(dir, 'scratch.sqlite') : `slipway_verify_${process.pid}_${Date.now().toString(36)}`
  if (target.driver === 'sqlite') await writeFile(database, '')
  const script = join(dir, 'slipway-db.php')
  await writeFile(script, DB_SCRIPT)
  const settings = JSON.stringify({ ...target, database })
  const env: NodeJS.ProcessEnv = {
    ...process.env, SLIPWAY_DB: settings, APP_ENV: 'local', DB_CONNECTION: target.driver, DB_DATABASE: database,
    DB_HOST: target.host, DB_PORT: target.port, DB_USERNAME: target.username, DB_PASSWORD: target.password,
    DATABASE_URL: '', DB_URL: '', CACHE_DRIVER: 'array', CACHE_STORE: 'array', SESSION_DRIVER: 'array', COLUMNS: '400'
  }
  const db = async (action: string): Promise<RunResult> => run(php, [script, action], dir, env)
  if (target.driver !== 'sqlite') {
    const created = await db('create')
    if (created.code !== 0) { await rm(dir, { recursive: true, force: true }); throw new Error(`cannot create scratch database: ${created.output}`) }
  }
  return {
    dir: app,
    migrations,
    artisan: (args) => run(php, ['artisan', ...args, '--force', '--no-interaction', '--no-ansi'], app, env),
    async snapshot() {
      const r = await db('snapshot')
      if (r.code !== 0) throw new Error(`schema snapshot failed: ${r.output}`)
      return JSON.parse(r.output.split('\n').pop() ?? '[]') as string[]
    },
    async dispose() {
      if (target.driver !== 'sqlite') await db('drop')
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The migration files of an app's database/migrations, by base name. */
export async function appMigrations(app: string): Promise<string[]> {
  return (await readdir(join(app, 'database', 'migrations')).catch(() => [])).filter((f) => f.endsWith('.php'))
}
