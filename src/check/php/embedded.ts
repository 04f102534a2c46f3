import type { Node } from 'libpg-query'
import { finding } from '../catalog.js'
import { locator, parseSql, unwrap, type SqlStatement } from '../sql/parse.js'
import { objectName, relname, sqlFindings } from '../sql/rules.js'
import type { Finding } from '../types.js'
import type { SchemaOp } from './ops.js'

type RawSql = Extract<SchemaOp, { op: 'raw-sql' }>

/** The literal SQL of a DB::statement(), parsed; undefined statements when it is computed or does not parse. */
export interface EmbeddedSql { op: RawSql; statements?: SqlStatement[]; problem?: string }

/** Parses the literal SQL of a raw-sql op. */
export function readEmbedded(op: RawSql): EmbeddedSql {
  if (op.sql === undefined) return { op, problem: `${op.call}() with computed SQL cannot be analysed` }
  const parsed = parseSql(op.sql)
  if (!parsed.ok) return { op, problem: `${op.call}() SQL does not parse as PostgreSQL (${parsed.message})` }
  return { op, statements: parsed.statements }
}

/** Findings for one DB::statement(): the PostgreSQL rules on its SQL, or `raw-sql` when it cannot be read. */
export function embeddedFindings(e: EmbeddedSql, file: string, created: Set<string>, lint: boolean): Finding[] {
  if (!e.statements) return [finding('raw-sql', { file, ...e.op.span }, `${e.problem}: review it by hand`)]
  if (!lint) return []
  const locate = locator(e.op.sql ?? '', { line: e.op.sqlSpan.line, column: e.op.sqlSpan.column + 1 })
  return sqlFindings(e.statements, { file, locate, embedded: true, created })
}

/** The schema operations that literal SQL performs, for the up()/down() comparison. */
export function embeddedOps(e: EmbeddedSql): SchemaOp[] {
  const ops: SchemaOp[] = []
  const span = e.op.span
  for (const s of e.statements ?? []) {
    const table = relname(s.fields.relation) ?? ''
    if (s.kind === 'IndexStmt' && typeof s.fields.idxname === 'string') {
      ops.push({ op: 'add-index', table, index: { type: s.fields.unique ? 'unique' : 'index', columns: [], name: s.fields.idxname }, span })
    } else if (s.kind === 'DropStmt' && s.fields.removeType === 'OBJECT_INDEX') {
      for (const o of (s.fields.objects as Node[] | undefined) ?? []) {
        ops.push({ op: 'drop-index', table: '', index: { type: 'index', columns: [], name: objectName(o) }, span })
      }
    } else if (s.kind === 'DropStmt' && s.fields.removeType === 'OBJECT_TABLE') {
      for (const o of (s.fields.objects as Node[] | undefined) ?? []) ops.push({ op: 'drop-table', table: objectName(o), span })
    } else if (s.kind === 'AlterTableStmt') {
      for (const c of (s.fields.cmds as Node[] | undefined) ?? []) ops.push(...alterOps(table, unwrap(c)[1], span))
    }
  }
  return ops
}

function alterOps(table: string, cmd: Record<string, unknown>, span: RawSql['span']): SchemaOp[] {
  const [kind, def] = unwrap(cmd.def as Node | undefined)
  if (cmd.subtype === 'AT_DropColumn') return [{ op: 'drop-column', table, columns: [String(cmd.name)], span }]
  if (cmd.subtype === 'AT_AddColumn' && kind === 'ColumnDef') {
    return [{ op: 'add-column', table, column: { name: String(def.colname), type: 'sql', args: [], modifiers: new Map(), span }, span }]
  }
  if (cmd.subtype === 'AT_AddConstraint' && kind === 'Constraint' && typeof def.conname === 'string') {
    const type = def.contype === 'CONSTR_FOREIGN' ? 'foreign' : def.contype === 'CONSTR_UNIQUE' ? 'unique' : 'index'
    return [{ op: 'add-index', table, index: { type, columns: [], name: def.conname }, span }]
  }
  if (cmd.subtype === 'AT_DropConstraint') return [{ op: 'drop-index', table, index: { type: 'index', columns: [], name: String(cmd.name) }, span }]
  return []
}
