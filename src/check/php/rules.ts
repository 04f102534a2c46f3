import { finding } from '../catalog.js'
import type { Finding } from '../types.js'
import { FILLING_MODIFIERS, SELF_FILLING } from './blueprint.js'
import { embeddedFindings, embeddedOps, readEmbedded, type EmbeddedSql } from './embedded.js'
import type { Migration } from './migration.js'
import type { ColumnDef, SchemaOp } from './ops.js'
import { changeFindings, LocalColumns, nullable } from './change.js'
import { dropIndexFindings, indexFindings } from './engine.js'
import { reversalFindings } from './reversal.js'
import { isMysql, type Database } from './database.js'
import type { PhpContext } from './context.js'

export type { PhpContext, PreviousColumn } from './context.js'

/** Runs every Laravel rule over one migration. */
export function phpFindings(m: Migration, ctx: PhpContext): Finding[] {
  const out: Finding[] = []
  const at = (span: { line: number; column: number; endLine?: number; endColumn?: number }) => ({ file: ctx.file, ...span })
  const upOps = m.up?.ops.ops ?? []
  const downOps = m.down?.ops.ops ?? []
  const created = new Set<string>()
  const columns = new LocalColumns(ctx)
  const dropped = new Set(upOps.flatMap((o) => (o.op === 'drop-column' ? o.columns.map((c) => `${o.table}.${c}`) : [])))
  const upSql: EmbeddedSql[] = []
  const downSql: EmbeddedSql[] = []
  for (const op of upOps) {
    if (op.op === 'raw-sql') {
      const e = readEmbedded(op)
      upSql.push(e)
      out.push(...embeddedFindings(e, ctx.file, created, true).filter((f) => !(isMysql(ctx.database) && f.reason === 'lock')))
      if (m.withinTransaction && /\bconcurrently\b/i.test(op.sql ?? '')) out.push(concurrently(ctx.file, op))
      continue
    }
    out.push(...opFindings(op, created, ctx, columns, dropped))
    columns.apply(op)
  }
  for (const op of downOps) {
    if (op.op !== 'raw-sql') continue
    const e = readEmbedded(op)
    downSql.push(e)
    out.push(...embeddedFindings(e, ctx.file, new Set(), false))
    if (m.withinTransaction && /\bconcurrently\b/i.test(op.sql ?? '')) out.push(concurrently(ctx.file, op))
  }
  if (!m.down) {
    out.push(finding('missing-down', at(m.span), 'the migration has no down(): a failed release cannot roll its schema back'))
  } else if (m.down.ops.empty) {
    out.push(finding('empty-down', at(m.down.span), 'down() is empty: rolling back leaves the schema of this migration in place'))
  } else {
    const expand = (ops: SchemaOp[], sql: EmbeddedSql[]): SchemaOp[] => [...ops, ...sql.flatMap(embeddedOps)]
    out.push(...reversalFindings(expand(upOps, upSql), expand(downOps, downSql), ctx.file, {
      upOpaque: upSql.some((e) => !e.statements) || upOps.some((o) => o.op === 'unresolved'),
      downOpaque: downSql.some((e) => !e.statements) || downOps.some((o) => o.op === 'unresolved')
    }))
  }
  return out
}

function concurrently(file: string, op: Extract<SchemaOp, { op: 'raw-sql' }>): Finding {
  return finding('concurrently-in-transaction', { file, ...op.span },
    `${op.call}() runs CONCURRENTLY inside the migration's transaction: Postgres refuses it (set public $withinTransaction = false)`)
}

function opFindings(op: SchemaOp, created: Set<string>, ctx: PhpContext, columns: LocalColumns, droppedLater: Set<string>): Finding[] {
  const site = { file: ctx.file, ...op.span }
  switch (op.op) {
    case 'create-table': created.add(op.table); return []
    case 'drop-table':
      return created.has(op.table) ? [] : [finding('drop-table', site, `dropping table ${op.table} destroys its rows while the running code still queries it`)]
    case 'rename-table':
      // A table created by this migration is new under its final name: no running code knows its first name.
      if (created.has(op.from)) { created.add(op.to); return [] }
      return [finding('rename-table', site, `renaming table ${op.from} to ${op.to} breaks the code still using ${op.from} during the rollout and after a code rollback`)]
    case 'drop-column':
      if (created.has(op.table)) return []
      return [finding('drop-column', site, `dropping ${op.columns.map((c) => `${op.table}.${c}`).join(', ')} breaks the code still reading ${op.columns.length > 1 ? 'them' : 'it'} and destroys the data`)]
    case 'rename-column':
      if (created.has(op.table) || columns.get(op.table, op.from)?.file === '') return []
      return [finding('rename-column', site, `renaming ${op.table}.${op.from} to ${op.to} breaks the code still using ${op.from} during the rollout and after a code rollback`)]
    case 'add-column':
      return created.has(op.table) || fills(op.column) ? [] : [finding('add-not-null-column', site,
        `${op.table}.${op.column.name} is added NOT NULL without a default: the running code's INSERTs fail (${notNullWords(ctx.database)})`)]
    case 'change-column': return created.has(op.table) ? [] : changeFindings(op.table, op.column, site, ctx, columns)
    case 'add-index': {
      if (created.has(op.table)) return []
      // A new nullable column without a default holds only NULLs: a unique index over it meets no duplicates.
      const fresh = op.index.columns.some((c) => { const d = columns.get(op.table, c); return d?.file === '' && nullable(d.column) === true && !d.column.modifiers.has('default') })
      return indexFindings(op.table, op.index, site, ctx.database, fresh)
    }
    case 'delete-data': return [finding('delete-data', site, `${op.what} deletes rows in a schema migration; rolling back does not bring them back`)]
    case 'drop-index': {
      // A key dropped so its column can be dropped goes with the column (drop-column says so).
      const columnDropped = op.index.type === 'foreign' && op.index.columns.some((c) => droppedLater.has(`${op.table}.${c}`))
      return created.has(op.table) || op.withColumn || columnDropped ? [] : dropIndexFindings(op.table, op.index, site, ctx.database)
    }
    case 'update-data':
      if (op.rows === 'loop') return [finding('bulk-update', site, `${op.what} changes rows one at a time inside the migration: slow on a big table, and the deploy waits for it`)]
      if (op.where || (op.table !== undefined && created.has(op.table))) return []
      return [finding('bulk-update', site, `${op.what} changes every row${op.table ? ` of ${op.table}` : ''} in one statement, holding the row locks until the migration commits`)]
    case 'unresolved': return [finding('cannot-analyse', site, `cannot analyse: ${op.what}, so the check does not know what this changes`)]
    default: return []
  }
}

function fills(c: ColumnDef): boolean {
  if (SELF_FILLING.has(c.type)) return true
  for (const [name, args] of c.modifiers) if (FILLING_MODIFIERS.has(name) && !(name === 'nullable' && args[0] === 'false')) return true
  return false
}

function notNullWords(db: Database): string {
  if (isMysql(db)) return `MySQL fills existing rows with the type's implicit default; ${db.source}`
  if (db.engine) return `and ${db.engine === 'pgsql' ? 'PostgreSQL' : db.engine === 'sqlite' ? 'SQLite' : 'the database'} refuses it on a non-empty table; ${db.source}`
  return 'and Postgres/SQLite refuse it on a non-empty table'
}
