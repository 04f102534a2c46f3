/**
 * A database schema as read on the host (schema-php.ts), and the one comparison of two of them: what was added,
 * removed or changed — tables, columns (type, nullability, default), indexes and foreign keys.
 */

/** A column: its type as the database spells it, whether it takes NULL, its default expression. */
export interface Column {
  type: string
  nullable: boolean
  default: string | null
}

/** An index: its columns in order, unique or not, and whether it belongs to a constraint (primary key, unique). */
export interface Index {
  columns: string[]
  unique: boolean
  constraint: boolean
}

/** A foreign key: its columns, the table and columns they reference. */
export interface ForeignKey {
  columns: string[]
  table: string
  references: string[]
}

/** A table; `rows` is counted only in the tables a failed migration added. */
export interface Table {
  rows?: number
  columns: Record<string, Column>
  indexes: Record<string, Index>
  foreign_keys: Record<string, ForeignKey>
}

/** A snapshot of one database's schema (`error` when it could not be read). */
export interface Schema {
  driver: string
  tables: Record<string, Table>
  error?: string
}

/** One object of a schema. SQLite's foreign keys have no name: theirs is `(columns) table`. */
export interface SchemaItem {
  kind: 'table' | 'column' | 'index' | 'foreign key'
  table: string
  name: string
  rows?: number
}

/** What changed between two snapshots. */
export interface SchemaDiff {
  added: SchemaItem[]
  removed: SchemaItem[]
  changed: SchemaItem[]
}

/** Reads a snapshot line's JSON; throws with the text when it is not one. */
export function parseSchema(json: string): Schema {
  try {
    const s = JSON.parse(json) as Partial<Schema>
    if (typeof s.driver !== 'string') throw new Error('no driver')
    return { driver: s.driver, tables: s.tables && !Array.isArray(s.tables) ? s.tables : {}, ...(s.error ? { error: s.error } : {}) }
  } catch {
    throw new Error(`could not read the schema snapshot (got: ${JSON.stringify(json.slice(0, 300))})`)
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
const KINDS = [['columns', 'column'], ['indexes', 'index'], ['foreign_keys', 'foreign key']] as const

/** What `after` added to, removed from and changed in `before`. Parts of an added or removed table are not listed on their own. */
export function diffSchema(before: Schema, after: Schema): SchemaDiff {
  const diff: SchemaDiff = { added: [], removed: [], changed: [] }
  for (const [table, t] of Object.entries(after.tables)) {
    if (!before.tables[table]) diff.added.push({ kind: 'table', table, name: table, ...(t.rows !== undefined ? { rows: t.rows } : {}) })
  }
  for (const [table, old] of Object.entries(before.tables)) {
    const now = after.tables[table]
    if (!now) {
      diff.removed.push({ kind: 'table', table, name: table })
      continue
    }
    for (const [key, kind] of KINDS) {
      const was: Record<string, unknown> = old[key] ?? {}
      const is: Record<string, unknown> = now[key] ?? {}
      for (const name of Object.keys(is)) if (!(name in was)) diff.added.push({ kind, table, name })
      for (const [name, value] of Object.entries(was)) {
        if (!(name in is)) diff.removed.push({ kind, table, name })
        else if (!same(value, is[name])) diff.changed.push({ kind, table, name })
      }
    }
  }
  return diff
}

/** True when the diff holds nothing. */
export function isEmpty(diff: SchemaDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length
}

/** An item as a report names it: `table audits (1 row)`, `column items.color`, `index items_color_index`. */
export function describeItem(item: SchemaItem): string {
  if (item.kind === 'table') return `table ${item.name}${item.rows !== undefined ? ` (${item.rows} row${item.rows === 1 ? '' : 's'})` : ''}`
  if (item.kind === 'column') return `column ${item.table}.${item.name}`
  return `${item.kind} ${item.name}${item.kind === 'foreign key' && item.name.startsWith('(') ? ` on ${item.table}` : ''}`
}

/** A diff in words: `added: …; removed: …; changed: …` (only the parts that hold something). */
export function describeDiff(diff: SchemaDiff): string {
  const parts = (['added', 'removed', 'changed'] as const).filter((k) => diff[k].length).map((k) => `${k}: ${diff[k].map(describeItem).join(', ')}`)
  return parts.join('; ') || 'no difference'
}
