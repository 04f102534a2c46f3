import type { Node } from 'libpg-query'
import type { Add } from './alter.js'
import { objectName, relname, unwrap, type SqlStatement } from './parse.js'

/** Objects whose DROP the previous release may still need (squawk's rollback-compatibility family). */
const OBJECTS: Record<string, string> = {
  OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure',
  OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'domain', OBJECT_SEQUENCE: 'sequence', OBJECT_SCHEMA: 'schema'
}

/** Whether a CREATE TABLE references other tables: each referenced table is locked SHARE ROW EXCLUSIVE. */
export function createReferences(s: SqlStatement): boolean {
  const constraints = [...((s.fields.constraints as Node[] | undefined) ?? []),
    ...((s.fields.tableElts as Node[] | undefined) ?? []).flatMap((e) => (unwrap(e)[1].constraints as Node[] | undefined) ?? [])]
  return constraints.some((c) => unwrap(c)[1].contype === 'CONSTR_FOREIGN')
}

/**
 * Findings of the statements the main rules do not cover: REINDEX, triggers, bulk UPDATE, and what code rolled back
 * to the previous release may still need (dropped or renamed objects, SET SCHEMA, new enum values). Returns whether
 * the statement takes a lock that queues queries behind it.
 */
export function otherFindings(s: SqlStatement, table: string | undefined, created: Set<string>, add: Add): boolean {
  switch (s.kind) {
    case 'CreateTableAsStmt': {
      const into = relname((s.fields.into as { rel?: unknown } | undefined)?.rel)
      if (into) created.add(into)
      return false
    }
    case 'ReindexStmt': {
      const concurrent = ((s.fields.params as Node[] | undefined) ?? []).some((p) => unwrap(p)[1].defname === 'concurrently')
      if (!concurrent) add('pg-reindex', `REINDEX ${table ?? ''} blocks writes to the table (and reads through the index) while it rebuilds`)
      return !concurrent
    }
    case 'CreateTrigStmt': return table !== undefined && !created.has(table)
    case 'UpdateStmt':
      if (!s.fields.whereClause && table && !created.has(table)) add('pg-update-without-where', `UPDATE ${table} without WHERE rewrites every row in one statement, holding their locks until it commits`)
      return false
    case 'AlterObjectSchemaStmt': {
      const name = table ?? objectName((s.fields.object as Node | undefined) ?? ({} as Node))
      add('pg-set-schema', `moving ${name} to schema ${String(s.fields.newschema)}: the previous release looks for it in its old schema`)
      return true
    }
    case 'AlterEnumStmt':
      if (s.fields.newVal && !s.fields.oldVal) {
        const type = ((s.fields.typeName as Node[] | undefined) ?? []).map((n) => String(unwrap(n)[1].sval ?? '')).join('.')
        add('pg-add-enum-value', `adding '${String(s.fields.newVal)}' to enum ${type}: it cannot be removed on rollback, and the previous release does not know it`)
      }
      return false
    default: return false
  }
}

const last = (list: unknown): string => {
  const items = (list as Node[] | undefined) ?? []
  return String(unwrap(items[items.length - 1])[1].sval ?? '')
}

/** The names of the objects and constraints a file creates: a DROP followed by a CREATE of the same name replaces, not removes. */
export function createdNames(statements: SqlStatement[]): Set<string> {
  const names = new Set<string>()
  for (const s of statements) {
    const f = s.fields
    if (s.kind === 'ViewStmt') names.add(relname(f.view) ?? '')
    if (s.kind === 'CreateTableAsStmt') names.add(relname((f.into as { rel?: unknown } | undefined)?.rel) ?? '')
    if (s.kind === 'CreateFunctionStmt') names.add(last(f.funcname))
    if (s.kind === 'CreateTrigStmt') names.add(String(f.trigname))
    if (s.kind === 'CreateEnumStmt') names.add(last(f.typeName))
    if (s.kind === 'CompositeTypeStmt') names.add(relname(f.typevar) ?? '')
    if (s.kind === 'CreateSeqStmt') names.add(relname(f.sequence) ?? '')
    // An object renamed to a temporary name and dropped later in the file was replaced, not removed.
    if (s.kind === 'RenameStmt' && typeof f.newname === 'string') names.add(f.newname)
    if (s.kind === 'AlterTableStmt') {
      for (const c of (f.cmds as Node[] | undefined) ?? []) {
        const [kind, def] = unwrap(unwrap(c)[1].def as Node | undefined)
        if (kind === 'Constraint' && typeof def.conname === 'string') names.add(def.conname)
      }
    }
  }
  return names
}

/** DROP of a view, function, type, sequence, …: the previous release may still use it (unless the file creates it again). */
export function dropObjectFindings(type: string, names: string[], recreated: Set<string>, add: Add): void {
  const what = OBJECTS[type]
  names = names.filter((n) => !recreated.has(n))
  if (what && names.length > 0) add('pg-drop-object', `dropping ${what} ${names.join(', ')}: code rolled back to the previous release may still use it`)
}

/** RENAME of anything but a table, column or index: the previous release uses the old name (unless the file creates it again). */
export function renameObjectFindings(s: SqlStatement, recreated: Set<string>, add: Add): void {
  const type = String(s.fields.renameType)
  // Index names are not in queries; tables and columns have their own rules.
  if (type === 'OBJECT_COLUMN' || type === 'OBJECT_TABLE' || type === 'OBJECT_INDEX') return
  const table = relname(s.fields.relation)
  const plain = type === 'OBJECT_TABCONSTRAINT' ? String(s.fields.subname) : table ?? objectName((s.fields.object as Node | undefined) ?? ({} as Node))
  if (recreated.has(plain)) return
  const old = type === 'OBJECT_TABCONSTRAINT' ? `constraint ${String(s.fields.subname)} of ${table ?? '?'}`
    : `${type.replace('OBJECT_', '').toLowerCase().replace(/_/g, ' ')} ${table ?? objectName((s.fields.object as Node | undefined) ?? ({} as Node))}`
  add('pg-rename-object', `renaming ${old} to ${String(s.fields.newname)}: the previous release uses the old name`)
}
