/**
 * Releasing a deploy lock that an interrupted operation left behind, from outside that operation
 * (the Action's post step after the main step was cancelled or killed). Only a lock whose owner
 * matches is removed; anyone else's lock is left alone.
 */
import { readOwner, release, type LockOwner } from '../commands/lock.js'
import { onEach, operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector } from './session.js'

/** What identifies a lock this run took: the owner fields it knows, and the time before the operation began. */
export interface HeldLock {
  app: string
  by: string
  run?: string
  operation: string
  /** ISO time taken before the operation started: the owner's `since` is this or later. */
  notBefore: string
  /** The owner token, when the caller knows it (matches exactly). */
  token?: string
}

/** Per host: `released`, `not locked`, or `held by another` (with the holder). */
export type LockRelease = { host: string; outcome: 'released' | 'not locked' } | { host: string; outcome: 'held by another'; holder: string }

/** True when a lock owner record is the one described by `held`. */
export function ownedBy(owner: LockOwner, held: HeldLock): boolean {
  if (held.token !== undefined && owner.token !== held.token) return false
  return owner.app === held.app && owner.by === held.by && owner.run === held.run && owner.operation === held.operation && owner.since >= held.notBefore
}

/** Reads the lock owner on every host and releases the lock where it is `held`'s; never touches another owner's lock. */
export async function releaseHeldLock(options: OperationOptions & { held: HeldLock }): Promise<LockRelease[]> {
  const op = operation(options)
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  try {
    return await onEach(sessions, async (s): Promise<LockRelease> => {
      const text = (await runPhase(s, op.spec, op.reporter, 'read lock', [readOwner(s, s.layout, 'owner')])).data.owner?.[0]
      if (!text) return { host: s.host.name, outcome: 'not locked' }
      const owner = parseOwner(text)
      if (!owner || !ownedBy(owner, options.held)) return { host: s.host.name, outcome: 'held by another', holder: text }
      // `release` removes the lock only if owner.json still holds exactly this owner.
      await runPhase(s, op.spec, op.reporter, 'unlock', [release(s.layout, owner)])
      return { host: s.host.name, outcome: 'released' }
    })
  } finally {
    await closeSessions(sessions)
  }
}


function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as LockOwner
    return typeof o === 'object' && o !== null && typeof o.token === 'string' ? o : undefined
  } catch {
    return undefined
  }
}
