import { CheckInputError } from '../errors.js'

/** A scratch database for --verify. For pgsql/mysql, `database` is the scratch database to create and drop. */
export interface DbTarget {
  driver: 'sqlite' | 'pgsql' | 'mysql'
  host: string
  port: string
  username: string
  password: string
  /** pgsql: the database to connect to for CREATE/DROP DATABASE (the DSN's path, default `postgres`). */
  admin: string
}

/**
 * Parses a --database DSN: `sqlite` (a scratch file, the default), `pgsql://user:pass@host:port/db`
 * (also `postgres://`, `postgresql://`) or `mysql://user:pass@host:port` (also `mariadb://`).
 * The server is only used to create and drop a scratch database; the named database is never written to.
 */
export function parseDsn(dsn: string): DbTarget {
  const text = dsn.trim()
  if (text === '' || text === 'sqlite' || text.startsWith('sqlite:')) {
    return { driver: 'sqlite', host: '', port: '', username: '', password: '', admin: '' }
  }
  let url: URL
  try { url = new URL(text) } catch { throw new CheckInputError(`--database ${text}: not a DSN (sqlite, pgsql://…, mysql://…)`) }
  const scheme = url.protocol.replace(/:$/, '')
  const driver = ['pgsql', 'postgres', 'postgresql'].includes(scheme) ? 'pgsql' : ['mysql', 'mariadb'].includes(scheme) ? 'mysql' : undefined
  if (!driver) throw new CheckInputError(`--database ${text}: unknown scheme ${scheme} (sqlite, pgsql, mysql)`)
  return {
    driver,
    host: decodeURIComponent(url.hostname) || '127.0.0.1',
    port: url.port || (driver === 'pgsql' ? '5432' : '3306'),
    username: decodeURIComponent(url.username) || (driver === 'pgsql' ? 'postgres' : 'root'),
    password: decodeURIComponent(url.password),
    admin: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres'
  }
}
