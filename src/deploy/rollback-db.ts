/** The database side of a manual rollback (--db keep|stepback|restore) and the facts its report states. */
import type { HostState, ReleaseRecord } from '../commands/history.js'
import type { HostData } from '../commands/protocol.js'
import type { Command } from '../commands/shell.js'
import { driverFor } from '../migrations/driver.js'
import type { Spec } from '../spec/types.js'
import { pointForRollback, restoreCommands, restoredRecords } from './points.js'
import type { RollbackPlan } from './rollback-plan.js'
import type { Operation } from './run.js'
import type { Session } from './session.js'

export { dbMode, type DbMode } from './db-mode.js'

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
