import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Migration } from './migration.js'
import { readMigration } from './migration.js'
import type { ColumnDef } from './ops.js'
import { parsePhp } from './parse.js'
import type { PreviousColumn } from './rules.js'

/**
 * Column definitions from the migrations that sort before a given one in its directory: what `->change()`
 * starts from. Files are read lazily, once.
 */
export class ColumnHistory {
  private readonly cache = new Map<string, Migration | undefined>()

  /** `load` may hand over migrations already parsed (absolute path → migration). */
  constructor(private readonly known: Map<string, Migration | undefined> = new Map()) {}

  /** The last definition of `table.column` before `file` (absolute), following renames; undefined when none. */
  previous(file: string, table: string, column: string): PreviousColumn | undefined {
    const dir = dirname(file)
    const name = basename(file)
    let names: string[]
    try { names = readdirSync(dir).filter((f) => f.endsWith('.php') && f < name).sort() } catch { return undefined }
    const defs = new Map<string, { column: ColumnDef; file: string }>()
    for (const f of names) {
      for (const op of this.load(join(dir, f))?.up?.ops.ops ?? []) {
        if (op.op === 'create-table') for (const c of op.columns) defs.set(`${op.table}.${c.name}`, { column: c, file: f })
        else if (op.op === 'add-column' || op.op === 'change-column') defs.set(`${op.table}.${op.column.name}`, { column: op.column, file: f })
        else if (op.op === 'drop-column') for (const c of op.columns) defs.delete(`${op.table}.${c}`)
        else if (op.op === 'rename-column') {
          const d = defs.get(`${op.table}.${op.from}`)
          defs.delete(`${op.table}.${op.from}`)
          if (d) defs.set(`${op.table}.${op.to}`, d)
        } else if (op.op === 'rename-table') {
          for (const [k, d] of [...defs]) if (k.startsWith(`${op.from}.`)) { defs.delete(k); defs.set(`${op.to}.${k.slice(op.from.length + 1)}`, d) }
        }
      }
    }
    return defs.get(`${table}.${column}`)
  }

  private load(file: string): Migration | undefined {
    if (this.known.has(file)) return this.known.get(file)
    if (this.cache.has(file)) return this.cache.get(file)
    let m: Migration | undefined
    try {
      const parsed = parsePhp(readFileSync(file, 'utf8'), file)
      m = parsed.ok ? readMigration(parsed.ast) : undefined
    } catch { m = undefined }
    this.cache.set(file, m)
    return m
  }
}
