import { finding, type Site } from '../catalog.js'
import type { Finding } from '../types.js'
import { isMysql, type Database } from './database.js'
import type { ColumnDef, IndexDef } from './ops.js'

/** Findings for an index added to an existing table, by engine: what it locks there and for how long; `noDuplicates` when a new all-NULL column is part of it. */
export function indexFindings(table: string, index: IndexDef, site: Site, db: Database, noDuplicates = false): Finding[] {
  const { type, name } = index
  const on = db.engine ? ` (${db.source})` : ''
  if (type === 'foreign') {
    if (isMysql(db)) return [finding('add-foreign-key', site, `adding foreign key ${name} copies ${table} (ALGORITHM=COPY while foreign_key_checks is on), blocking writes for the whole copy${on}`)]
    return [finding('add-foreign-key', site, `adding foreign key ${name} validates every row of ${table} while writes are blocked${on}`)]
  }
  if (isMysql(db)) {
    if (type === 'fulltext' || type === 'spatialindex') return [finding('add-index', site, `adding ${type} index ${name} to ${table} blocks writes while it builds: InnoDB does not build ${type} indexes online${on}`)]
    if (type === 'index' || (type === 'unique' && noDuplicates)) return []
    return [finding('add-unique', site, `adding ${type} index ${name} to ${table}: InnoDB builds it without blocking writes, but the migration fails if existing rows have duplicates${on}`)]
  }
  const how = db.engine === 'sqlite' ? 'locks the database' : db.engine === 'pgsql' ? 'blocks writes to the table' : 'blocks writes (on PostgreSQL and SQLite; MySQL/MariaDB build it online)'
  if (type === 'unique' || type === 'primary') return [finding('add-unique', site, `adding ${type} index ${name} to ${table} ${how} while it builds${noDuplicates ? '' : ', and fails on duplicates'}${on}`)]
  return [finding('add-index', site, `adding index ${name} to ${table} ${how} while it builds${on}`)]
}

const STRING_TYPES = new Set(['string', 'char'])
const TEXT_TYPES = new Set(['text', 'mediumText', 'longText'])

function length(c: ColumnDef): number {
  const n = Number(c.args[0])
  return Number.isFinite(n) && c.args[0] !== undefined && c.args[0] !== '?' ? n : 255
}

/**
 * What changing a column from `prev` to `next` costs on the engine: `none` for changes done in the catalog only
 * (a wider varchar, varchar → text, more decimal precision on PostgreSQL; a varchar widened within the same length
 * prefix on InnoDB), else `rewrite`.
 */
export function typeChangeCost(prev: ColumnDef, next: ColumnDef, db: Database): 'none' | 'rewrite' {
  const widerString = prev.type === 'string' && next.type === 'string' && length(next) >= length(prev)
  if (db.engine === 'pgsql') {
    if (widerString || (STRING_TYPES.has(prev.type) && TEXT_TYPES.has(next.type))) return 'none'
    if (prev.type === 'decimal' && next.type === 'decimal') {
      const [p0, s0] = prev.args.map(Number)
      const [p1, s1] = next.args.map(Number)
      if (p0 !== undefined && p1 !== undefined && p1 >= p0 && (s1 ?? 0) === (s0 ?? 0)) return 'none'
    }
    return 'rewrite'
  }
  if (isMysql(db) && widerString) {
    // utf8mb4: 4 bytes a character; a varchar keeps a 1-byte length prefix up to 255 bytes.
    return (length(prev) * 4 <= 255) === (length(next) * 4 <= 255) ? 'none' : 'rewrite'
  }
  return 'rewrite'
}

/** How a type change locks on the engine, for messages. */
export function rewriteWords(db: Database): string {
  switch (db.engine) {
    case 'pgsql': return 'rewrites the table under an ACCESS EXCLUSIVE lock'
    case 'mysql': case 'mariadb': return 'copies the table (ALGORITHM=COPY), blocking writes'
    case 'sqlite': return 'rebuilds the table (SQLite has no ALTER COLUMN), locking the database'
    default: return 'rewrites the table under an exclusive lock'
  }
}

/** Findings for an index or foreign key dropped from an existing table. */
export function dropIndexFindings(table: string, index: IndexDef, site: Site, db: Database): Finding[] {
  const on = db.engine ? ` (${db.source})` : ''
  if (index.type === 'foreign') return [finding('drop-foreign-key', site, `dropping foreign key ${index.name} of ${table}: the database stops enforcing the relation and its cascades${on}`)]
  const lock = db.engine === 'pgsql' ? ', and DROP INDEX takes an ACCESS EXCLUSIVE lock on the table' : isMysql(db) || db.engine === undefined ? '' : ', and the table is locked while it is dropped'
  const unique = index.type === 'unique' || index.type === 'primary' ? ', and the table stops rejecting duplicates' : ''
  return [finding('drop-index', site, `dropping ${index.type === 'index' ? 'index' : `${index.type} index`} ${index.name} of ${table}: queries of the running code that use it slow down${unique}${lock}${on}`)]
}
