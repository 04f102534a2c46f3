import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The database engines whose locking the rules know. */
export type Engine = 'pgsql' | 'mysql' | 'mariadb' | 'sqlite' | 'sqlsrv'

/** The database an app runs on, and where that was read (said in the findings that depend on it). */
export interface Database {
  /** Undefined when unknown: the rules then say what happens on each engine. */
  engine: Engine | undefined
  /** `DB_CONNECTION=mysql in .env.example`, `check.database: pgsql`, … */
  source: string
}

const ENGINES: readonly string[] = ['pgsql', 'mysql', 'mariadb', 'sqlite', 'sqlsrv']

/** Whether the engine builds secondary indexes without blocking writes (InnoDB's online DDL). */
export function isMysql(db: Database): boolean {
  return db.engine === 'mysql' || db.engine === 'mariadb'
}

function read(path: string): string | undefined {
  try { return readFileSync(path, 'utf8') } catch { return undefined }
}

/** The driver of a connection named in config/database.php (`'tenant' => ['driver' => 'pgsql', …]`), else the name if it is a driver. */
function driverOf(connection: string, config: string | undefined): Engine | undefined {
  const block = config ? new RegExp(`['"]${connection}['"]\\s*=>\\s*\\[([\\s\\S]*?)\\]`).exec(config) : null
  const driver = block ? /['"]driver['"]\s*=>\s*(?:env\([^,]+,\s*)?['"](\w+)['"]/.exec(block[1] ?? '')?.[1] : undefined
  const name = driver ?? connection
  return ENGINES.includes(name) ? (name as Engine) : undefined
}

/**
 * The database of the Laravel app at `root`: `DB_CONNECTION` in .env.example, else the default connection of
 * config/database.php (or app/Config/database.php: `'default' => env('DB_CONNECTION', 'mysql')`), mapped to its driver. Undefined when neither says.
 */
export function detectDatabase(root: string): Database | undefined {
  const config = read(join(root, 'config', 'database.php')) ?? read(join(root, 'app', 'Config', 'database.php'))
  const example = read(join(root, '.env.example'))
  const fromEnv = example ? /^\s*DB_CONNECTION\s*=\s*["']?(\w+)/m.exec(example)?.[1] : undefined
  if (fromEnv) {
    const engine = driverOf(fromEnv, config)
    if (engine) return { engine, source: `DB_CONNECTION=${fromEnv} in .env.example` }
  }
  const fallback = config ? /['"]default['"]\s*=>\s*(?:env(?:_default_when_empty)?\((?:env\()?\s*['"]DB_CONNECTION['"]\)?\s*,\s*)?['"](\w+)['"]/.exec(config)?.[1] : undefined
  if (fallback) {
    const engine = driverOf(fallback, config)
    if (engine) return { engine, source: `default connection ${fallback} in config/database.php` }
  }
  return undefined
}

/** Parses a `check.database` setting; throws a message naming the accepted values. */
export function configuredDatabase(value: string): Database {
  const name = value === 'postgres' || value === 'postgresql' ? 'pgsql' : value
  if (!ENGINES.includes(name)) throw new Error(`check.database: ${value} is not pgsql, mysql, mariadb, sqlite or sqlsrv`)
  return { engine: name as Engine, source: `check.database: ${value}` }
}
