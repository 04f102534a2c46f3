/** Manual rollback: two round trips per host — lock + read history, then switch + record + hooks + unlock. */
import type { HostState, ReleaseRecord } from '../commands/history.js'
import { InputError, SlipwayError } from '../errors.js'
import { auditLine } from './audit.js'
import { notReverted } from './caveats.js'
import { lockAndRead } from './deploy.js'
import { restorePhase } from './plan.js'
import { lockOwner, onEach, operation, releaseLocks, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector } from './session.js'

/** Options for {@link rollback}. */
export interface RollbackOptions extends OperationOptions {
  /** The release to activate (default: the newest healthy release older than current). */
  to?: string
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
}

/** Picks the rollback target from one host's history, or explains why there is none. */
export function pickTarget(state: HostState, to: string | undefined): ReleaseRecord {
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

/** Activates an earlier release on every host (atomic switch), marks the one it replaces rolled-back, runs rollback_hooks. */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const op = operation(options)
  const { spec, reporter } = op
  const owner = lockOwner(op, 'rollback')
  const sessions = await openSessions(spec, options.connect ?? sshConnector, reporter)
  try {
    const states = await onEach(sessions, (s) => lockAndRead(op, s, owner))
    const target = pickTarget(states[0], options.to)
    const from = states[0].current ?? '(none)'
    states.forEach((st, i) => {
      if (!st.records.some((r) => r.id === target.id)) throw new InputError(`${sessions[i].host.name}: release ${target.id} is not on this host`)
    })
    reporter.info(`Rolling back ${from} → ${target.id} on ${sessions.length} host(s)`)
    await reporter.group(`Roll back to ${target.id}`, () => onEach(sessions, (s, i) => {
      const stamp = op.now().toISOString()
      const leaving = states[i].records.find((r) => r.id === states[i].current)
      const updates = leaving ? [{ ...leaving, state: 'rolled-back' as const, note: `rolled back to ${target.id} by ${op.by}`, updated_at: stamp }] : []
      return runPhase(s, spec, reporter, 'roll back', restorePhase(s, s.layout, spec, target.id, updates, auditLine(op, 'rollback', target.id, target.commit, `manual, from ${from}`), owner))
    }))
    const caveats = notReverted(spec)
    reporter.warn(`A code rollback does not revert:\n${caveats.map((c) => `  - ${c}`).join('\n')}`)
    return { release: target.id, from, hosts: sessions.map((s) => s.host.name), notReverted: caveats }
  } catch (error) {
    await releaseLocks(op, sessions, owner)
    throw error instanceof SlipwayError ? error : new SlipwayError(String(error))
  } finally {
    await closeSessions(sessions)
  }
}
