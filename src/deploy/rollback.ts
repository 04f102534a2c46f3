/** Manual rollback: two round trips per host — lock + read history, then switch + record + hooks + unlock. */
import { parseState, readState, type HostState, type ReleaseRecord } from '../commands/history.js'
import { acquire, LOCKED, release, type LockOwner } from '../commands/lock.js'
import { hooks } from '../commands/release.js'
import { NO_TARGET, selectTarget, switchToTarget } from '../commands/select.js'
import { releaseDir } from '../commands/layout.js'
import { inDir, quote, raw, type Command } from '../commands/shell.js'
import { driverFor, migrateHostIndex } from '../migrations/driver.js'
import { dataMark, stepMark } from '../remote/script.js'
import { checkStepBack, planStepBack } from './migrate.js'
import { InputError, SlipwayError } from '../errors.js'
import { auditLine } from './audit.js'
import { notReverted } from './caveats.js'
import { lockAndRead } from './deploy.js'
import { restorePhase } from './plan.js'
import { LockedError, lockOwner, onEach, operation, releaseLocks, type Operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector, type Session } from './session.js'

/** Options for {@link rollback}. */
export interface RollbackOptions extends OperationOptions {
  /** The release to activate (default: the newest healthy release older than current). */
  to?: string
  /** Also step back the migrations of the releases rolled back over (newest first, same guards as automatic step-back). */
  migrations?: boolean
}

/** What a rollback did. */
export interface RollbackResult {
  /** The release now live. */
  release: string
  /** The release that was live before. */
  from: string
  hosts: string[]
  /** What a code rollback leaves as it is, for the user to handle. */
  notReverted: string[]
  /** Migrations stepped back (with --migrations), and those that stay applied. */
  migrations: { steppedBack: string[]; kept: string[] }
}

/** Picks the rollback target from one host's history, or explains why there is none. */
export function pickTarget(state: Pick<HostState, 'records' | 'current'>, to: string | undefined): ReleaseRecord {
  const current = state.current
  if (to !== undefined) {
    const found = state.records.find((r) => r.id === to)
    if (!found) throw new InputError(`release ${to} is not in the history. Fix: pick one of: ${state.records.map((r) => r.id).join(', ') || '(none)'} (slipway releases)`)
    if (found.id === current) throw new InputError(`release ${to} is already current`)
    if (found.state === 'failed') throw new InputError(`release ${to} is marked failed (${found.note ?? 'no note'}); rollback skips failed releases. Fix: choose a healthy release (slipway releases)`)
    return found
  }
  if (!current) throw new InputError('there is no current release to roll back from')
  const older = state.records.filter((r) => r.id < current && r.state === 'healthy')
  const target = older.pop()
  if (!target) throw new InputError(`no healthy release older than ${current} to roll back to. Fix: deploy a fixed release instead`)
  return target
}

/** The records of the release being left: marked rolled-back. */
function leaving(state: HostState, target: string, by: string, stamp: string): ReleaseRecord[] {
  const r = state.records.find((x) => x.id === state.current)
  return r ? [{ ...r, state: r.state === 'failed' ? 'failed' : 'rolled-back', note: `rolled back to ${target} by ${by}`, updated_at: stamp }] : []
}

/**
 * Step-back commands for the migrations of the releases rolled back over, newest first, each from
 * its own release directory; refuses (nothing touched) when any of them cannot be undone.
 */
async function planMigrationSteps(op: Operation, s: Session, state: HostState, over: ReleaseRecord[], target: string, stamp: string): Promise<{ commands: Command[]; names: string[] }> {
  const driver = driverFor(op.spec)
  if (!driver) throw new InputError('--migrations needs a migrate section in the spec')
  const read = await runPhase(s, op.spec, op.reporter, 'read migration state', [`state=$( ${inDir(releaseDir(s.layout, over[0].id), driver.state())} )`, dataMark(s, 'state', '$state')])
  let db = driver.parse(read.data.state?.[0])
  const commands: Command[] = []
  const names: string[] = []
  for (const r of over) {
    const base = r.id === state.current ? leaving(state, target, op.by, stamp)[0] : r
    const plan = planStepBack(s, driver, base, db, stamp)
    if ('refused' in plan) throw new SlipwayError(`cannot step back the migrations of ${r.id} (${r.migrations!.ran.join(', ')}): ${plan.refused}. Nothing was changed; roll back without --migrations, or step back by hand`)
    if (plan.how) op.reporter.info(`stepping back the migrations of ${r.id}: ${plan.how}`)
    commands.push(...plan.commands)
    names.push(...plan.names)
    db = { ...db, ran: db.ran.filter(([n]) => !plan.names.includes(n)) }
  }
  return { commands, names }
}

/** Activates an earlier release on every host (atomic switch), marks the one it replaces rolled-back, runs rollback_hooks. */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const op = operation(options)
  const { spec, reporter } = op
  const owner = lockOwner(op, 'rollback')
  const sessions = await openSessions(spec, options.connect ?? sshConnector, reporter)
  try {
    if (sessions.length === 1 && !options.migrations) return await rollbackInOne(op, sessions[0], owner, options.to)
    const states = await onEach(sessions, (s) => lockAndRead(op, s, owner))
    const target = pickTarget(states[0], options.to)
    const from = states[0].current ?? '(none)'
    states.forEach((st, i) => {
      if (!st.records.some((r) => r.id === target.id)) throw new InputError(`${sessions[i].host.name}: release ${target.id} is not on this host`)
    })
    const over = rolledOver(states[0], target.id, from)
    const stamp = op.now().toISOString()
    const at = migrateHostIndex(spec)
    const steps = options.migrations && over.length ? await planMigrationSteps(op, sessions[at], states[at], over, target.id, stamp) : { commands: [], names: [] }
    reporter.info(`Rolling back ${from} → ${target.id} on ${sessions.length} host(s)`)
    await reporter.group(`Roll back to ${target.id}`, () => onEach(sessions, async (s, i) => {
      const updates = leaving(states[i], target.id, op.by, stamp)
      const r = await runPhase(s, spec, reporter, 'roll back', restorePhase(s, s.layout, spec, target.id, updates, auditLine(op, 'rollback', target.id, undefined, `manual, from ${from}${steps.names.length ? `, migrations stepped back: ${steps.names.join(' ')}` : ''}`), owner, i === at ? steps.commands : []))
      if (i === at && steps.names.length) {
        const check = checkStepBack(op, driverFor(spec)!, r.data, { driver: '', ran: steps.names })
        if (!check.ok) throw new SlipwayError(`code rolled back to ${target.id}, but migrations are still applied: ${check.stillApplied.join(', ')}`)
      }
    }))
    return report(op, sessions, target.id, from, over, steps.names)
  } catch (error) {
    await releaseLocks(op, sessions, owner)
    throw error instanceof SlipwayError ? error : new SlipwayError(String(error))
  } finally {
    await closeSessions(sessions)
  }
}

/**
 * One host, no migrations: a single round trip — lock, read history, pick the target on the host,
 * switch, record, audit, rollback hooks, unlock.
 */
async function rollbackInOne(op: Operation, s: Session, owner: LockOwner, to: string | undefined): Promise<RollbackResult> {
  const stamp = op.now().toISOString()
  // The audit format lives in auditLine; the host fills in the target and the release it leaves.
  const [before, after] = auditLine(op, 'rollback', '\u0000', undefined, 'manual, from \u0000').split('\u0000')
  const line = { before, after }
  const commands = [
    ...acquire(s, s.layout, owner),
    ...readState(s, s.layout),
    ...selectTarget(s, s.layout, to),
    stepMark(s, 'switch back'),
    ...switchToTarget(s.layout, op.by, stamp, line),
    ...hooks(s, 'rollback hook', raw(`${quote(s.layout.releases)}/"$target"`), op.spec.rollback_hooks),
    release(s.layout, owner)
  ]
  const r = await op.reporter.group('Roll back', () => runPhase(s, op.spec, op.reporter, 'roll back', commands, { okCodes: [LOCKED, NO_TARGET] }))
  if (r.code === LOCKED) throw new LockedError(s.host.name, r.data.holder?.[0] ?? '')
  if (r.code === NO_TARGET) throw new InputError(r.tail[r.tail.length - 1] ?? 'no rollback target')
  const state = parseState(r.data)
  const target = r.data.target[0]
  const from = state.current ?? '(none)'
  return report(op, [s], target, from, rolledOver(state, target, from), [])
}

/** The live releases between the target and the one left, newest first, whose migrations are still applied. */
function rolledOver(state: HostState, target: string, from: string): ReleaseRecord[] {
  return state.records.filter((r) => r.id > target && r.id <= from && r.state !== 'failed' && r.migrations?.ran.length && !r.migrations.stepped_back?.length).reverse()
}

/** Tells what happened and what was not reverted, and builds the result. */
function report(op: Operation, sessions: Session[], target: string, from: string, over: ReleaseRecord[], steppedBack: string[]): RollbackResult {
  const kept = over.flatMap((r) => r.migrations!.ran).filter((n) => !steppedBack.includes(n))
  const caveats = notReverted(op.spec)
  op.reporter.info(`Rolled back ${from} → ${target} on ${sessions.map((s) => s.host.name).join(', ')}`)
  if (kept.length) op.reporter.warn(`migrations that stay applied (run with --migrations to step them back): ${kept.join(', ')}`)
  if (steppedBack.length) op.reporter.info(`migrations stepped back: ${steppedBack.join(', ')}`)
  op.reporter.warn(`A code rollback does not revert:\n${caveats.map((c) => `  - ${c}`).join('\n')}`)
  return { release: target, from, hosts: sessions.map((s) => s.host.name), notReverted: caveats, migrations: { steppedBack, kept } }
}
