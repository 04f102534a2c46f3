import { nameOf, node, nodes, type PhpNode } from './parse.js'

/** A value the check can know statically: a string, or a PHP array of (optionally keyed) values. */
export type Value = { s: string } | { items: Array<[string | undefined, Value]> }

/** What a migration class declares that a method may read: properties, constants, methods. */
export interface ClassInfo { props: Map<string, PhpNode>; consts: Map<string, PhpNode>; methods: Map<string, PhpNode> }

/** The variables of one method while it is read; `null` marks a variable known to hold something computed. */
export class Scope {
  readonly vars = new Map<string, Value | null>()
  constructor(readonly cls: ClassInfo) {}
}

/** Collects the properties, constants and methods of a class declaration. */
export function classInfo(cls: PhpNode | undefined): ClassInfo {
  const info: ClassInfo = { props: new Map(), consts: new Map(), methods: new Map() }
  for (const member of nodes(cls, 'body')) {
    if (member.kind === 'method') info.methods.set((nameOf(node(member, 'name')) ?? '').toLowerCase(), member)
    // `$this->tables = [...]` at the top of the constructor is the property's value.
    if (member.kind === 'method' && nameOf(node(member, 'name'))?.toLowerCase() === '__construct') {
      for (const st of nodes(node(member, 'body'), 'children')) {
        const e = node(st, 'expression')
        const key = e?.kind === 'assign' ? memberKey(node(e, 'left') as PhpNode) : undefined
        const value = node(e, 'right')
        if (key && value) info.props.set(key.slice(6), value)
      }
    }
    for (const p of member.kind === 'propertystatement' ? nodes(member, 'properties') : []) {
      const value = node(p, 'value')
      if (value) info.props.set(nameOf(node(p, 'name')) ?? '', value)
    }
    for (const c of member.kind === 'classconstant' ? nodes(member, 'constants') : []) {
      const value = node(c, 'value')
      if (value) info.consts.set(nameOf(node(c, 'name')) ?? '', value)
    }
  }
  return info
}

const SELF = new Set(['selfreference', 'staticreference'])

/** The key a `$this->name` (or `self::$name`) assignment is kept under in a scope. */
export function memberKey(n: PhpNode): string | undefined {
  const what = node(n, 'what')
  if ((n.kind === 'propertylookup' || n.kind === 'nullsafepropertylookup') && what?.kind === 'variable' && nameOf(what) === 'this') {
    return `this->${nameOf(node(n, 'offset')) ?? ''}`
  }
  return undefined
}

/** The static value of an expression: literals, arrays, variables and members with a known value, `.` and "{$x}". */
export function evaluate(n: PhpNode | undefined, scope: Scope, depth = 0): Value | undefined {
  if (!n || depth > 8) return undefined
  switch (n.kind) {
    case 'string': case 'number': case 'nowdoc': return { s: String(n.value) }
    case 'variable': return scope.vars.get(nameOf(n) ?? '') ?? undefined
    case 'cast': return n.type === 'string' ? evaluate(node(n, 'expr'), scope, depth + 1) : undefined
    case 'array': return arrayValue(n, scope, depth)
    case 'bin': {
      if (n.type !== '.') return undefined
      return concat([evaluate(node(n, 'left'), scope, depth + 1), evaluate(node(n, 'right'), scope, depth + 1)])
    }
    case 'encapsed':
      return n.type === 'string' || n.type === 'heredoc' ? concat(nodes(n, 'value').map((p) => evaluate(node(p, 'expression'), scope, depth + 1))) : undefined
    case 'propertylookup': case 'nullsafepropertylookup': {
      const key = memberKey(n)
      if (!key) return undefined
      if (scope.vars.has(key)) return scope.vars.get(key) ?? undefined
      return evaluate(scope.cls.props.get(key.slice(6)), new Scope(scope.cls), depth + 1)
    }
    case 'staticlookup': {
      const what = node(n, 'what')
      if (!what || !SELF.has(what.kind)) return undefined
      const offset = node(n, 'offset')
      const member = offset?.kind === 'variable' ? scope.cls.props.get(nameOf(offset) ?? '') : scope.cls.consts.get(nameOf(offset) ?? '')
      return evaluate(member, new Scope(scope.cls), depth + 1)
    }
    case 'call': return nameOf(node(n, 'what')) === 'sprintf' ? sprintf(n, scope, depth) : returnedValue(n, scope, depth)
    default: return undefined
  }
}

function arrayValue(n: PhpNode, scope: Scope, depth: number): Value | undefined {
  const items: Array<[string | undefined, Value]> = []
  for (const entry of nodes(n, 'items')) {
    if (entry.unpack) return undefined
    const keyNode = node(entry, 'key')
    const key = keyNode ? evaluate(keyNode, scope, depth + 1) : undefined
    if (keyNode && (!key || !('s' in key))) return undefined
    const value = evaluate(entry.kind === 'entry' ? node(entry, 'value') : entry, scope, depth + 1)
    if (!value) return undefined
    items.push([key && 's' in key ? key.s : undefined, value])
  }
  return { items }
}

/** `sprintf('%s_tz', $column)` with only %s and %d placeholders. */
function sprintf(call: PhpNode, scope: Scope, depth: number): Value | undefined {
  const [format, ...args] = nodes(call, 'arguments').map((a) => evaluate(a, scope, depth + 1))
  if (!format || !('s' in format) || /%[^sd%]/.test(format.s)) return undefined
  let i = 0
  let ok = true
  const s = format.s.replace(/%([sd%])/g, (_, c: string) => {
    if (c === '%') return '%'
    const v = args[i++]
    if (!v || !('s' in v)) { ok = false; return '' }
    return v.s
  })
  return ok ? { s } : undefined
}

function concat(parts: Array<Value | undefined>): Value | undefined {
  let s = ''
  for (const p of parts) { if (!p || !('s' in p)) return undefined; s += p.s }
  return { s }
}

/** `$this->tables()` where the method takes no argument and returns a value it can know. */
function returnedValue(call: PhpNode, scope: Scope, depth: number): Value | undefined {
  const what = node(call, 'what')
  if (nodes(call, 'arguments').length > 0 || !what) return undefined
  const self = memberKey(what) !== undefined || (what.kind === 'staticlookup' && SELF.has(node(what, 'what')?.kind ?? ''))
  if (!self) return undefined
  const method = scope.cls.methods.get((nameOf(node(what, 'offset')) ?? '').toLowerCase())
  const ret = nodes(node(method, 'body'), 'children').find((s) => s.kind === 'return')
  return evaluate(node(ret, 'expr'), new Scope(scope.cls), depth + 1)
}

/** A value as the rules read names: a string, or a list of strings; undefined for anything else. */
export function asNames(v: Value | undefined): string | string[] | undefined {
  if (!v) return undefined
  if ('s' in v) return v.s
  const out: string[] = []
  for (const [, item] of v.items) { if (!('s' in item)) return undefined; out.push(item.s) }
  return out
}

/** How to name an expression the check could not evaluate, for messages: `$tableName`, `config()`, `an expression`. */
export function describe(n: PhpNode | undefined): string {
  if (!n) return 'a missing argument'
  if (n.kind === 'variable') return `$${nameOf(n) ?? ''}`
  if (n.kind === 'call') return `${nameOf(node(n, 'what')) ?? nameOf(node(node(n, 'what'), 'offset')) ?? 'a call'}()`
  if (n.kind === 'offsetlookup') return `${describe(node(n, 'what'))}[…]`
  const key = memberKey(n)
  if (key) return `$${key}`
  if (n.kind === 'propertylookup') return `${describe(node(n, 'what'))}->${nameOf(node(n, 'offset')) ?? '…'}`
  if (n.kind === 'staticlookup') return `${nameOf(node(n, 'what')) ?? 'self'}::${nameOf(node(n, 'offset')) ?? ''}`
  return 'an expression'
}
