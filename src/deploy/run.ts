/** Shared plumbing for operations: options, who is acting, running a step on every host. */
import { randomBytes } from 'node:crypto'
import { userInfo } from 'node:os'
import { release, type LockOwner } from '../commands/lock.js'
import { SlipwayError } from '../errors.js'
import { silentReporter, type Reporter } from '../reporter.js'
import type { Spec } from '../spec/types.js'
import { runPhase, type Connector, type Session } from './session.js'

/** Options every operation takes. */
export interface OperationOptions {
  spec: Spec
  /** Where progress goes (default: nowhere). */
  reporter?: Reporter
  /** How hosts are reached (default: SSH per the spec). */
  connect?: Connector
  /** Who is acting, for history and the lock (default: GITHUB_ACTOR or the local user). */
  actor?: string
  /** CI run id, for history and the lock (default: GITHUB_RUN_ID). */
  runId?: string
  /** The clock (tests pin it). */
  now?: () => Date
  /** The lock owner token (default: random); the Action saves it so its post step can release exactly its own lock. */
  lockToken?: string
}

/** Resolved common settings. */
export interface Operation {
  spec: Spec
  reporter: Reporter
  by: string
  run?: string
  now: () => Date
  lockToken?: string
}

/** Fills defaults for the common options. */
export function operation(o: OperationOptions): Operation {
  let by = o.actor ?? process.env.GITHUB_ACTOR
  if (!by) {
    try { by = userInfo().username } catch { by = 'unknown' }
  }
  return { spec: o.spec, reporter: o.reporter ?? silentReporter, by, run: o.runId ?? process.env.GITHUB_RUN_ID, now: o.now ?? (() => new Date()), lockToken: o.lockToken }
}

/** A lock owner for this operation. */
export function lockOwner(op: Operation, operationName: string): LockOwner {
  return { token: op.lockToken ?? randomBytes(8).toString('hex'), app: op.spec.app, by: op.by, run: op.run, operation: operationName, since: op.now().toISOString() }
}

/** The lock is held by someone else. */
export class LockedError extends SlipwayError {
  constructor(readonly host: string, readonly holder: string) {
    super(`${host}: another operation holds the deploy lock: ${describeHolder(holder)}. Wait for it to finish; if it died, break the lock with: slipway unlock`)
    this.name = 'LockedError'
  }
}

/** A human description of a lock owner record. */
export function describeHolder(text: string): string {
  try {
    const o = JSON.parse(text) as LockOwner
    return `${o.operation} of ${o.app} by ${o.by}${o.run ? ` (run ${o.run})` : ''} since ${o.since}`
  } catch {
    return text || 'unknown holder'
  }
}

/** Runs `fn` on every session in parallel, waits for all, then throws the first failure. */
export async function onEach<T>(sessions: Session[], fn: (s: Session, i: number) => Promise<T>): Promise<T[]> {
  const results = await Promise.allSettled(sessions.map((s, i) => fn(s, i)))
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined
  if (failed) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<T>).value)
}

/** Best-effort: releases this owner's lock on every session (no-op where another owner holds it). */
export async function releaseLocks(op: Operation, sessions: Session[], owner: LockOwner): Promise<void> {
  await Promise.allSettled(sessions.map((s) => runPhase(s, op.spec, op.reporter, 'unlock', [release(s.layout, owner)])))
}
