import { COLUMN_TYPES, columnsOf, DROP_INDEX_METHODS, droppedColumns, INDEX_METHODS, indexName, type IndexType } from './blueprint.js'
import { arg, argList, argsKey, argString, bodyOf, firstParam, flatten, rootVariable, spanOf, type Chain, type Link } from './chain.js'
import type { Handler, Reader } from './interp.js'
import type { ColumnDef, IndexDef, SchemaOp } from './ops.js'
import { literal, nameOf, node, type PhpNode } from './parse.js'
import { describe } from './scope.js'

/**
 * The operations of a `Schema::create|table('t', function (Blueprint $table) { … })` closure, in source order.
 * Calls that are not on the Blueprint (a DB::statement() inside the closure) go to `outer`.
 */
export function tableOps(table: string, closure: PhpNode | undefined, creating: boolean, run: Reader, outer: Handler): SchemaOp[] {
  const variable = firstParam(closure)
  const body = bodyOf(closure)
  if (!variable || !body) return []
  const ops: SchemaOp[] = []
  run.read(body, (n, r) => {
    const chain = flatten(n)
    if (!chain || rootVariable(chain) !== variable || chain.links.length === 0) return outer(n, r)
    return chainOps(table, chain, creating, n)
  }, ops)
  return ops
}

/** `$table->string($name)` with a name the check cannot know. */
function computed(base: Link, span: ColumnDef['span']): SchemaOp[] {
  return [{ op: 'unresolved', what: `the column name of $table->${base.name}() is computed (${describe(arg(base, 0))})`, span }]
}

function chainOps(table: string, chain: Chain, creating: boolean, whole: PhpNode): SchemaOp[] {
  const [base, ...modifiers] = chain.links as [Link, ...Link[]]
  const span = spanOf(whole)
  if (base.name === 'dropConstrainedForeignIdFor' || base.name === 'dropForeignIdFor') {
    const columns = foreignIdForColumn(base)
    const key: SchemaOp = { op: 'drop-index', table, index: index(table, 'foreign', columns), span }
    return base.name === 'dropForeignIdFor' ? [key] : [{ ...key, withColumn: true }, { op: 'drop-column', table, columns, span }]
  }
  const unknownFirst = base.args.length > 0 && argList(base, 0) === undefined && base.name !== 'foreignIdFor'
  if (COLUMN_TYPES.has(base.name)) return unknownFirst ? computed(base, span) : columnOps(table, base, modifiers, creating, span)
  const dropped = droppedColumns(base.name, base.args.map((_, i) => argList(base, i)))
  if (dropped && unknownFirst && !/^drop(Timestamps|SoftDeletes|RememberToken)/.test(base.name)) return computed(base, span)
  if (dropped) {
    const ops: SchemaOp[] = []
    if (base.name === 'dropConstrainedForeignId') ops.push({ op: 'drop-index', table, index: index(table, 'foreign', dropped), span, withColumn: true })
    if (base.name === 'dropMorphs') ops.push({ op: 'drop-index', table, index: index(table, 'index', dropped), span, withColumn: true })
    return [...ops, { op: 'drop-column', table, columns: dropped, span }]
  }
  if (base.name === 'renameColumn') {
    const from = argString(base, 0, 'from')
    const to = argString(base, 1, 'to')
    return from && to ? [{ op: 'rename-column', table, from, to, span }] : computed(base, span)
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
  const names = base.name === 'foreignIdFor' ? foreignIdForColumn(base) : columnsOf(base.name, argString(base, 0, 'column'))
  const modMap = new Map(modifiers.map((m) => [m.name, argsKey(m)] as [string, string[]]))
  const ops: SchemaOp[] = []
  const change = modMap.has('change')
  for (const name of names) {
    const column: ColumnDef = { name, type: base.name, args: argsKey(base).slice(1), modifiers: modMap, span }
    ops.push(change ? { op: 'change-column', table, column, span } : { op: 'add-column', table, column, span })
  }
  if (creating) return ops
  if (/[mM]orphs$/.test(base.name) && !change) ops.push({ op: 'add-index', table, index: index(table, 'index', names), span })
  for (const m of modifiers) {
    const type = INDEX_METHODS[m.name]
    // ->change() with ->unique()/->index()/->primary() adds that index too.
    if (!type || (change && type === 'foreign')) continue
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

/** `foreignIdFor(User::class)` adds `user_id` (the model's snake-cased base name and `_id`), or the column it names. */
function foreignIdForColumn(base: Link): string[] {
  const named = argString(base, 1, 'column')
  if (named !== undefined) return [named]
  const model = arg(base, 0, 'model')
  const cls = model?.kind === 'staticlookup' ? nameOf(node(model, 'what')) : literal(model)
  if (!cls) return []
  const last = cls.split('\\').pop() ?? cls
  return [`${last.replace(/(.)(?=[A-Z])/g, '$1_').toLowerCase()}_id`]
}
