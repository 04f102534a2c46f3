import { finding } from '../catalog.js'
import type { Finding } from '../types.js'
import type { Span } from './chain.js'
import type { IndexDef, SchemaOp } from './ops.js'

/** What a method does, keyed for matching: tables, `table.column`, index names. */
interface Effects {
  createdTables: Map<string, Span>
  droppedTables: Map<string, Span>
  addedColumns: Map<string, Span>
  droppedColumns: Map<string, Span>
  changedColumns: Map<string, Span>
  addedIndexes: Map<string, { span: Span; table: string; index: IndexDef }>
  droppedIndexes: Map<string, Span>
  renamedColumns: Array<{ table: string; from: string; to: string; span: Span }>
  renamedTables: Array<{ from: string; to: string; span: Span }>
}

function effects(ops: SchemaOp[]): Effects {
  const e: Effects = { createdTables: new Map(), droppedTables: new Map(), addedColumns: new Map(), droppedColumns: new Map(),
    changedColumns: new Map(), addedIndexes: new Map(), droppedIndexes: new Map(), renamedColumns: [], renamedTables: [] }
  for (const op of ops) {
    switch (op.op) {
      case 'create-table': e.createdTables.set(op.table, op.span); break
      case 'drop-table': e.droppedTables.set(op.table, op.span); break
      case 'add-column': e.addedColumns.set(`${op.table}.${op.column.name}`, op.span); break
      case 'change-column': e.changedColumns.set(`${op.table}.${op.column.name}`, op.span); break
      case 'drop-column': for (const c of op.columns) e.droppedColumns.set(`${op.table}.${c}`, op.span); break
      case 'add-index': e.addedIndexes.set(op.index.name, { span: op.span, table: op.table, index: op.index }); break
      case 'drop-index': e.droppedIndexes.set(op.index.name, op.span); break
      case 'rename-column': e.renamedColumns.push({ table: op.table, from: op.from, to: op.to, span: op.span }); break
      case 'rename-table': e.renamedTables.push({ from: op.from, to: op.to, span: op.span }); break
    }
  }
  return e
}

/** Whether parts of up() or down() are SQL the check could not read (then it cannot tell what they undo). */
export interface Opacity { upOpaque: boolean; downOpaque: boolean }

/** `down-mismatch` findings: what up() does that down() does not undo, and what down() undoes that up() never did. */
export function reversalFindings(upOps: SchemaOp[], downOps: SchemaOp[], file: string, opacity: Opacity): Finding[] {
  const up = effects(upOps)
  const down = effects(downOps)
  const out: Finding[] = []
  const report = (span: Span, message: string): void => { out.push(finding('down-mismatch', { file, ...span }, message)) }
  const tableOf = (key: string): string => key.slice(0, key.indexOf('.'))
  if (!opacity.downOpaque) {
    for (const [t, span] of up.createdTables) if (!down.droppedTables.has(t)) report(span, `up() creates table ${t} but down() does not drop it`)
    for (const [c, span] of up.addedColumns) {
      if (!up.createdTables.has(tableOf(c)) && !down.droppedColumns.has(c) && !down.droppedTables.has(tableOf(c))) report(span, `up() adds ${c} but down() does not drop it`)
    }
    for (const [name, { span, table, index }] of up.addedIndexes) {
      if (up.createdTables.has(table) || down.droppedIndexes.has(name) || down.droppedTables.has(table)) continue
      const columnGone = index.columns.some((c) => down.droppedColumns.has(`${table}.${c}`))
      if (index.type === 'foreign' && columnGone) report(span, `up() adds foreign key ${name}; down() drops its column but not the key, which MySQL refuses: use dropConstrainedForeignId() or dropForeign() first`)
      else if (!columnGone) report(span, `up() adds index ${name} but down() does not drop it`)
    }
    for (const [t, span] of up.droppedTables) if (!down.createdTables.has(t)) report(span, `up() drops table ${t} but down() does not recreate it`)
    for (const [c, span] of up.droppedColumns) {
      if (!up.createdTables.has(tableOf(c)) && !down.addedColumns.has(c)) report(span, `up() drops ${c} but down() does not add it back`)
    }
    for (const [c, span] of up.changedColumns) {
      // A column that up() added or whose table it created goes away whole; so does one that down() drops.
      const undone = down.changedColumns.has(c) || up.addedColumns.has(c) || up.createdTables.has(tableOf(c)) ||
        down.droppedColumns.has(c) || down.droppedTables.has(tableOf(c))
      if (!undone) report(span, `up() changes ${c} but down() does not change it back`)
    }
    for (const [name, span] of up.droppedIndexes) if (!down.addedIndexes.has(name)) report(span, `up() drops index ${name} but down() does not recreate it`)
    for (const r of up.renamedColumns) {
      if (!down.renamedColumns.some((d) => d.table === r.table && d.from === r.to && d.to === r.from)) report(r.span, `up() renames ${r.table}.${r.from} to ${r.to} but down() does not rename it back`)
    }
    for (const r of up.renamedTables) {
      if (!down.renamedTables.some((d) => d.from === r.to && d.to === r.from)) report(r.span, `up() renames table ${r.from} to ${r.to} but down() does not rename it back`)
    }
  }
  if (!opacity.upOpaque) {
    const renamedTo = new Set(up.renamedTables.map((r) => r.to))
    const renamedColumnTo = new Set(up.renamedColumns.map((r) => `${r.table}.${r.to}`))
    for (const [t, span] of down.droppedTables) {
      if (!up.createdTables.has(t) && !renamedTo.has(t)) report(span, `down() drops table ${t}, which up() did not create: rolling back destroys it`)
    }
    for (const [c, span] of down.droppedColumns) {
      if (!up.addedColumns.has(c) && !up.createdTables.has(tableOf(c)) && !renamedColumnTo.has(c)) report(span, `down() drops ${c}, which up() did not add: rolling back destroys it`)
    }
    for (const [c, span] of down.addedColumns) if (!up.droppedColumns.has(c)) report(span, `down() adds ${c}, which up() did not drop`)
    for (const [t, span] of down.createdTables) if (!up.droppedTables.has(t)) report(span, `down() creates table ${t}, which up() did not drop`)
  }
  return out
}
