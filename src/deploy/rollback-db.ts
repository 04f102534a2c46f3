/** The database side of a manual rollback (--db keep|stepback|restore) and the facts its report states. */
import type { HostState, ReleaseRecord } from '../commands/history.js'
import type { HostData } from '../commands/protocol.js'
import type { Command } from '../commands/shell.js'
import { InputError } from '../errors.js'
import { driverFor } from '../migrations/driver.js'
import type { Spec } from '../spec/types.js'
import { pointForRollback, restoreCommands, restoredRecords } from './points.js'
import type { RollbackPlan } from './rollback-plan.js'
import type { Operation } from './run.js'
import type { Session } from './session.js'

/** What a rollback does with the database: leave it, step back the migrations rolled over, or restore a point. */
export type DbMode = 'keep' | 'stepback' | 'restore'

/** The mode from the options: `db`, or `migrations: true` (the older name of stepback); keep by default. */
export function dbMode(options: { db?: string; migrations?: boolean }): DbMode {
  const db = options.db
  if (db !== undefined && !['keep', 'stepback', 'restore'].includes(db)) throw new InputError(`--db ${JSON.stringify(db)} is not a mode. Fix: use keep (the default), stepback or restore`)
  if (options.migrations && db !== undefined && db !== 'stepback') throw new InputError(`--migrations means --db stepback and contradicts --db ${db}. Fix: give only one of them`)
  return (db as DbMode | undefined) ?? (options.migrations ? 'stepback' : 'keep')
}

/** The records as they will be once the plan's updates are written. */
function withUpdates(state: HostState, plan: RollbackPlan): ReleaseRecord[] {
  return state.records.map((r) => plan.updates.find((u) => u.id === r.id) ?? r)
}

/** A rollback's restore: the release whose point it restores, and the commands (records written only if it worked). */
export function planRollbackRestore(op: Operation, s: Session, state: HostState, plan: RollbackPlan, stamp: string): { release: ReleaseRecord; commands: Command[] } {
  const records = withUpdates(state, plan)
  const release = pointForRollback(records, plan.target, plan.from ?? plan.target!)
  const commands = restoreCommands(s, op.spec, driverFor(op.spec), release, restoredRecords(records, release.id, stamp, op.by), plan.target!)
  return { release, commands }
}

/** The restore point that covers a rollback, or why there is none (for the caveats). */
export function coveringPoint(state: HostState, plan: RollbackPlan): { point?: ReleaseRecord; noPoint?: string } {
  try {
    return { point: pointForRollback(state.records, plan.target, plan.from ?? plan.target!) }
  } catch (error) {
    return { noPoint: (error as Error).message.split('. Fix:')[0] }
  }
}

/** The shared files' last changes, from data `shared`. */
export function sharedChanges(spec: Spec, data: HostData): Array<{ file: string; changed: string }> {
  return (data.shared ?? []).map((line) => {
    const [epoch, index] = line.split(' ')
    return { file: spec.shared.files[Number(index)], changed: new Date(Number(epoch) * 1000).toISOString() }
  }).filter((s) => s.file !== undefined)
}
