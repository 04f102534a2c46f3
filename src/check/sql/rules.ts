import type { Node } from 'libpg-query'
import { finding } from '../catalog.js'
import type { Finding } from '../types.js'
import { unwrap, type SqlStatement } from './parse.js'

/** Where SQL statements come from, for the rules that depend on it. */
export interface SqlContext {
  file: string
  locate: (offset: number) => { line: number; column: number }
  /** SQL inside a Laravel migration: the file-level rules (lock_timeout, BEGIN … COMMIT) do not apply. */
  embedded: boolean
  /** Tables created earlier in the same migration: changing them locks nobody out. Grows as CREATE TABLEs are seen. */
  created: Set<string>
}

const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
  'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current', 'statement_timestamp'])
const STATEMENT_NAMES: Record<string, string> = { IndexStmt: 'CREATE INDEX', DropStmt: 'DROP', RenameStmt: 'RENAME', AlterTableStmt: 'ALTER TABLE' }
const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'])

/** Runs the PostgreSQL rules over the statements of one file (or one DB::statement). */
export function sqlFindings(statements: SqlStatement[], ctx: SqlContext): Finding[] {
  const out: Finding[] = []
  let inTransaction = false
  let lockTimeout = false
  let warnedTimeout = false
  const validated = new Set<string>()
  for (const s of statements) {
    const site = { file: ctx.file, ...ctx.locate(s.start) }
    const add = (id: string, message: string): void => { out.push(finding(id, site, message)) }
    const table = relname(s.fields.relation)
    const isNew = table !== undefined && ctx.created.has(table)
    let locks = false
    switch (s.kind) {
      case 'TransactionStmt': {
        const kind = String(s.fields.kind)
        if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') inTransaction = true
        if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') inTransaction = false
        break
      }
      case 'VariableSetStmt':
        if (s.fields.name === 'lock_timeout') lockTimeout = true
        break
      case 'CreateStmt':
        if (table) ctx.created.add(table)
        break
      case 'IndexStmt': {
        const concurrent = s.fields.concurrent === true
        if (concurrent && inTransaction && !ctx.embedded) add('pg-concurrently-in-transaction', `CREATE INDEX CONCURRENTLY on ${table} inside a transaction block fails`)
        if (!concurrent && !isNew) { add('pg-create-index', `CREATE INDEX on ${table} blocks writes to the table while it builds`); locks = true }
        break
      }
      case 'DropStmt': {
        const type = String(s.fields.removeType)
        const names = (s.fields.objects as Node[] | undefined ?? []).map(objectName)
        if (type === 'OBJECT_INDEX') {
          const concurrent = s.fields.concurrent === true
          if (concurrent && inTransaction && !ctx.embedded) add('pg-concurrently-in-transaction', `DROP INDEX CONCURRENTLY ${names.join(', ')} inside a transaction block fails`)
          if (!concurrent) { add('pg-drop-index', `DROP INDEX ${names.join(', ')} blocks reads and writes of its table`); locks = true }
        }
        if (type === 'OBJECT_TABLE') {
          const old = names.filter((n) => !ctx.created.has(n))
          if (old.length > 0) { add('pg-drop-table', `DROP TABLE ${old.join(', ')} destroys the table and its rows`); locks = true }
        }
        break
      }
      case 'RenameStmt': {
        if (isNew) break
        const type = String(s.fields.renameType)
        if (type === 'OBJECT_COLUMN') add('pg-rename-column', `renaming ${table}.${String(s.fields.subname)} to ${String(s.fields.newname)} breaks the code still using the old name`)
        if (type === 'OBJECT_TABLE') add('pg-rename-table', `renaming ${table} to ${String(s.fields.newname)} breaks the code still using the old name`)
        locks = true
        break
      }
      case 'AlterTableStmt':
        if (isNew || String(s.fields.objtype) !== 'OBJECT_TABLE') break
        for (const c of (s.fields.cmds as Node[] | undefined) ?? []) {
          const cmd = unwrap(c)[1]
          if (cmd.subtype === 'AT_ValidateConstraint' && table) validated.add(table)
          if (cmd.subtype !== 'AT_SetNotNull' || !validated.has(table ?? '')) alterFindings(table ?? '?', cmd, add)
        }
        locks = true
        break
      case 'TruncateStmt':
        add('pg-delete-data', `TRUNCATE ${(s.fields.relations as Node[] | undefined ?? []).map(objectName).join(', ')} deletes every row`)
        break
      case 'DeleteStmt':
        if (!s.fields.whereClause) add('pg-delete-data', `DELETE FROM ${table} without WHERE deletes every row`)
        break
    }
    if (locks && !lockTimeout && !warnedTimeout && !ctx.embedded) {
      warnedTimeout = true
      add('pg-missing-lock-timeout', `no SET lock_timeout before this ${STATEMENT_NAMES[s.kind] ?? s.kind}: while it waits for its lock, every query on ${table ?? 'the table'} queues behind it`)
    }
  }
  return out
}

function alterFindings(table: string, cmd: Record<string, unknown>, add: (id: string, message: string) => void): void {
  const column = `${table}.${String(cmd.name)}`
  const [defKind, def] = unwrap(cmd.def as Node | undefined)
  switch (String(cmd.subtype)) {
    case 'AT_DropColumn': add('pg-drop-column', `dropping ${column} breaks the code still reading it and destroys its data`); break
    case 'AT_AlterColumnType': add('pg-alter-column-type', `changing the type of ${column} rewrites ${table} under an ACCESS EXCLUSIVE lock`); break
    case 'AT_SetNotNull': add('pg-set-not-null', `SET NOT NULL on ${column} scans ${table} under an ACCESS EXCLUSIVE lock`); break
    case 'AT_AddColumn': if (defKind === 'ColumnDef') addColumnFindings(table, def, add); break
    case 'AT_AddConstraint': if (defKind === 'Constraint') constraintFindings(table, def, add); break
  }
}

function addColumnFindings(table: string, def: Record<string, unknown>, add: (id: string, message: string) => void): void {
  const column = `${table}.${String(def.colname)}`
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map((c) => unwrap(c)[1])
  const has = (type: string): Record<string, unknown> | undefined => constraints.find((c) => c.contype === type)
  const defaultExpr = has('CONSTR_DEFAULT')
  const typeName = typeNameOf(def.typeName)
  if (has('CONSTR_NOTNULL') && !defaultExpr && !has('CONSTR_IDENTITY') && !has('CONSTR_GENERATED') && !SERIAL.has(typeName)) {
    add('pg-add-not-null-column', `${column} is NOT NULL without a DEFAULT: the statement fails on a non-empty table and the running code's INSERTs fail`)
  }
  const volatile = defaultExpr && volatileCall(defaultExpr.raw_expr)
  if (volatile || SERIAL.has(typeName) || has('CONSTR_GENERATED')) {
    add('pg-volatile-default', `adding ${column} ${volatile ? `with DEFAULT ${volatile}()` : `as ${typeName || 'a stored generated column'}`} rewrites ${table} under an ACCESS EXCLUSIVE lock`)
  }
  if (has('CONSTR_UNIQUE') || has('CONSTR_PRIMARY')) add('pg-add-unique-constraint', `the UNIQUE/PRIMARY KEY on new column ${column} builds its index under an ACCESS EXCLUSIVE lock`)
}

function constraintFindings(table: string, c: Record<string, unknown>, add: (id: string, message: string) => void): void {
  const name = c.conname ? ` ${String(c.conname)}` : ''
  const type = String(c.contype)
  if ((type === 'CONSTR_FOREIGN' || type === 'CONSTR_CHECK') && c.skip_validation !== true) {
    add('pg-constraint-not-valid', `constraint${name} on ${table} is validated while ${table} is locked${type === 'CONSTR_FOREIGN' ? ' (and the referenced table too)' : ''}: add it NOT VALID`)
  }
  if ((type === 'CONSTR_UNIQUE' || type === 'CONSTR_PRIMARY') && !c.indexname) {
    add('pg-add-unique-constraint', `constraint${name} on ${table} builds its index under an ACCESS EXCLUSIVE lock`)
  }
}

function volatileCall(expr: unknown): string | undefined {
  if (Array.isArray(expr)) { for (const e of expr) { const v = volatileCall(e); if (v) return v } return undefined }
  if (typeof expr !== 'object' || expr === null) return undefined
  const fn = (expr as { FuncCall?: { funcname?: Node[] } }).FuncCall
  if (fn) {
    const name = String(unwrap(fn.funcname?.[fn.funcname.length - 1])[1].sval ?? '')
    if (VOLATILE.has(name)) return name
  }
  for (const v of Object.values(expr)) { const found = volatileCall(v); if (found) return found }
  return undefined
}

function typeNameOf(t: unknown): string {
  const names = (t as { names?: Node[] } | undefined)?.names ?? []
  return String(unwrap(names[names.length - 1])[1].sval ?? '')
}

/** The table name of a RangeVar. */
export function relname(rv: unknown): string | undefined {
  const name = (rv as { relname?: unknown } | undefined)?.relname
  return typeof name === 'string' ? name : undefined
}

/** The (last) name of a DROP/TRUNCATE object: a List of Strings or a RangeVar. */
export function objectName(n: Node): string {
  const [kind, f] = unwrap(n)
  if (kind === 'RangeVar') return String(f.relname)
  const items = (f.items as Node[] | undefined) ?? []
  return String(unwrap(items[items.length - 1])[1].sval ?? '?')
}
