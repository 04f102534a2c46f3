/**
 * Step `pending` and the migrate guard (`armGuard` in src/commands/detach.ts). Before the migrate job starts, the
 * runner reads what is pending and plans the undo of a release that never went live: the run's own undo before a
 * switch, with a step-back of whatever of the new batch gets applied (the driver steps back a batch applied in
 * full, in part or not at all). The host runs it when the run stops before reading the job's outcome.
 */
import { advance } from '../../commands/history.js'
import { armGuard } from '../../commands/detach.js'
import { HEARTBEAT, LOCK_TTL } from '../../commands/lock.js'
import type { Command } from '../../commands/shell.js'
import { readMigrationState } from '../../migrations/commands.js'
import { takeOutcome } from './outcome.js'
import { plannedStepBack } from './planned.js'
import { revertCommands } from './restore.js'
import type { DeployRun, Step } from './types.js'

/**
 * Seconds without a heartbeat after which the host's guard acts: three of the runner's heartbeats missed, and
 * before the lock's TTL (the next operation would take the lock over, and the guard stand down).
 */
export const GUARD_GRACE = Math.max(1, Math.min(Math.ceil(3 * HEARTBEAT), LOCK_TTL - 2))

/** A guard needs a driver that can step back a batch planned before migrating. */
export const guarded = (run: DeployRun): boolean => run.driver?.stepBackBatch !== undefined

export const pending: Step = {
  name: 'pending',
  where: 'migrating',
  onFailure: 'mark failed',
  when: guarded,
  commands: (run, i) => readMigrationState(run.sessions[i], run.plans[i].layout, run.id, run.driver!),
  read: (run, _i, r, failed) => {
    if (run.dry || failed) return
    run.pending = run.driver!.parse(r.data.state?.[0])
    // Nothing pending: the migrate step is skipped, and this is its outcome.
    if (!run.pending.pending.length) takeOutcome(run, { before: r.data.state!, after: r.data.state! }, false)
  }
}

/** The guard of the migrate job on host `i`: armed before the job starts. */
export function guardMigrate(run: DeployRun, i: number, job: string): Command[] {
  run.migrating = true
  const stamp = run.op.now().toISOString()
  const note = `the run stopped before it read the outcome of its migrations (no heartbeat for ${GUARD_GRACE} s): undone by the host's guard`
  const failed = advance(run.plans[i].record, 'failed', { note, updated_at: stamp })
  return armGuard(run.plans[i].layout, job, GUARD_GRACE, revertCommands(run, i, note, stamp, plannedStepBack(run, failed), false), run.owner)
}

/** The run's message when the migrating host's guard undid the release before the run could (a claim exited GUARDED). */
export function guardedMessage(run: DeployRun): string {
  const host = run.sessions[run.at].host.name
  return `deploy of ${run.id} was not switched: the guard on ${host} had already fired (this run sent no heartbeat for ${GUARD_GRACE} s before it read the outcome of its migrations), and its host job undoes the release: it steps back what the migrations applied, marks the release failed and releases the lock. Its log: .slipway/jobs/${run.id}.migrate.guard.log; check with: slipway releases`
}

/** Where the lock stayed on the migrating host while its migrate job's guard is there (the job reported its state, so the guard armed before it is), what the guard does. */
export function guardNote(run: DeployRun, left: string[]): string {
  const host = run.sessions[run.at].host.name
  if (!run.guardArmed || run.migrated || !left.includes(host)) return ''
  return `\non ${host} the guard of the migrate job undoes it once this run has sent no heartbeat for ${GUARD_GRACE} s: it steps back what the migrations applied, marks the release failed and releases the lock (log: .slipway/jobs/${run.id}.migrate.guard.log)`
}
