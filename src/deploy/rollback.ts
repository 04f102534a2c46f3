/**
 * Manual rollback. One channel per host carries every phase: lock + read history; (with --migrations,
 * read the migration state); switch + record + step back + audit + hooks + unlock. The target is decided
 * in TypeScript between phases, by the same brain the automatic rollback uses.
 */
import type { ReleaseRecord } from '../commands/history.js'
import { startJob } from '../commands/detach.js'
import { heartbeat, holding, release, type LockOwner } from '../commands/lock.js'
import type { Command } from '../commands/shell.js'
import { readMigrationState } from '../migrations/commands.js'
import { InputError, SlipwayError } from '../errors.js'
import { driverFor, migrateHostIndex } from '../migrations/driver.js'
import { auditLine } from './audit.js'
import { notReverted, type RollbackFacts } from './caveats.js'
import { sharedTimes } from '../commands/release.js'
import { lockHosts } from './lock-wait.js'
import { checkRestore, describeLoss } from './points.js'
import { coveringPoint, dbMode, planRollbackRestore, sharedChanges, type DbMode } from './rollback-db.js'
import { checkStepBack, noDownReason, planStepBack } from './migrate.js'
import { restorePhase } from './steps/restore-phase.js'
import { planFleetRollback, type RollbackPlan } from './rollback-plan.js'
import { Cancelled, forceable, keepAlive, lockOwner, onEach, operation, releaseLocks, type Operation, type OperationOptions } from './run.js'
import { closeSessions, holdChannels, openSessions, runPhase, sshConnector, type Session } from './session.js'
import { repairInterrupted } from './steps/repair.js'
import { LeftToHost, undoOnHost } from './follow.js'

export { pickTarget } from './rollback-plan.js'

/** Options for {@link rollback}. */
export interface RollbackOptions extends OperationOptions {
  /** The release to activate (default: the newest healthy release older than current). */
  to?: string
  /**
   * The database: `keep` (default) leaves it; `stepback` steps back the migrations of the releases rolled over
   * (newest first, same guards as automatic step-back); `restore` restores the restore point taken before the
   * oldest deploy rolled over, and reports what that discards.
   */
  db?: DbMode
  /** The older name of `db: 'stepback'`. */
  migrations?: boolean
}

/** What a rollback did. */
export interface RollbackResult {
  /** The release now live. */
  release: string
  /** The release that was live before. */
  from: string
  hosts: string[]
  /** Hosts that already served the target and were left as they were (a split fleet brought together). */
  stayed: string[]
  /** What a code rollback leaves as it is, for the user to handle. */
  notReverted: string[]
  /** Migrations stepped back (with --db stepback), and those that stay applied. */
  migrations: { steppedBack: string[]; kept: string[] }
  /** The database: the mode, and with `restore` the point restored and what it discarded. */
  db: { mode: DbMode; restored?: { release: string; at: string; file: string }; lost?: string[] }
}

/** Activates an earlier release on every host (atomic switch), marks the one it replaces rolled-back, runs rollback_hooks. */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const op = operation(options)
  const { spec, reporter } = op
  const owner = lockOwner(op, 'rollback')
  const sessions = await openSessions(spec, options.connect ?? sshConnector, reporter)
  holdChannels(sessions, spec, reporter)
  const stop = keepAlive(op, sessions, owner)
  try {
    return await forceable(op, sessions, owner, rollbackOn(op, sessions, owner, options), (why) => new SlipwayError(`rollback stopped at once (${why}, a second time): the lock is released; check with: slipway releases`))
  } catch (error) {
    // A rollback left to its host job: the job releases the lock when it is done.
    if (error instanceof LeftToHost) throw new SlipwayError(`rollback was cancelled by ${String(op.signal?.reason ?? 'abort')} while its host job ran: ${error.message}; check with: slipway releases`)
    await releaseLocks(op, sessions, owner)
    // A cancel is only seen while waiting for the lock, before anything is written.
    if (error instanceof Cancelled) throw new SlipwayError(`rollback was ${error.message} while waiting for the lock; nothing was changed`)
    throw error instanceof SlipwayError ? error : new SlipwayError(String(error))
  } finally {
    stop()
    await closeSessions(sessions)
  }
}

/** The rollback on connected hosts, each holding one channel. */
async function rollbackOn(op: Operation, sessions: Session[], owner: LockOwner, options: RollbackOptions): Promise<RollbackResult> {
  const { spec, reporter } = op
  const states = await lockHosts(op, sessions, owner, false)
  await repairInterrupted(op, sessions, states)
  const stamp = op.now().toISOString()
  const names = sessions.map((s) => s.host.name)
  const fleet = planFleetRollback(states, names, { to: options.to, by: op.by, stamp })
  const target = fleet.target
  // A host that already serves the target stays as it is (only its lock is released).
  const plans: RollbackPlan[] = fleet.plans.map((p) => p ?? { target, from: target, updates: [], over: [] })
  const stayed = names.filter((_, i) => !fleet.plans[i])
  const from = fleet.plans.find((p) => p)?.from ?? '(none)'
  const at = migrateHostIndex(spec)
  const over = plans[at].over
  const mode = dbMode(options)
  if (mode !== 'keep' && stayed.includes(names[at])) throw new InputError(`${names[at]}, the host that migrates, already serves ${target}: --db ${mode} has nothing to undo there. Nothing was changed. Fix: roll back with --db keep`)
  if (mode === 'stepback') refuseForwardOnly(over)
  const steps = mode === 'stepback' && over.length ? await planMigrationSteps(op, sessions[at], plans[at], stamp) : { commands: [], names: [] }
  if (op.signal?.aborted) throw new SlipwayError(`rollback was cancelled by ${String(op.signal.reason)} before it switched anything; the lock is released`)
  const restore = mode === 'restore' ? planRollbackRestore(op, sessions[at], states[at], plans[at], stamp) : undefined
  reporter.info(`Rolling back ${from} → ${target} on ${sessions.length - stayed.length} host(s)${stayed.length ? ` (${stayed.join(', ')} already serve ${target} and stay)` : ''}${restore ? `, the database to the point taken before ${restore.release.id} (${restore.release.restore_point!.at})` : ''}`)
  const line = auditLine(op, 'rollback', target, undefined, `manual, from ${from}${steps.names.length ? `, migrations stepped back: ${steps.names.join(' ')}` : ''}${restore ? `, database restored to the point of ${restore.release.id}` : ''}`)
  const facts: RollbackFacts = { now: op.now(), target: states[at].records.find((r) => r.id === target), kept: [], steppedBack: steps.names, ...coveringPoint(states[at], plans[at]) }
  const db: RollbackResult['db'] = { mode }
  await reporter.group(`Roll back to ${target}`, () => onEach(sessions, async (s, i) => {
    if (!fleet.plans[i]) return void await runPhase(s, spec, reporter, 'unlock', [release(s.layout, owner)])
    const extra = i === at ? [...steps.commands, ...(restore?.commands ?? []), ...sharedTimes(s, s.layout, spec.shared.files)] : []
    // A host job: the switch back, the step-back, the hooks and the unlock finish on the host even if this run stops.
    const job = `rollback.${owner.token.replace(/[^A-Za-z0-9_-]/g, '') || 'run'}`
    const r = await undoOnHost(s, spec, reporter, 'roll back', [], startJob(s.layout, job, restorePhase(s, s.layout, spec, target, plans[i].updates, line, owner, extra), heartbeat(s.layout, owner), holding(s.layout, owner)), job, op.late)
    if (i !== at) return
    facts.shared = sharedChanges(spec, r.data)
    if (steps.names.length) {
      const check = checkStepBack(op, driverFor(spec)!, r.data, { driver: '', ran: steps.names })
      if (!check.ok) throw new SlipwayError(`code rolled back to ${target}, but migrations are still applied: ${check.stillApplied.join(', ')}`)
    }
    if (restore) {
      const point = restore.release.restore_point!
      db.lost = describeLoss(point, checkRestore(r.data, restore.release.id, `code rolled back to ${target}`))
      db.restored = { release: restore.release.id, at: point.at, file: point.file }
      Object.assign(facts, { restored: true, point: restore.release })
    }
  }))
  return { ...report(op, sessions.filter((_, i) => fleet.plans[i]), target, from, over, facts, db), hosts: names, stayed }
}

/** --migrations over a release deployed under check.policy: forward-only with migrations without down(): refused before anything changes. */
function refuseForwardOnly(over: ReleaseRecord[]): void {
  const blocked = over.filter((r) => r.migrations?.no_down?.length)
  if (!blocked.length) return
  const why = blocked.map((r) => `release ${r.id}: ${noDownReason(r.migrations!.no_down!)}`).join('; ')
  throw new InputError(`rollback --migrations: ${why}. Nothing was changed. Fix: roll back without --migrations (the code goes back, the schema stays), then undo the schema with a new migration if needed`)
}

/**
 * Step-back commands for the migrations of the releases rolled back over, newest first, each from
 * its own release directory; refuses (nothing touched) when any of them cannot be undone.
 */
async function planMigrationSteps(op: Operation, s: Session, plan: RollbackPlan, stamp: string): Promise<{ commands: Command[]; names: string[] }> {
  const driver = driverFor(op.spec)
  if (!driver) throw new InputError('--db stepback (--migrations) needs a migrate section in the spec')
  const read = await runPhase(s, op.spec, op.reporter, 'read migration state', readMigrationState(s, s.layout, plan.over[0].id, driver))
  let db = driver.parse(read.data.state?.[0])
  const commands: Command[] = []
  const names: string[] = []
  for (const r of plan.over) {
    const base = plan.updates.find((u) => u.id === r.id) ?? r
    const step = planStepBack(s, driver, base, db, stamp)
    if ('refused' in step) throw new SlipwayError(`cannot step back the migrations of ${r.id} (${r.migrations!.ran.join(', ')}): ${step.refused}. Nothing was changed; roll back with --db keep (or --db restore), or step back by hand`)
    if (step.how) op.reporter.info(`stepping back the migrations of ${r.id}: ${step.how}`)
    commands.push(...step.commands)
    names.push(...step.names)
    db = { ...db, ran: db.ran.filter(([n]) => !step.names.includes(n)) }
  }
  return { commands, names }
}

/** Tells what happened and what was not reverted, and builds the result. */
function report(op: Operation, sessions: Session[], target: string, from: string, over: ReleaseRecord[], facts: RollbackFacts, db: RollbackResult['db']): Omit<RollbackResult, 'stayed'> {
  const steppedBack = facts.steppedBack
  const kept = db.restored ? [] : over.flatMap((r) => r.migrations!.ran).filter((n) => !steppedBack.includes(n))
  const caveats = notReverted(op.spec, { ...facts, kept })
  op.reporter.info(`Rolled back ${from} → ${target} on ${sessions.map((s) => s.host.name).join(', ')}`)
  if (kept.length) op.reporter.warn(`migrations that stay applied (roll back with --db stepback to step them back): ${kept.join(', ')}`)
  if (steppedBack.length) op.reporter.info(`migrations stepped back: ${steppedBack.join(', ')}`)
  if (db.restored) op.reporter.warn(`database restored to the point taken before ${db.restored.release}; lost:\n${db.lost!.map((l) => `  - ${l}`).join('\n')}`)
  op.reporter.warn(`A code rollback does not revert:\n${caveats.map((c) => `  - ${c}`).join('\n')}`)
  return { release: target, from, hosts: sessions.map((s) => s.host.name), notReverted: caveats, migrations: { steppedBack, kept }, db }
}
