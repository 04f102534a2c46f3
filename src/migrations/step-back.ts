/** Pure decisions about stepping back migrations: what this deploy ran, and whether undoing it can work. */
import type { MigrationRecord } from '../commands/history.js'
import type { MigrationState } from './types.js'

/** What a migrate run did, from the states read before and after it. */
export function ranBetween(driverName: string, before: MigrationState, after: MigrationState, failed: boolean): MigrationRecord {
  const had = new Set(before.ran.map(([n]) => n))
  const fresh = after.ran.filter(([n]) => !had.has(n))
  const batches = [...new Set(fresh.map(([, b]) => b))]
  return {
    driver: driverName,
    ...(batches.length === 1 ? { batch: batches[0] } : {}),
    ran: fresh.map(([n]) => n),
    ...(failed && after.pending.length ? { failed: after.pending[0] } : {})
  }
}

/** A step-back that can go ahead, or the reason it must not. */
export type StepBackVerdict = { ok: true; names: string[]; batch: number } | { ok: false; reason: string }

/**
 * Refuses what would not restore the schema: migrations spread over several batches, a batch
 * that is no longer the newest (stepping back would undo someone else's), or a migration whose
 * down() is missing or empty (Laravel would delete its row and undo nothing).
 */
export function canStepBack(record: MigrationRecord, state: MigrationState): StepBackVerdict {
  if (!record.ran.length) return { ok: false, reason: 'this release ran no migrations' }
  const applied = state.ran.filter(([n]) => record.ran.includes(n))
  if (!applied.length) return { ok: false, reason: 'its migrations are no longer applied' }
  if (state.ran.every(([, b]) => b === 0)) {
    // No batches (a custom driver): this release's migrations must be the newest ones applied, in order.
    const tail = state.ran.slice(-applied.length).map(([n]) => n)
    if (tail.join('\n') !== applied.map(([n]) => n).join('\n')) return { ok: false, reason: `its migrations are not the newest applied (newest: ${tail.join(', ')}): later migrations would be undone too` }
    return { ok: true, names: tail, batch: 0 }
  }
  const batches = [...new Set(applied.map(([, b]) => b))]
  if (batches.length > 1) return { ok: false, reason: `its migrations are in more than one batch (${batches.join(', ')}); step back by hand` }
  const newest = Math.max(...state.ran.map(([, b]) => b))
  if (batches[0] !== newest) return { ok: false, reason: `its batch ${batches[0]} is not the newest (${newest}): later migrations would be undone too` }
  const inBatch = state.ran.filter(([, b]) => b === batches[0]).map(([n]) => n)
  const foreign = inBatch.filter((n) => !record.ran.includes(n))
  if (foreign.length) return { ok: false, reason: `batch ${batches[0]} also holds migrations this release did not run: ${foreign.join(', ')}` }
  const bad = inBatch.filter((n) => state.undo[n] !== undefined && state.undo[n] !== 'ok')
  if (bad.length) return { ok: false, reason: bad.map((n) => `${n} has ${state.undo[n] === 'none' ? 'no' : 'an empty'} down()`).join('; ') + ': stepping back would delete its row without undoing it' }
  const unknown = inBatch.filter((n) => state.undo[n] === undefined)
  if (unknown.length && Object.keys(state.undo).length) return { ok: false, reason: `the migration files for ${unknown.join(', ')} are not in this release` }
  return { ok: true, names: inBatch, batch: batches[0] }
}

/** The state after a step back, for checking it worked. */
export function stillApplied(record: MigrationRecord, state: MigrationState): string[] {
  const names = new Set(state.ran.map(([n]) => n))
  return record.ran.filter((n) => names.has(n))
}
