/**
 * What `slipway releases` and `slipway unlock` do about an interrupted operation: when a host has a release
 * its run left `building` or `ready`, and no live run holds the lock, they take the lock (a dead holder's is
 * taken over, with the usual warning), repair exactly as the next deploy would, and release it. A live run's
 * lock is never touched: its half-built release is its own.
 */
import type { HostState } from '../commands/history.js'
import { lockHosts } from './lock-wait.js'
import { describeHolder, keepAlive, LockedError, lockOwner, releaseLocks, type Operation } from './run.js'
import type { Session } from './session.js'
import { interrupted, repairInterrupted } from './steps/repair.js'

/** What was found: what was repaired, or why an interrupted-looking release was left alone. */
export interface Settled {
  repaired?: string
  left?: string
}

/** Repairs what an interrupted run left, if anything and if no live run holds the lock (`states`: the histories just read). */
export async function settleInterrupted(op: Operation, sessions: Session[], states: HostState[]): Promise<Settled> {
  if (!states.some((st) => st.records.some(interrupted))) return {}
  const owner = lockOwner(op, 'repair')
  const stop = keepAlive(op, sessions, owner)
  try {
    const locked = await lockHosts({ ...op, lockWait: 0 }, sessions, owner, false)
    const repaired = await repairInterrupted(op, sessions, locked)
    if (repaired) op.reporter.info(`repaired what an interrupted run left: ${repaired}`)
    return { repaired }
  } catch (error) {
    if (!(error instanceof LockedError)) throw error
    return { left: `${error.host}: a live operation holds the deploy lock (${describeHolder(error.holder)}); its releases in progress are left to it` }
  } finally {
    stop()
    await releaseLocks(op, sessions, owner)
  }
}
