import { arg, argList, argString, bodyOf, flatten, rootClass, spanOf, type Chain, type Span } from './chain.js'
import { reader, rowLoopOps, type Reader } from './interp.js'
import type { MethodOps, SchemaOp } from './ops.js'
import { literal, nodes, type PhpNode } from './parse.js'
import { describe, Scope, type ClassInfo } from './scope.js'
import { tableOps } from './table-ops.js'

const RAW_SQL = new Set(['statement', 'unprepared', 'update'])
const ROW_LOOPS = new Set(['each', 'eachById', 'chunk', 'chunkById', 'lazy', 'lazyById', 'cursor'])
const DELETES = new Set(['delete', 'truncate', 'forceDelete'])

/**
 * The schema operations of a migration method (up or down), in source order. Variables, loops over known lists and
 * the class's own helper methods are followed; a call whose table it cannot know becomes an `unresolved` op.
 */
export function methodOps(method: PhpNode | undefined, cls: ClassInfo): MethodOps {
  const body = method?.body as PhpNode | undefined
  const statements = nodes(body, 'children').filter((n) => n.kind !== 'noop' && !n.kind.startsWith('comment'))
  const ops: SchemaOp[] = []
  if (body) reader(new Scope(cls)).read(body, callOps, ops)
  return { ops, empty: statements.length === 0 }
}

/** Ops of one call outside a Blueprint closure; undefined when the call is none of ours (keep walking into it). */
export function callOps(n: PhpNode, run: Reader): SchemaOp[] | undefined {
  const chain = flatten(n)
  return chain ? chainOps(chain, spanOf(n), run) : undefined
}

function chainOps(chain: Chain, span: Span, run: Reader): SchemaOp[] | undefined {
  const cls = rootClass(chain)
  const links = chain.links.filter((l) => l.name !== 'connection')
  const first = links[0]
  if (!first) return undefined
  if (cls === 'Schema') return schemaOps(first.name, chain, span, run)
  if (cls === 'DB' && RAW_SQL.has(first.name)) {
    const q = arg(first, 0, 'query')
    const sqlSpan = q ? spanOf(q) : span
    const sql = literal(q)
    // With bindings, `?` marks a value: read it as one (same length, so columns stay right).
    return [{ op: 'raw-sql', call: `DB::${first.name}`, sql: sql !== undefined && arg(first, 1, 'bindings') ? bindingsAsValues(sql) : sql, span, sqlSpan }]
  }
  if (cls === 'DB' && first.name === 'delete') return [{ op: 'delete-data', what: 'DB::delete()', span }]
  const del = links.find((l) => DELETES.has(l.name))
  if (cls && del) {
    const what = cls === 'DB' && first.name === 'table' ? `DB::table('${argString(first, 0) ?? '?'}')` : cls
    return [{ op: 'delete-data', what: `${what}…->${del.name}()`, span }]
  }
  const loop = links.find((l) => ROW_LOOPS.has(l.name) && l.args.some((a) => a.kind === 'closure' || a.kind === 'arrowfunc'))
  if (cls && loop) {
    const fn = loop.args.find((a) => a.kind === 'closure' || a.kind === 'arrowfunc')
    const body = fn ? bodyOf(fn) : undefined
    const ops = body ? rowLoopOps(body, undefined, span, `${cls}…->${loop.name}(function …)`) : []
    return ops.length > 0 ? ops : undefined
  }
  const update = links.find((l) => l.name === 'update')
  if (cls && update && links.length > 1) {
    const table = cls === 'DB' && first.name === 'table' ? argString(first, 0, 'table') : undefined
    const where = links.some((l) => /^(where|orWhere|whereIn|whereNull|whereNotNull|find|whereKey)/.test(l.name))
    return [{ op: 'update-data', table, what: `${table !== undefined ? `DB::table('${table}')` : cls}…->update()`, where, span }]
  }
  return undefined
}

const TABLE_CALLS = new Set(['create', 'table', 'drop', 'dropIfExists', 'rename', 'dropColumns', 'dropColumn'])

function schemaOps(method: string, chain: Chain, span: Span, run: Reader): SchemaOp[] | undefined {
  const link = chain.links.find((l) => l.name === method)
  if (!link) return undefined
  const table = argString(link, 0, method === 'rename' ? 'from' : 'table')
  if (table === undefined && TABLE_CALLS.has(method)) {
    // A table created under a name the check cannot know is still new: nothing in it can break running code.
    if (method === 'create') return [{ op: 'create-table', table: `(${describe(arg(link, 0, 'table'))})`, columns: [], span }]
    return [{ op: 'unresolved', what: `the table name of Schema::${method}() is computed (${describe(arg(link, 0, 'table'))})`, span }]
  }
  switch (method) {
    case 'create': case 'table': {
      const ops = tableOps(table as string, arg(link, 1, 'callback'), method === 'create', run, callOps)
      if (method === 'table') return ops
      const columns = ops.flatMap((o) => (o.op === 'add-column' ? [o.column] : []))
      return [{ op: 'create-table', table: table as string, columns, span }, ...ops.filter((o) => o.op !== 'add-column' && o.op !== 'add-index')]
    }
    case 'drop': case 'dropIfExists':
      return [{ op: 'drop-table', table: table as string, span }]
    case 'rename': {
      const to = argString(link, 1, 'to')
      return to === undefined ? [{ op: 'unresolved', what: `the new name of Schema::rename('${table as string}') is computed`, span }]
        : [{ op: 'rename-table', from: table as string, to, span }]
    }
    case 'dropColumns': case 'dropColumn': {
      const columns = argList(link, 1, 'columns')
      return !columns ? [{ op: 'unresolved', what: `the columns of Schema::${method}('${table as string}') are computed`, span }]
        : [{ op: 'drop-column', table: table as string, columns, span }]
    }
    default:
      return []
  }
}

/** `?` placeholders outside quotes become `1`, so the PostgreSQL parser reads the statement. */
function bindingsAsValues(sql: string): string {
  let quote = ''
  let out = ''
  for (const ch of sql) {
    if (quote) { if (ch === quote) quote = '' } else if (ch === "'" || ch === '"') quote = ch
    out += !quote && ch === '?' ? '1' : ch
  }
  return out
}
