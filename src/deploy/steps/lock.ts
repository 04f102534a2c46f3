/** Step `lock`: take the deploy lock (an atomic mkdir) and read the history and the live manifest, in one round trip. */
import { parseState, readState, type HostState } from '../../commands/history.js'
import { acquire, LOCKED, type LockOwner } from '../../commands/lock.js'
import { readLiveManifest } from '../../commands/delta.js'
import type { Command } from '../../commands/shell.js'
import type { ScriptResult } from '../../remote/script.js'
import { describeHolder, LockedError, type Operation } from '../run.js'
import type { Session } from '../session.js'
import type { Step } from './types.js'

/**
 * The lock step's commands on one host (the live manifest only where an upload follows: with the source's directory
 * digests, only the lines of the directories that differ).
 */
export function lockCommands(s: Session, owner: LockOwner, manifest = true, digests?: string[]): Command[] {
  return [...acquire(s, s.layout, owner), ...readState(s, s.layout), ...(manifest ? [readLiveManifest(s, s.layout, digests)] : [])]
}

/** The history a lock round trip read; throws {@link LockedError} when the lock is held by another. */
export function lockedState(op: Operation, s: Session, r: ScriptResult): HostState {
  if (r.code === LOCKED) throw new LockedError(s.host.name, r.data.holder?.[0] ?? '')
  const taken = r.data.takeover?.[0]
  if (taken) {
    const [age, ...owner] = taken.split(' ')
    op.reporter.warn(`${s.host.name}: took over the deploy lock of a run that stopped without releasing it (no sign of life for ${age} s): ${describeHolder(owner.join(' '))}`)
  }
  return parseState(r.data)
}

export const lock: Step = {
  name: 'lock',
  where: 'each',
  onFailure: 'unlock',
  okCodes: [LOCKED],
  commands: (run, i) => lockCommands(run.sessions[i], run.owner, true, run.local?.digests),
  read: (run, i, r) => {
    // A host held by another run is waited for (or refused) by the next step, once every host has answered.
    run.holders[i] = r.code === LOCKED ? r.data.holder?.[0] ?? '' : undefined
    if (r.code !== LOCKED) run.states[i] = lockedState(run.op, run.sessions[i], r)
  }
}
