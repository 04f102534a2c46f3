import { finding } from '../catalog.js'
import type { Finding } from '../types.js'
import type { Span } from './chain.js'
import type { IndexDef, SchemaOp } from './ops.js'

type Side = 'orig' | 'up' | 'down'

/** Where an object came from and what happened to it, as up() then down() run over the tables they touch. */
interface Thing { side: Side; origName: string; span?: Span; branched?: boolean; alive: boolean; gone?: { side: Side; span: Span; branched?: boolean }; renamed?: { side: Side; span: Span; branched?: boolean } }
interface Table extends Thing { columns: Map<string, Column>; all: Column[] }
interface Column extends Thing { changed?: { span: Span; branched?: boolean } }
interface Index extends Thing { table: Table; index: IndexDef }

/** up() then down() run on a model of the schema: tables, columns and indexes by identity, not by name. */
class Model {
  readonly tables = new Map<string, Table>()
  readonly allTables: Table[] = []
  readonly indexes = new Map<string, Index>()
  readonly allIndexes: Index[] = []

  table(name: string): Table {
    let t = this.tables.get(name)
    if (!t) { t = { side: 'orig', origName: name, alive: true, columns: new Map(), all: [] }; this.tables.set(name, t); this.allTables.push(t) }
    return t
  }

  column(t: Table, name: string): Column {
    let c = t.columns.get(name)
    if (!c) { c = { side: 'orig', origName: name, alive: true }; t.columns.set(name, c); t.all.push(c) }
    return c
  }

  apply(op: SchemaOp, side: 'up' | 'down'): void {
    const at = { side, span: op.span, branched: op.branched }
    const born = (name: string): Thing => ({ side, origName: name, span: op.span, branched: op.branched, alive: true })
    switch (op.op) {
      case 'create-table': {
        const t: Table = { ...born(op.table), columns: new Map(), all: [] }
        this.tables.set(op.table, t)
        this.allTables.push(t)
        for (const c of op.columns) this.addColumn(t, c.name, born(c.name))
        break
      }
      case 'drop-table': { const t = this.table(op.table); t.alive = false; t.gone = at; this.tables.delete(op.table); break }
      case 'rename-table': {
        const t = this.table(op.from)
        this.tables.delete(op.from)
        this.tables.set(op.to, t)
        t.renamed = at
        break
      }
      case 'add-column': this.addColumn(this.table(op.table), op.column.name, born(op.column.name)); break
      case 'change-column': {
        const c = this.column(this.table(op.table), op.column.name)
        c.changed = side === 'up' && c.side === 'orig' ? { span: op.span, branched: op.branched } : undefined
        break
      }
      case 'drop-column': {
        const t = this.table(op.table)
        for (const name of op.columns) { const c = this.column(t, name); c.alive = false; c.gone = at; t.columns.delete(name) }
        break
      }
      case 'rename-column': {
        const t = this.table(op.table)
        const c = this.column(t, op.from)
        t.columns.delete(op.from)
        t.columns.set(op.to, c)
        c.renamed = at
        break
      }
      case 'add-index': {
        const i: Index = { ...born(op.index.name), table: this.table(op.table), index: op.index }
        this.indexes.set(op.index.name, i)
        this.allIndexes.push(i)
        break
      }
      case 'drop-index': this.dropIndex(op.table, op.index, at); break
    }
  }

  private dropIndex(table: string, index: IndexDef, at: Thing['gone']): void {
    let i = this.indexes.get(index.name)
    if (!i) { i = { side: 'orig', origName: index.name, alive: true, table: this.table(table), index }; this.allIndexes.push(i) }
    i.alive = false
    i.gone = at
    this.indexes.delete(index.name)
  }

  private addColumn(t: Table, name: string, c: Column): void {
    t.columns.set(name, c)
    t.all.push(c)
  }

  /** The name an object has now in its map, or undefined when it is gone. */
  nameOf<T>(map: Map<string, T>, thing: T): string | undefined {
    for (const [name, x] of map) if (x === thing) return name
    return undefined
  }
}

/** Whether parts of up() or down() are SQL or calls the check could not read (then it cannot tell what they undo). */
export interface Opacity { upOpaque: boolean; downOpaque: boolean }

/**
 * `down-mismatch` findings: runs up() then down() on a model of the tables they touch and reports every table,
 * column or index that does not end as it started, at the statement that left it so. Statements in one arm of an
 * if/else are not reported (the check cannot tell which arm runs).
 */
export function reversalFindings(upOps: SchemaOp[], downOps: SchemaOp[], file: string, opacity: Opacity): Finding[] {
  const m = new Model()
  for (const op of upOps) m.apply(op, 'up')
  for (const op of downOps) m.apply(op, 'down')
  const out: Finding[] = []
  const report = (span: Span | undefined, branched: boolean | undefined, side: Side, message: string): void => {
    if (!span || branched || (side === 'up' && opacity.downOpaque) || (side === 'down' && opacity.upOpaque)) return
    out.push(finding('down-mismatch', { file, ...span }, message))
  }
  for (const t of m.allTables) tableFindings(m, t, report)
  for (const i of m.allIndexes) indexFindings(m, i, report)
  return out.sort((a, b) => a.line - b.line || a.column - b.column)
}

type Report = (span: Span | undefined, branched: boolean | undefined, side: Side, message: string) => void

function tableFindings(m: Model, t: Table, report: Report): void {
  const now = t.alive ? m.nameOf(m.tables, t) : undefined
  const heir = m.tables.get(t.origName)
  if (t.side === 'up' && t.alive) report(t.span, t.branched, 'up', `up() creates table ${t.origName} but down() does not drop it`)
  const restores = (x: Thing, name: string | undefined): boolean => x.side === 'orig' && x.origName === name && m.nameOf(m.tables, x as Table) !== name
  if (t.side === 'down' && t.alive && !m.allTables.some((o) => restores(o, now))) {
    report(t.span, t.branched, 'down', `down() creates table ${now ?? t.origName}, which up() did not drop`)
  }
  if (t.side !== 'orig') return
  if (!t.alive) {
    if (heir && heir.side === 'down') return
    // dropIfExists() then create() of the same name in up() is a create: down() answers for the new table.
    const recreatedInUp = m.allTables.some((o) => o.side === 'up' && o.origName === t.origName)
    if (t.gone?.side === 'up') { if (!recreatedInUp) report(t.gone.span, t.gone.branched, 'up', `up() drops table ${t.origName} but down() does not recreate it`) }
    else if (t.gone) report(t.gone.span, t.gone.branched, 'down', `down() drops table ${t.origName}, which up() did not create: rolling back destroys it`)
    return
  }
  if (now !== t.origName && t.renamed) {
    report(t.renamed.span, t.renamed.branched, t.renamed.side, t.renamed.side === 'up'
      ? `up() renames table ${t.origName} to ${now ?? '?'} but down() does not rename it back` : `down() renames table ${t.origName} to ${now ?? '?'}, which up() did not rename`)
  }
  for (const c of t.all) columnFindings(t, c, report)
}

function columnFindings(t: Table, c: Column, report: Report): void {
  const now = c.alive ? [...t.columns].find(([, x]) => x === c)?.[0] : undefined
  const key = `${t.origName}.${c.origName}`
  const heir = t.columns.get(c.origName)
  if (c.side === 'up' && c.alive) report(c.span, c.branched, 'up', `up() adds ${key} but down() does not drop it`)
  if (c.side === 'down' && c.alive && !t.all.some((o) => o.side === 'orig' && o.origName === now && t.columns.get(now) !== o)) {
    report(c.span, c.branched, 'down', `down() adds ${t.origName}.${now ?? c.origName}, which up() did not drop`)
  }
  if (c.side !== 'orig') return
  if (!c.alive) {
    if (heir && heir.side === 'down') return
    if (c.gone?.side === 'up') report(c.gone.span, c.gone.branched, 'up', `up() drops ${key} but down() does not add it back`)
    else if (c.gone) report(c.gone.span, c.gone.branched, 'down', `down() drops ${key}, which up() did not add: rolling back destroys it`)
    return
  }
  if (now !== c.origName && c.renamed) {
    report(c.renamed.span, c.renamed.branched, c.renamed.side, c.renamed.side === 'up'
      ? `up() renames ${key} to ${now ?? '?'} but down() does not rename it back` : `down() renames ${key} to ${now ?? '?'}, which up() did not rename`)
  }
  if (c.changed) report(c.changed.span, c.changed.branched, 'up', `up() changes ${key} but down() does not change it back`)
}

function indexFindings(m: Model, i: Index, report: Report): void {
  if (!i.table.alive || i.table.side !== 'orig') return
  const putBack = m.allIndexes.some((o) => o.side === 'orig' && o.origName === i.origName && o.gone?.side === 'up')
  if (i.side === 'up' && i.alive && !putBack) {
    const gone = i.index.columns.filter((c) => !i.table.columns.has(c))
    if (i.index.type === 'foreign' && gone.length > 0) {
      report(i.span, i.branched, 'up', `up() adds foreign key ${i.origName}; down() drops its column but not the key, which MySQL refuses: use dropConstrainedForeignId() or dropForeign() first`)
    } else if (gone.length === 0) report(i.span, i.branched, 'up', `up() adds index ${i.origName} but down() does not drop it`)
  }
  if (i.side === 'orig' && !i.alive && i.gone?.side === 'up' && !m.indexes.has(i.origName)) {
    report(i.gone.span, i.gone.branched, 'up', `up() drops index ${i.origName} but down() does not recreate it`)
  }
}
