import type { Node, ParseResult } from 'libpg-query'

/** One top-level SQL statement: its node kind (`IndexStmt`, …), its fields, and where it starts in the text. */
export interface SqlStatement {
  kind: string
  fields: Record<string, unknown>
  /** Character offset of the statement's first token. */
  start: number
  /** Character offset just past the statement (before its `;`). */
  end: number
}

/** A parsed SQL text, or the parser's error with its character offset. */
export type SqlParse = { ok: true; statements: SqlStatement[] } | { ok: false; message: string; offset: number }

interface PgQuery { loadModule(): Promise<void>; parseSync(sql: string): ParseResult }

let pg: PgQuery | undefined

/** Loads the PostgreSQL parser (WASM) once; every parse after it is synchronous. */
export async function loadSqlParser(): Promise<void> {
  if (pg) return
  const mod = (await import('libpg-query')) as unknown as PgQuery
  await mod.loadModule()
  pg = mod
}

/** The node kind and fields of a libpg-query node (`{ IndexStmt: {…} }`). */
export function unwrap(n: Node | undefined): [string, Record<string, unknown>] {
  if (!n) return ['', {}]
  const [kind, fields] = Object.entries(n)[0] ?? ['', {}]
  return [kind, (fields ?? {}) as Record<string, unknown>]
}

/** Parses SQL with the real PostgreSQL parser; needs loadSqlParser() first. Never throws on bad SQL. */
export function parseSql(sql: string): SqlParse {
  if (!pg) throw new Error('loadSqlParser() must run before parseSql()')
  const bytes = Buffer.from(sql, 'utf8')
  const ascii = bytes.length === sql.length
  const toChar = (byteOffset: number): number => (ascii ? byteOffset : bytes.subarray(0, byteOffset).toString('utf8').length)
  try {
    const result = pg.parseSync(sql)
    const statements = (result.stmts ?? []).map((raw) => {
      const [kind, fields] = unwrap(raw.stmt)
      const from = raw.stmt_location ?? 0
      const end = raw.stmt_len ? toChar(from + raw.stmt_len) : sql.length
      return { kind, fields, start: skipBlank(sql, toChar(from)), end }
    })
    return { ok: true, statements }
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } }
    const cursor = err.sqlDetails?.cursorPosition ?? 0
    return { ok: false, message: String(err.message ?? e), offset: toChar(Math.max(0, cursor)) }
  }
}

/** The offset of the first character after whitespace and comments. */
function skipBlank(sql: string, at: number): number {
  let i = at
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i] as string)) i++
    if (sql.startsWith('--', i)) { const nl = sql.indexOf('\n', i); i = nl < 0 ? sql.length : nl + 1; continue }
    if (sql.startsWith('/*', i)) { const end = sql.indexOf('*/', i + 2); i = end < 0 ? sql.length : end + 2; continue }
    return i
  }
}

/** Maps character offsets of a text to 1-based line and column, starting at `base` (the text's first character). */
export function locator(text: string, base = { line: 1, column: 1 }): (offset: number) => { line: number; column: number } {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  return (offset) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    const column = offset - (starts[lo] as number) + 1
    return lo === 0 ? { line: base.line, column: base.column + column - 1 } : { line: base.line + lo, column }
  }
}

/** The table name of a RangeVar. */
export function relname(rv: unknown): string | undefined {
  const name = (rv as { relname?: unknown } | undefined)?.relname
  return typeof name === 'string' ? name : undefined
}

/** The (last) name of a DROP/TRUNCATE object: a List of Strings or a RangeVar. */
export function objectName(n: Node): string {
  const [kind, f] = unwrap(n)
  if (kind === 'RangeVar') return String(f.relname)
  const items = ((kind === 'ObjectWithArgs' ? f.objname : kind === 'TypeName' ? f.names : f.items) as Node[] | undefined) ?? []
  return String(unwrap(items[items.length - 1])[1].sval ?? '?')
}
