/**
 * What a failed migration left, and the statements that remove exactly what it added. Pure: decided on the
 * runner from the snapshots taken as the migration started and after it failed; the host only runs the SQL.
 */
import { describeItem, diffSchema, type Schema, type SchemaDiff, type SchemaItem } from './schema.js'

/** The verdict on a failed migration's traces. */
export type Leftovers =
  /** It left nothing: the schema equals the one it started from. */
  | { kind: 'none' }
  /** It only added: these statements remove what it added (`kept` lists what cannot be removed on its own). */
  | { kind: 'added'; diff: SchemaDiff; items: SchemaItem[]; sql: string[]; kept: SchemaItem[] }
  /** It removed or changed what existed: nothing is touched (what it added may hold what it moved). */
  | { kind: 'destroyed'; diff: SchemaDiff }

/** Judges what the failed migration did to the schema between `start` and `after`. */
export function judgeLeftovers(start: Schema, after: Schema): Leftovers {
  const diff = diffSchema(start, after)
  if (diff.removed.length || diff.changed.length) return { kind: 'destroyed', diff }
  if (!diff.added.length) return { kind: 'none' }
  return { kind: 'added', diff, ...removal(after, diff.added) }
}

const mysql = (driver: string): boolean => driver === 'mysql' || driver === 'mariadb'

/** An identifier quoted for the driver. */
export function quoteIdent(driver: string, name: string): string {
  const q = mysql(driver) ? '`' : '"'
  return `${q}${name.replaceAll(q, q + q)}${q}`
}

const ORDER: SchemaItem['kind'][] = ['foreign key', 'index', 'column', 'table']

/**
 * Statements that drop `added`, in an order that works: foreign keys, then indexes, then columns of tables that
 * existed, then added tables (a table another added table references goes after it). SQLite cannot drop a
 * foreign key on its own (only with its column or table), nor a constraint's index: those are `kept`.
 */
function removal(after: Schema, added: SchemaItem[]): { items: SchemaItem[]; sql: string[]; kept: SchemaItem[] } {
  const d = after.driver
  const tables = orderTables(after, added.filter((i) => i.kind === 'table').map((i) => i.name))
  const rest = added.filter((i) => i.kind !== 'table').sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
  const items: SchemaItem[] = []
  const sql: string[] = []
  const kept: SchemaItem[] = []
  for (const item of [...rest, ...tables.map((t) => added.find((i) => i.kind === 'table' && i.name === t)!)]) {
    const statement = dropStatement(d, after, item)
    if (statement) {
      items.push(item)
      sql.push(statement)
    } else kept.push(item)
  }
  return { items, sql, kept }
}

/** The added tables, each after the added tables that reference it. */
function orderTables(after: Schema, names: string[]): string[] {
  const refs = (t: string) => Object.values(after.tables[t]?.foreign_keys ?? {}).map((f) => f.table).filter((r) => r !== t && names.includes(r))
  const done: string[] = []
  const visit = (t: string, path: string[]) => {
    if (done.includes(t) || path.includes(t)) return
    for (const other of names) if (refs(other).includes(t)) visit(other, [...path, t])
    if (!done.includes(t)) done.push(t)
  }
  for (const t of [...names].sort()) visit(t, [])
  return done
}

/** The statement that drops one item, or undefined when the database cannot drop it on its own. */
function dropStatement(d: string, after: Schema, item: SchemaItem): string | undefined {
  const table = quoteIdent(d, item.table)
  const name = quoteIdent(d, item.name)
  if (item.kind === 'table') return `DROP TABLE ${table}`
  if (item.kind === 'column') return `ALTER TABLE ${table} DROP COLUMN ${name}`
  if (item.kind === 'foreign key') {
    if (d === 'sqlite') return undefined
    return mysql(d) ? `ALTER TABLE ${table} DROP FOREIGN KEY ${name}` : `ALTER TABLE ${table} DROP CONSTRAINT ${name}`
  }
  if (mysql(d)) return `ALTER TABLE ${table} DROP INDEX ${name}`
  const constraint = after.tables[item.table]?.indexes[item.name]?.constraint
  if (!constraint) return `DROP INDEX ${name}`
  return d === 'pgsql' ? `ALTER TABLE ${table} DROP CONSTRAINT ${name}` : undefined
}

/** The leftovers in words: `table audits (1 row), index items_color_index`. */
export function describeItems(items: SchemaItem[]): string {
  return items.map(describeItem).join(', ')
}
