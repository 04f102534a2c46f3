import { createRequire } from 'node:module'

/** A php-parser AST node, kept loose: the rules read the few fields they need through the helpers below. */
export interface PhpNode {
  kind: string
  loc?: { start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } } | null
  [key: string]: unknown
}

/** A comment with its position (line 1-based, column 0-based as php-parser gives them). */
export interface PhpComment { value: string; line: number; column: number; endLine: number }

/** A parsed PHP file: its AST, comments, or the syntax error that stopped the parser. */
export type PhpParse =
  | { ok: true; ast: PhpNode; comments: PhpComment[] }
  | { ok: false; message: string; line: number; column: number }

interface Engine { parseCode(code: string, file: string): PhpNode }
type EngineCtor = new (options: object) => Engine

let engine: Engine | undefined

function getEngine(): Engine {
  if (!engine) {
    const Ctor = createRequire(import.meta.url)('php-parser') as EngineCtor
    engine = new Ctor({ parser: { extractDoc: true, version: '8.3' }, ast: { withPositions: true }, lexer: { short_tags: false } })
  }
  return engine
}

/** Parses PHP source with php-parser (positions on); a syntax error is returned, not thrown. */
export function parsePhp(code: string, file: string): PhpParse {
  try {
    const ast = getEngine().parseCode(code, file)
    const comments = nodes(ast, 'comments').map((c) => ({
      value: String(c.value), line: c.loc?.start.line ?? 1, column: c.loc?.start.column ?? 0, endLine: c.loc?.end.line ?? 1
    }))
    return { ok: true, ast, comments }
  } catch (e) {
    const err = e as { message?: string; lineNumber?: number; columnNumber?: number }
    return { ok: false, message: String(err.message ?? e), line: err.lineNumber ?? 1, column: err.columnNumber ?? 0 }
  }
}

/** `node[key]` when it is a node. */
export function node(n: PhpNode | undefined, key: string): PhpNode | undefined {
  const v = n?.[key]
  return isNode(v) ? v : undefined
}

/** `node[key]` when it is an array of nodes (non-nodes are dropped). */
export function nodes(n: PhpNode | undefined, key: string): PhpNode[] {
  const v = n?.[key]
  return Array.isArray(v) ? v.filter(isNode) : []
}

/** True for php-parser AST nodes. */
export function isNode(v: unknown): v is PhpNode {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string'
}

/** The name of an identifier/name node, or a plain string field. */
export function nameOf(n: PhpNode | undefined | string): string | undefined {
  if (typeof n === 'string') return n
  if (!n) return undefined
  const name = n.name
  if (typeof name === 'string') return name
  return isNode(name) ? nameOf(name) : undefined
}

/** Gives the static value of an expression that is not a literal: a variable, a constant, a concatenation. */
export type Resolver = (n: PhpNode) => string | string[] | undefined

let resolver: Resolver | undefined

/** Runs `fn` with `r` answering literal() and literalList() for non-literal expressions (the method being read). */
export function withResolver<T>(r: Resolver, fn: () => T): T {
  const saved = resolver
  resolver = r
  try { return fn() } finally { resolver = saved }
}

/** The literal value of a string/number node, or the value the current resolver knows; undefined when computed. */
export function literal(n: PhpNode | undefined): string | undefined {
  if (!n) return undefined
  if (n.kind === 'string' || n.kind === 'number') return String(n.value)
  if (n.kind === 'nowdoc') return String(n.value)
  if (n.kind === 'namedargument') return literal(node(n, 'value'))
  const r = resolver?.(n)
  return typeof r === 'string' ? r : undefined
}

/** The literal strings of a string or of an array of strings (`['a', 'b']`). */
export function literalList(n: PhpNode | undefined): string[] | undefined {
  if (!n) return undefined
  if (n.kind === 'namedargument') return literalList(node(n, 'value'))
  if (n.kind === 'array') {
    const out: string[] = []
    for (const item of nodes(n, 'items')) {
      const v = literal(item.kind === 'entry' ? node(item, 'value') : item)
      if (v === undefined) return undefined
      out.push(v)
    }
    return out
  }
  const r = n.kind === 'string' || n.kind === 'number' || n.kind === 'nowdoc' ? literal(n) : resolver?.(n)
  return r === undefined ? undefined : typeof r === 'string' ? [r] : r
}

/** Calls `visit` on `n` and every node below it, depth first, in source order. */
export function walk(n: PhpNode, visit: (n: PhpNode) => boolean | void): void {
  if (visit(n) === false) return
  for (const key in n) {
    if (key === 'loc' || key === 'kind' || key === 'leadingComments' || key === 'trailingComments') continue
    const v = n[key]
    if (typeof v !== 'object' || v === null) continue
    if (Array.isArray(v)) { for (const c of v) if (isNode(c)) walk(c, visit) } else if (isNode(v)) walk(v, visit)
  }
}
