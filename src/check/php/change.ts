import { finding, type Site } from '../catalog.js'
import type { Finding } from '../types.js'
import { KEPT_MODIFIERS } from './blueprint.js'
import { rewriteWords, typeChangeCost } from './engine.js'
import type { ColumnDef, SchemaOp } from './ops.js'
import type { PhpContext, PreviousColumn } from './context.js'

/**
 * What each column is at a point of one migration: its definition earlier in the same migration (add → backfill →
 * tighten), else the last one in an earlier migration; renames of either are followed.
 */
export class LocalColumns {
  private readonly defs = new Map<string, PreviousColumn | null>()
  /** The line of the last statement that wrote rows of each table (a backfill). */
  readonly backfills = new Map<string, number>()

  constructor(private readonly ctx: PhpContext) {}

  /** The definition of `table.column` before the current statement. */
  get(table: string, column: string): PreviousColumn | undefined {
    const key = `${table}.${column}`
    return this.defs.has(key) ? this.defs.get(key) ?? undefined : this.ctx.previousColumn(table, column)
  }

  /** Records what one statement did. */
  apply(op: SchemaOp): void {
    const here = (column: ColumnDef): PreviousColumn => ({ column, file: '' })
    switch (op.op) {
      case 'create-table': for (const c of op.columns) this.defs.set(`${op.table}.${c.name}`, here(c)); break
      case 'add-column': case 'change-column': this.defs.set(`${op.table}.${op.column.name}`, here(op.column)); break
      case 'drop-column': for (const c of op.columns) this.defs.set(`${op.table}.${c}`, null); break
      case 'rename-column':
        this.defs.set(`${op.table}.${op.to}`, this.get(op.table, op.from) ?? null)
        this.defs.set(`${op.table}.${op.from}`, null)
        break
      case 'update-data': if (op.table) this.backfills.set(op.table, op.span.line); break
    }
  }
}

/** A modifier whose loss changes nothing: `nullable(false)`, `unsigned(false)`, `default(null)` (a lost nullable() is said on its own). */
function isNoop(name: string, args: string[]): boolean {
  return args[0] === 'false' || (name === 'default' && args[0] === 'null')
}

/** Whether the column is nullable: true, false, or undefined when it does not say. */
export function nullable(c: ColumnDef): boolean | undefined {
  const args = c.modifiers.get('nullable')
  if (!args) return undefined
  return args[0] !== 'false'
}

/** Whether the type itself makes the column unsigned: `unsignedInteger`, `foreignId`, `integer('n', false, true)`. */
function unsignedByType(c: ColumnDef): boolean {
  if (/^unsigned|^foreignId$|[iI]ncrements$|^id$/.test(c.type)) return true
  return /^(tiny|small|medium|big)?[iI]nteger$/.test(c.type) && (c.args[1] === 'true' || c.args.includes('unsigned=true'))
}

/** The findings of one `->change()`: type change, dropped modifiers (Laravel 11+), NOT NULL tightened. */
export function changeFindings(table: string, c: ColumnDef, site: Site, ctx: PhpContext, columns: LocalColumns): Finding[] {
  const out: Finding[] = []
  const prev = columns.get(table, c.name)
  const where = !prev ? '' : prev.file ? ` (defined in ${prev.file}:${prev.column.span.line})` : ` (defined at line ${prev.column.span.line})`
  const sameType = prev && baseType(prev.column.type) === baseType(c.type) && prev.column.args.join(',') === c.args.join(',')
  // Without an earlier definition, a change that sets nullability is taken as being about nullability alone.
  const free = prev !== undefined && typeChangeCost(prev.column, c, ctx.database) === 'none'
  if (!sameType && !free && !(prev === undefined && nullable(c) !== undefined)) {
    const from = prev ? ` from ${prev.column.type}(${prev.column.args.join(', ')})` : ''
    const on = ctx.database.engine ? `; ${ctx.database.source}` : ''
    out.push(finding('change-column-type', site, `->change() of ${table}.${c.name}${from} to ${c.type}(${c.args.join(', ')}) ${rewriteWords(ctx.database)} and breaks code expecting the old type${where}${on}`))
  }
  const major = ctx.laravel.major
  if (prev && (major === undefined || major >= 11)) {
    const lost = KEPT_MODIFIERS.filter((m) => {
      const args = prev.column.modifiers.get(m)
      if (!args || c.modifiers.has(m) || isNoop(m, args)) return false
      return !(m === 'unsigned' && unsignedByType(c))
    }).map((m) => `${m}(${(prev.column.modifiers.get(m) ?? []).join(', ')})`)
    if (lost.length > 0) out.push(finding('change-drops-modifiers', site, `->change() of ${table}.${c.name} does not restate ${lost.join(', ')}${where}: Laravel 11+ drops ${lost.length > 1 ? 'them' : 'it'} (${ctx.laravel.source})`))
  }
  if (nullable(c) === false && (!prev || nullable(prev.column) === true)) {
    const backfill = columns.backfills.get(table)
    out.push(finding('change-to-not-null', site, `->nullable(false)->change() makes ${table}.${c.name} NOT NULL: the table is scanned under a lock, ` +
      `and the running code's INSERTs without it fail${backfill ? ` (rows are backfilled at line ${backfill} first)` : '; rows that are still NULL make the migration fail'}`))
  }
  return out
}

/** Blueprint types that make the same column type: `foreignUuid` is a `uuid`, `foreignId` an `unsignedBigInteger`. */
const SAME_AS: Record<string, string> = { foreignUuid: 'uuid', foreignUlid: 'ulid', foreignId: 'unsignedBigInteger', foreignIdFor: 'unsignedBigInteger' }

function baseType(type: string): string {
  return SAME_AS[type] ?? type
}
