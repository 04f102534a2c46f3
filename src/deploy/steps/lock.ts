/** Step `lock`: take the deploy lock (an atomic mkdir) and read the history and the live manifest, in one round trip. */
import { parseState, readState, type HostState } from '../../commands/history.js'
import { acquire, LOCKED, type LockOwner } from '../../commands/lock.js'
import { readLiveManifest } from '../../commands/delta.js'
import type { Command } from '../../commands/shell.js'
import type { ScriptResult } from '../../remote/script.js'
import { LockedError, type Operation } from '../run.js'
import { runPhase, type Session } from '../session.js'
import type { Step } from './types.js'

/** The lock step's commands on one host (the live manifest only where an upload follows). */
export function lockCommands(s: Session, owner: LockOwner, manifest = true): Command[] {
  return [...acquire(s, s.layout, owner), ...readState(s, s.layout), ...(manifest ? [readLiveManifest(s, s.layout)] : [])]
}

/** The history a lock round trip read; throws {@link LockedError} when the lock is held by another. */
export function lockedState(s: Session, r: ScriptResult): HostState {
  if (r.code === LOCKED) throw new LockedError(s.host.name, r.data.holder?.[0] ?? '')
  return parseState(r.data)
}

/** Takes the lock on one host and reads its history. */
export async function lockAndRead(op: Operation, s: Session, owner: LockOwner, manifest = true): Promise<HostState> {
  return lockedState(s, await runPhase(s, op.spec, op.reporter, 'lock', lockCommands(s, owner, manifest), { okCodes: [LOCKED] }))
}

export const lock: Step = {
  name: 'lock',
  where: 'each',
  onFailure: 'unlock',
  okCodes: [LOCKED],
  commands: (run, i) => lockCommands(run.sessions[i], run.owner),
  read: (run, i, r) => {
    run.states[i] = lockedState(run.sessions[i], r)
  }
}
