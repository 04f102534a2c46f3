/** The database mode of a manual rollback, read from its options: a module of its own, so the CLI checks `--db` before loading the rollback. */
import { InputError } from '../errors.js'

/** What a rollback does with the database: leave it, step back the migrations rolled over, or restore a point. */
export type DbMode = 'keep' | 'stepback' | 'restore'

/** The mode from the options: `db`, or `migrations: true` (the older name of stepback); keep by default. */
export function dbMode(options: { db?: string; migrations?: boolean }): DbMode {
  const db = options.db
  if (db !== undefined && !['keep', 'stepback', 'restore'].includes(db)) throw new InputError(`--db ${JSON.stringify(db)} is not a mode. Fix: use keep (the default), stepback or restore`)
  if (options.migrations && db !== undefined && db !== 'stepback') throw new InputError(`--migrations means --db stepback and contradicts --db ${db}. Fix: give only one of them`)
  return (db as DbMode | undefined) ?? (options.migrations ? 'stepback' : 'keep')
}
