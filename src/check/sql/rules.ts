import type { Node } from 'libpg-query'
import { finding } from '../catalog.js'
import type { Finding } from '../types.js'
import { alterFindings, type Add } from './alter.js'
import { createdNames, createReferences, dropObjectFindings, otherFindings, renameObjectFindings } from './compat.js'
import { objectName, relname, unwrap, type SqlStatement } from './parse.js'

export { objectName, relname } from './parse.js'

/** Where SQL statements come from, for the rules that depend on it. */
export interface SqlContext {
  file: string
  locate: (offset: number) => { line: number; column: number }
  /** SQL inside a Laravel migration: the file-level rules (lock_timeout, BEGIN … COMMIT) do not apply. */
  embedded: boolean
  /** Tables created earlier in the same migration: changing them locks nobody out. Grows as CREATE TABLEs are seen. */
  created: Set<string>
}

const STATEMENT_NAMES: Record<string, string> = { IndexStmt: 'CREATE INDEX', DropStmt: 'DROP', RenameStmt: 'RENAME', AlterTableStmt: 'ALTER TABLE',
  CreateStmt: 'CREATE TABLE … REFERENCES', ReindexStmt: 'REINDEX', CreateTrigStmt: 'CREATE TRIGGER', AlterObjectSchemaStmt: 'SET SCHEMA' }

/** What one file's statements have set up so far. */
interface FileState {
  inTransaction: boolean
  lockTimeout: boolean
  validated: Set<string>
  recreated: Set<string>
}

/** Runs the PostgreSQL rules over the statements of one file (or one DB::statement). */
export function sqlFindings(statements: SqlStatement[], ctx: SqlContext): Finding[] {
  const out: Finding[] = []
  const st: FileState = { inTransaction: false, lockTimeout: false, validated: new Set<string>(), recreated: createdNames(statements) }
  let warnedTimeout = false
  for (const s of statements) {
    const site = { file: ctx.file, ...ctx.locate(s.start) }
    const add = (id: string, message: string): void => { out.push(finding(id, site, message)) }
    const table = relname(s.fields.relation)
    const locks = statementFindings(s, table, st, ctx, add)
    if (locks && !st.lockTimeout && !warnedTimeout && !ctx.embedded) {
      warnedTimeout = true
      add('pg-missing-lock-timeout', `no SET lock_timeout before this ${STATEMENT_NAMES[s.kind] ?? s.kind}: while it waits for its lock, every query on ${table ?? 'the table'} queues behind it`)
    }
  }
  return out
}

/** The findings of one statement; true when it takes a lock that other queries queue behind. */
function statementFindings(s: SqlStatement, table: string | undefined, st: FileState, ctx: SqlContext, add: (id: string, message: string) => void): boolean {
  const isNew = table !== undefined && ctx.created.has(table)
  switch (s.kind) {
    case 'TransactionStmt':
      st.inTransaction = transactionState(String(s.fields.kind), st.inTransaction)
      return false
    case 'VariableSetStmt':
      if (s.fields.name === 'lock_timeout') st.lockTimeout = true
      return false
    case 'CreateStmt':
      if (table) ctx.created.add(table)
      return createReferences(s)
    case 'IndexStmt': {
      const concurrent = s.fields.concurrent === true
      if (concurrent && st.inTransaction && !ctx.embedded) add('pg-concurrently-in-transaction', `CREATE INDEX CONCURRENTLY on ${table} inside a transaction block fails`)
      if (!concurrent && !isNew) add('pg-create-index', `CREATE INDEX on ${table} blocks writes to the table while it builds`)
      return !concurrent && !isNew
    }
    case 'DropStmt':
      return dropFindings(s, st.inTransaction, ctx, st.recreated, add)
    case 'RenameStmt':
      if (isNew) return false
      renameFindings(s, table, st.recreated, add)
      return true
    case 'AlterTableStmt':
      if (isNew || String(s.fields.objtype) !== 'OBJECT_TABLE') return false
      alterTableFindings(s, table ?? '?', st.validated, st.recreated, add)
      return true
    case 'TruncateStmt':
      add('pg-delete-data', `TRUNCATE ${(s.fields.relations as Node[] | undefined ?? []).map(objectName).join(', ')} deletes every row`)
      return false
    case 'DeleteStmt':
      if (!s.fields.whereClause) add('pg-delete-data', `DELETE FROM ${table} without WHERE deletes every row`)
      return false
    default:
      return otherFindings(s, table, ctx.created, add)
  }
}

/** The names a statement may drop without loss: those the file creates again, and any key of a table that gets a new PRIMARY KEY or UNIQUE in the same ALTER. */
function replacing(s: SqlStatement, recreated: Set<string>): Set<string> {
  const cmds = ((s.fields.cmds as Node[] | undefined) ?? []).map((c) => unwrap(c)[1])
  const addsKey = cmds.some((c) => { const [kind, def] = unwrap(c.def as Node | undefined); return kind === 'Constraint' && (def.contype === 'CONSTR_PRIMARY' || def.contype === 'CONSTR_UNIQUE') })
  if (!addsKey) return recreated
  return new Set([...recreated, ...cmds.filter((c) => c.subtype === 'AT_DropConstraint' && /_(key|pkey)$/.test(String(c.name))).map((c) => String(c.name))])
}

function dropFindings(s: SqlStatement, inTransaction: boolean, ctx: SqlContext, recreated: Set<string>, add: Add): boolean {
  const type = String(s.fields.removeType)
  const names = (s.fields.objects as Node[] | undefined ?? []).map(objectName)
  let locks = false
  if (type === 'OBJECT_INDEX') {
    const concurrent = s.fields.concurrent === true
    if (concurrent && inTransaction && !ctx.embedded) add('pg-concurrently-in-transaction', `DROP INDEX CONCURRENTLY ${names.join(', ')} inside a transaction block fails`)
    if (!concurrent) { add('pg-drop-index', `DROP INDEX ${names.join(', ')} blocks reads and writes of its table`); locks = true }
  }
  if (type === 'OBJECT_TABLE') {
    const old = names.filter((n) => !ctx.created.has(n))
    if (old.length > 0) { add('pg-drop-table', `DROP TABLE ${old.join(', ')} destroys the table and its rows`); locks = true }
  }
  dropObjectFindings(type, names, recreated, add)
  return locks
}

function renameFindings(s: SqlStatement, table: string | undefined, recreated: Set<string>, add: Add): void {
  const type = String(s.fields.renameType)
  if (type === 'OBJECT_COLUMN') add('pg-rename-column', `renaming ${table}.${String(s.fields.subname)} to ${String(s.fields.newname)} breaks the code still using the old name`)
  if (type === 'OBJECT_TABLE') add('pg-rename-table', `renaming ${table} to ${String(s.fields.newname)} breaks the code still using the old name`)
  renameObjectFindings(s, recreated, add)
}

/** Whether a BEGIN … COMMIT block is open after a transaction statement. */
function transactionState(kind: string, open: boolean): boolean {
  if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') return true
  if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') return false
  return open
}

function alterTableFindings(s: SqlStatement, table: string, validated: Set<string>, recreated: Set<string>, add: Add): void {
  for (const c of (s.fields.cmds as Node[] | undefined) ?? []) {
    const cmd = unwrap(c)[1]
    if (cmd.subtype === 'AT_ValidateConstraint') validated.add(table)
    if (cmd.subtype !== 'AT_SetNotNull' || !validated.has(table)) alterFindings(table, cmd, replacing(s, recreated), add)
  }
}
