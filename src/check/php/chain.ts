import { isNode, literal, literalList, nameOf, node, nodes, type PhpNode } from './parse.js'

/** A source range; lines and columns are 1-based. */
export interface Span { line: number; column: number; endLine: number; endColumn: number }

/** One `->name(args)` or `::name(args)` of a call chain. */
export interface Link { name: string; args: PhpNode[]; call: PhpNode }

/** A flattened call chain such as `$table->string('x')->nullable()`: its receiver and its calls, innermost first. */
export interface Chain { root: PhpNode | undefined; links: Link[] }

/** The span of a node (php-parser columns are 0-based). */
export function spanOf(n: PhpNode): Span {
  const loc = n.loc
  if (!loc) return { line: 1, column: 1, endLine: 1, endColumn: 1 }
  return { line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1 }
}

const LOOKUPS = new Set(['propertylookup', 'staticlookup', 'nullsafepropertylookup'])

/** Flattens a `call` node into its chain; undefined for anything else. */
export function flatten(call: PhpNode): Chain | undefined {
  if (call.kind !== 'call') return undefined
  const links: Link[] = []
  let cur: PhpNode | undefined = call
  while (cur && cur.kind === 'call') {
    const what = node(cur, 'what')
    if (!what || !LOOKUPS.has(what.kind)) {
      links.unshift({ name: nameOf(what) ?? '', args: nodes(cur, 'arguments'), call: cur })
      return { root: undefined, links }
    }
    links.unshift({ name: nameOf(node(what, 'offset')) ?? '', args: nodes(cur, 'arguments'), call: cur })
    const recv = node(what, 'what')
    if (recv?.kind !== 'call') return { root: recv, links }
    cur = recv
  }
  return { root: undefined, links }
}

/** The class a static chain starts from (`Schema`, `DB`, `User`), without its namespace. */
export function rootClass(chain: Chain): string | undefined {
  if (chain.root?.kind !== 'name') return undefined
  const name = nameOf(chain.root) ?? ''
  return name.split('\\').pop()
}

/** The variable a chain starts from (`table` for `$table->…`). */
export function rootVariable(chain: Chain): string | undefined {
  return chain.root?.kind === 'variable' ? nameOf(chain.root) : undefined
}

/** The argument at `index`, or the named argument `name` (PHP 8 named arguments). */
export function arg(link: Link, index: number, name?: string): PhpNode | undefined {
  if (name) {
    const named = link.args.find((a) => a.kind === 'namedargument' && a.name === name)
    if (named) return node(named, 'value')
  }
  const positional = link.args.filter((a) => a.kind !== 'namedargument')
  return positional[index]
}

/** The literal string of an argument. */
export function argString(link: Link, index: number, name?: string): string | undefined {
  return literal(arg(link, index, name))
}

/** The literal strings of an argument given as a string or an array of strings. */
export function argList(link: Link, index: number, name?: string): string[] | undefined {
  return literalList(arg(link, index, name))
}

/** A comparable rendering of a link's arguments: literals as written, anything computed as `?`. */
export function argsKey(link: Link): string[] {
  return link.args.map((a) => {
    const v = a.kind === 'namedargument' ? node(a, 'value') : a
    const lit = literal(v)
    const text = v?.kind === 'boolean' || v?.kind === 'nullkeyword' ? String(v.raw ?? v.value)
      : lit === undefined ? '?' : v?.kind === 'number' ? lit : `'${lit}'`
    return a.kind === 'namedargument' ? `${String(a.name)}=${text}` : text
  })
}

/** The first parameter's name of a closure or arrow function (the Blueprint variable). */
export function firstParam(fn: PhpNode | undefined): string | undefined {
  const p = nodes(fn, 'arguments')[0]
  return p ? nameOf(node(p, 'name') ?? (typeof p.name === 'string' ? p.name : undefined)) : undefined
}

/** The statements-or-expression body of a closure or arrow function. */
export function bodyOf(fn: PhpNode | undefined): PhpNode | undefined {
  if (!fn) return undefined
  const body = fn.body
  return isNode(body) ? body : undefined
}
