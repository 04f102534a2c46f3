import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Migration } from './migration.js'
import { readMigration } from './migration.js'
import type { SchemaOp } from './ops.js'
import { parsePhp } from './parse.js'
import type { PreviousColumn } from './rules.js'

/**
 * Column definitions from the migrations that sort before a given one in its directory: what `->change()`
 * starts from. Files are read lazily, once.
 */
export class ColumnHistory {
  private readonly cache = new Map<string, Migration | undefined>()
  private readonly dirs = new Map<string, Array<[string, string]>>()
  private readonly replays = new Map<string, { upTo: string; next: number; defs: Map<string, PreviousColumn> }>()

  /** `load` may hand over migrations already parsed (absolute path → migration). */
  constructor(private readonly known: Map<string, Migration | undefined> = new Map()) {}

  /** The last definition of `table.column` before `file` (absolute), following renames; undefined when none. */
  previous(file: string, table: string, column: string): PreviousColumn | undefined {
    const name = basename(file)
    const dir = dirname(file)
    // Queries mostly come in file order: carry the replay forward instead of starting over.
    let replay = this.replays.get(dir)
    if (!replay || replay.upTo > name) replay = { upTo: '', next: 0, defs: new Map() }
    this.replays.set(dir, replay)
    const list = this.listing(dir)
    while (replay.next < list.length && (list[replay.next] as [string, string])[0] < name) {
      const [f, path] = list[replay.next++] as [string, string]
      apply(replay.defs, this.load(path)?.up?.ops.ops ?? [], f)
    }
    replay.upTo = name
    return replay.defs.get(`${table}.${column}`)
  }

  private listing(dir: string): Array<[string, string]> {
    let list = this.dirs.get(dir)
    if (!list) {
      try { list = readdirSync(dir).filter((f) => f.endsWith('.php')).sort().map((f) => [f, join(dir, f)]) } catch { list = [] }
      this.dirs.set(dir, list)
    }
    return list
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

/** Applies one migration's up() operations to the known column definitions. */
function apply(defs: Map<string, PreviousColumn>, ops: SchemaOp[], file: string): void {
  for (const op of ops) {
    if (op.op === 'create-table') for (const c of op.columns) defs.set(`${op.table}.${c.name}`, { column: c, file })
    else if (op.op === 'add-column' || op.op === 'change-column') defs.set(`${op.table}.${op.column.name}`, { column: op.column, file })
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
