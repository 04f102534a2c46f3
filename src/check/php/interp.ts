import { flatten, rootVariable, spanOf, type Span } from './chain.js'
import type { SchemaOp } from './ops.js'
import { nameOf, node, nodes, walk, withResolver, type PhpNode } from './parse.js'
import { asNames, evaluate, memberKey, Scope, type Value } from './scope.js'

/** Turns one call node into schema operations; undefined when the call is none of the handler's (keep walking into it). */
export type Handler = (call: PhpNode, run: Reader) => SchemaOp[] | undefined

/** Reads statements the way PHP runs them, as far as the check can know: variables, loops over known lists, helper methods. */
export interface Reader {
  scope: Scope
  /** Reads a statement list or expression, pushing what `handle` finds. */
  read(body: PhpNode, handle: Handler, ops: SchemaOp[]): void
}

/** Loops over a known list longer than this are read once, as over an unknown list. */
const MAX_ITEMS = 200
const MAX_DEPTH = 4

/** A reader over a fresh method scope; `stack` names the methods being read (no recursion). */
export function reader(scope: Scope, stack: string[] = []): Reader {
  const run: Reader = {
    scope,
    read(body, handle, ops) {
      withResolver((n) => asNames(evaluate(n, scope)), () => walk(body, (n) => visit(n, run, stack, handle, ops)))
    }
  }
  return run
}

function visit(n: PhpNode, run: Reader, stack: string[], handle: Handler, ops: SchemaOp[]): boolean | void {
  if (n.kind === 'assign') { assign(n, run.scope); return }
  if (n.kind === 'foreach') { loop(n, run, handle, ops); return false }
  if (n.kind === 'if' && node(n, 'alternate')) { branches(n, run, handle, ops); return false }
  if (n.kind !== 'call') return
  if (inlineHelper(n, run, stack, handle, ops)) return false
  if (collectEach(n, run, handle, ops)) return false
  const found = handle(n, run)
  if (found) { ops.push(...found); return false }
}

function assign(n: PhpNode, scope: Scope): void {
  const left = node(n, 'left')
  if (!left) return
  const key = left.kind === 'variable' ? nameOf(left) : memberKey(left)
  if (key === undefined) return
  scope.vars.set(key, n.operator === '=' ? evaluate(node(n, 'right'), scope) ?? null : null)
}

/** `foreach (known list as $k => $v)` is read once per item with $k and $v bound; over anything else, once with them unknown. */
function loop(n: PhpNode, run: Reader, handle: Handler, ops: SchemaOp[]): void {
  const source = evaluate(node(n, 'source'), run.scope)
  const keyVar = node(n, 'key')?.kind === 'variable' ? nameOf(node(n, 'key')) : undefined
  const valueVar = node(n, 'value')?.kind === 'variable' ? nameOf(node(n, 'value')) : undefined
  const body = node(n, 'body')
  if (!body) return
  const bind = (key: Value | null, value: Value | null): void => {
    if (keyVar) run.scope.vars.set(keyVar, key)
    if (valueVar) run.scope.vars.set(valueVar, value)
  }
  if (!source || 's' in source || source.items.length > MAX_ITEMS) {
    bind(null, null)
    if (!source && valueVar) ops.push(...rowLoopOps(body, valueVar, spanOf(n), `foreach (… as $${valueVar})`))
    run.read(body, handle, ops)
    return
  }
  source.items.forEach(([key, value], i) => {
    bind({ s: key ?? String(i) }, value)
    run.read(body, handle, ops)
  })
}

/** `$this->helper(…)` / `self::helper(…)` of the migration class: read its body with its parameters bound. */
function inlineHelper(call: PhpNode, run: Reader, stack: string[], handle: Handler, ops: SchemaOp[]): boolean {
  const what = node(call, 'what')
  if (!what) return false
  const self = memberKey(what) !== undefined || (what.kind === 'staticlookup' && ['selfreference', 'staticreference'].includes(node(what, 'what')?.kind ?? ''))
  if (!self) return false
  const name = (nameOf(node(what, 'offset')) ?? '').toLowerCase()
  const method = run.scope.cls.methods.get(name)
  const body = node(method, 'body')
  if (!method || !body || name === 'up' || name === 'down' || stack.includes(name) || stack.length >= MAX_DEPTH) return false
  const scope = new Scope(run.scope.cls)
  const args = nodes(call, 'arguments')
  nodes(method, 'arguments').forEach((param, i) => {
    const value = args[i] ? evaluate(args[i], run.scope) : evaluate(node(param, 'value'), scope)
    scope.vars.set(nameOf(node(param, 'name')) ?? '', value ?? null)
  })
  reader(scope, [...stack, name]).read(body, handle, ops)
  return true
}

/** `if … else …`: both arms are read (either may run); their statements are marked as branched. */
function branches(n: PhpNode, run: Reader, handle: Handler, ops: SchemaOp[]): void {
  const test = node(n, 'test')
  if (test) run.read(test, handle, ops)
  for (const arm of [node(n, 'body'), node(n, 'alternate')]) {
    if (!arm) continue
    const before = ops.length
    run.read(arm, handle, ops)
    for (const op of ops.slice(before)) op.branched = true
  }
}

const WRITES = new Set(['save', 'update', 'delete', 'forceDelete', 'increment', 'decrement', 'push', 'saveQuietly', 'updateQuietly', 'deleteQuietly'])

/** Rows written one by one in a loop over query results (`foreach`, `->each()`, `->chunk()`): a bulk update or delete. */
export function rowLoopOps(body: PhpNode, rowVar: string | undefined, span: Span, loop: string): SchemaOp[] {
  const seen = new Set<string>()
  walk(body, (n) => {
    const chain = flatten(n)
    const root = chain ? rootVariable(chain) : undefined
    if (!chain || root === undefined || root === 'this' || (rowVar !== undefined && root !== rowVar)) return
    const write = chain.links.find((l) => WRITES.has(l.name))
    if (write) seen.add(write.name)
  })
  const deletes = [...seen].filter((w) => /^(delete|forceDelete)/.test(w))
  const writes = [...seen].filter((w) => !/^(delete|forceDelete)/.test(w))
  const ops: SchemaOp[] = []
  if (deletes.length > 0) ops.push({ op: 'delete-data', what: `${loop} with ->${deletes.join('(), ->')}() on each row`, span })
  if (writes.length > 0) ops.push({ op: 'update-data', table: undefined, what: `${loop} with ->${writes.join('(), ->')}() on each row`, where: false, rows: 'loop', span })
  return ops
}

/** `collect(['a', 'b'])->each(function ($x) { … })`: the closure is read once per item, like a foreach. */
function collectEach(call: PhpNode, run: Reader, handle: Handler, ops: SchemaOp[]): boolean {
  const chain = flatten(call)
  const [collect, each] = chain?.links ?? []
  if (!chain || chain.links.length !== 2 || collect?.name !== 'collect' || each?.name !== 'each') return false
  const list = evaluate(collect.args[0], run.scope)
  const fn = each.args[0]
  const param = nodes(fn, 'arguments')[0]
  const body = fn ? node(fn, 'body') : undefined
  if (!list || 's' in list || !param || !body) return false
  const name = nameOf(node(param, 'name')) ?? ''
  for (const [, value] of list.items) {
    run.scope.vars.set(name, value)
    run.read(body, handle, ops)
  }
  return true
}
