import { COLUMN_TYPES, columnsOf, DROP_INDEX_METHODS, droppedColumns, INDEX_METHODS, indexName, type IndexType } from './blueprint.js'
import { argList, argsKey, argString, bodyOf, firstParam, flatten, rootVariable, spanOf, type Chain, type Link } from './chain.js'
import type { ColumnDef, IndexDef, SchemaOp } from './ops.js'
import { walk, type PhpNode } from './parse.js'

/** The operations of a `Schema::create|table('t', function (Blueprint $table) { … })` closure, in source order. */
export function tableOps(table: string, closure: PhpNode | undefined, creating: boolean): SchemaOp[] {
  const variable = firstParam(closure)
  const body = bodyOf(closure)
  if (!variable || !body) return []
  const ops: SchemaOp[] = []
  walk(body, (n) => {
    const chain = flatten(n)
    if (!chain || rootVariable(chain) !== variable || chain.links.length === 0) return
    ops.push(...chainOps(table, chain, creating, n))
    return false
  })
  return ops
}

function chainOps(table: string, chain: Chain, creating: boolean, whole: PhpNode): SchemaOp[] {
  const [base, ...modifiers] = chain.links as [Link, ...Link[]]
  const span = spanOf(whole)
  if (COLUMN_TYPES.has(base.name)) return columnOps(table, base, modifiers, creating, span)
  const dropped = droppedColumns(base.name, base.args.map((_, i) => argList(base, i)))
  if (dropped) {
    const ops: SchemaOp[] = []
    if (base.name === 'dropConstrainedForeignId') ops.push({ op: 'drop-index', table, index: index(table, 'foreign', dropped), span })
    if (base.name === 'dropMorphs') ops.push({ op: 'drop-index', table, index: index(table, 'index', dropped), span })
    return [...ops, { op: 'drop-column', table, columns: dropped, span }]
  }
  if (base.name === 'renameColumn') {
    const from = argString(base, 0, 'from')
    const to = argString(base, 1, 'to')
    return from && to ? [{ op: 'rename-column', table, from, to, span }] : []
  }
  if (base.name === 'rename') {
    const to = argString(base, 0, 'to')
    return to ? [{ op: 'rename-table', from: table, to, span }] : []
  }
  if (base.name === 'drop' || base.name === 'dropIfExists') return [{ op: 'drop-table', table, span }]
  const dropType = DROP_INDEX_METHODS[base.name]
  if (dropType) return [{ op: 'drop-index', table, index: droppedIndex(table, base, dropType), span }]
  const type = INDEX_METHODS[base.name]
  if (type && base.name !== 'constrained' && base.name !== 'references') {
    const columns = argList(base, 0, 'columns') ?? []
    const name = argString(base, 1, 'name')
    return [{ op: 'add-index', table, index: index(table, type, columns, name), span }]
  }
  return []
}

function columnOps(table: string, base: Link, modifiers: Link[], creating: boolean, span: ColumnDef['span']): SchemaOp[] {
  const names = columnsOf(base.name, argString(base, 0, 'column'))
  const modMap = new Map(modifiers.map((m) => [m.name, argsKey(m)] as [string, string[]]))
  const ops: SchemaOp[] = []
  const change = modMap.has('change')
  for (const name of names) {
    const column: ColumnDef = { name, type: base.name, args: argsKey(base).slice(1), modifiers: modMap, span }
    ops.push(change ? { op: 'change-column', table, column, span } : { op: 'add-column', table, column, span })
  }
  if (creating || change) return ops
  if (/[mM]orphs$/.test(base.name)) ops.push({ op: 'add-index', table, index: index(table, 'index', names), span })
  for (const m of modifiers) {
    const type = INDEX_METHODS[m.name]
    if (!type) continue
    if (type === 'foreign' && m.name === 'references' && base.name !== 'foreign') continue
    const named = type === 'foreign' ? undefined : argString(m, 0, 'indexName')
    ops.push({ op: 'add-index', table, index: index(table, type, names, named), span })
  }
  return ops
}

function index(table: string, type: IndexType, columns: string[], name?: string): IndexDef {
  return { type, columns, name: name ?? indexName(table, columns, type) }
}

function droppedIndex(table: string, link: Link, type: IndexType): IndexDef {
  const single = argString(link, 0, 'index')
  if (single !== undefined) return { type, columns: [], name: single }
  const columns = argList(link, 0, 'index') ?? []
  return index(table, type, columns)
}
