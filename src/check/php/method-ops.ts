import { arg, argList, argString, flatten, rootClass, spanOf, type Chain, type Span } from './chain.js'
import type { MethodOps, SchemaOp } from './ops.js'
import { literal, nodes, walk, type PhpNode } from './parse.js'
import { tableOps } from './table-ops.js'

const RAW_SQL = new Set(['statement', 'unprepared'])
const DELETES = new Set(['delete', 'truncate', 'forceDelete'])

/** The schema operations of a migration method (up or down), in source order. */
export function methodOps(method: PhpNode | undefined): MethodOps {
  const body = method?.body as PhpNode | undefined
  const statements = nodes(body, 'children').filter((n) => n.kind !== 'noop' && !n.kind.startsWith('comment'))
  const ops: SchemaOp[] = []
  if (body) {
    walk(body, (n) => {
      const chain = flatten(n)
      if (!chain) return
      const found = chainOps(chain, spanOf(n))
      if (found === undefined) return
      ops.push(...found)
      return false
    })
  }
  return { ops, empty: statements.length === 0 }
}

/** Ops of one chain; undefined when the chain is none of ours (keep walking into it). */
function chainOps(chain: Chain, span: Span): SchemaOp[] | undefined {
  const cls = rootClass(chain)
  const links = chain.links.filter((l) => l.name !== 'connection')
  const first = links[0]
  if (!first) return undefined
  if (cls === 'Schema') return schemaOps(first.name, chain, span)
  if (cls === 'DB' && RAW_SQL.has(first.name)) {
    const q = arg(first, 0, 'query')
    const sqlSpan = q ? spanOf(q) : span
    return [{ op: 'raw-sql', call: `DB::${first.name}`, sql: literal(q), span, sqlSpan }]
  }
  if (cls === 'DB' && first.name === 'delete') return [{ op: 'delete-data', what: 'DB::delete()', span }]
  const del = links.find((l) => DELETES.has(l.name))
  if (cls && del) {
    const what = cls === 'DB' && first.name === 'table' ? `DB::table('${argString(first, 0) ?? '?'}')` : cls
    return [{ op: 'delete-data', what: `${what}…->${del.name}()`, span }]
  }
  return undefined
}

function schemaOps(method: string, chain: Chain, span: Span): SchemaOp[] | undefined {
  const link = chain.links.find((l) => l.name === method)
  if (!link) return undefined
  const table = argString(link, 0, 'table')
  switch (method) {
    case 'create': case 'table': {
      if (table === undefined) return []
      const ops = tableOps(table, arg(link, 1, 'callback'), method === 'create')
      if (method === 'table') return ops
      const columns = ops.flatMap((o) => (o.op === 'add-column' ? [o.column] : []))
      return [{ op: 'create-table', table, columns, span }]
    }
    case 'drop': case 'dropIfExists':
      return table === undefined ? [] : [{ op: 'drop-table', table, span }]
    case 'rename': {
      const from = argString(link, 0, 'from')
      const to = argString(link, 1, 'to')
      return from === undefined || to === undefined ? [] : [{ op: 'rename-table', from, to, span }]
    }
    case 'dropColumns': case 'dropColumn': {
      const columns = argList(link, 1, 'columns')
      return table === undefined || !columns ? [] : [{ op: 'drop-column', table, columns, span }]
    }
    default:
      return []
  }
}
