/** Shared plumbing for operations: options, who is acting, running a step on every host. */
import { randomBytes } from 'node:crypto'
import { userInfo } from 'node:os'
import { HEARTBEAT, heartbeat, LOCK_TTL, release, type LockOwner } from '../commands/lock.js'
import { stepMark } from '../commands/protocol.js'
import { UntouchedError } from '../errors.js'
import { silentReporter, type Reporter } from '../reporter.js'
import { describeSelection, selectHosts, type HostSelection } from '../spec/select.js'
import type { Spec } from '../spec/types.js'
import { unlessAborted } from './abort.js'
import { settleLimited } from './limit.js'
import { revive, runPhase, type Connector, type Session } from './session.js'

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
  /**
   * Cancels the operation (its reason names the signal): no new step starts, the round trip in flight finishes,
   * then everything this run did is undone (switch back, step back, mark failed) and the lock released.
   */
  signal?: AbortSignal
  /** Stops waiting: the lock is released at once and the operation throws (a second Ctrl-C). */
  force?: AbortSignal
  /** Stops following the undo (a host job: the host finishes it and releases the lock); the operation throws. */
  late?: AbortSignal
  /** Seconds to wait for another run's live lock (polling, naming its holder) before giving up (default 0: fail at once). */
  lockWait?: number
  /** Only some of the spec's hosts (`--hosts`, `--exclude`, `--roles`); unknown names are an InputError before anything connects. */
  select?: HostSelection
}

/** Resolved common settings. */
export interface Operation {
  spec: Spec
  reporter: Reporter
  by: string
  run?: string
  now: () => Date
  lockToken?: string
  signal?: AbortSignal
  force?: AbortSignal
  late?: AbortSignal
  /** Seconds to wait for a live lock (0: none). */
  lockWait: number
}

/** Fills defaults for the common options. */
export function operation(o: OperationOptions): Operation {
  let by = o.actor ?? process.env.GITHUB_ACTOR
  if (!by) {
    try { by = userInfo().username } catch { by = 'unknown' }
  }
  const reporter = o.reporter ?? silentReporter
  const spec = selectHosts(o.spec, o.select)
  if (spec !== o.spec) reporter.warn(`working on ${spec.hosts.length} of ${o.spec.hosts.length} hosts (${describeSelection(o.select)}): ${spec.hosts.map((h) => h.name).join(', ')}`)
  return { spec, reporter, by, run: o.runId ?? process.env.GITHUB_RUN_ID, now: o.now ?? (() => new Date()), lockToken: o.lockToken, signal: o.signal, force: o.force, late: o.late, lockWait: o.lockWait ?? 0 }
}

/** A lock owner for this operation. */
export function lockOwner(op: Operation, operationName: string): LockOwner {
  return { token: op.lockToken ?? randomBytes(8).toString('hex'), app: op.spec.app, by: op.by, run: op.run, operation: operationName, since: op.now().toISOString() }
}

/** The lock is held by someone else (after waiting `waited` seconds for it, with --lock-wait). */
export class LockedError extends UntouchedError {
  constructor(readonly host: string, readonly holder: string, readonly waited = 0) {
    const what = waited ? `another operation still holds the deploy lock after waiting ${waited} s for it (--lock-wait)` : 'another operation holds the deploy lock'
    const fix = waited ? 'Wait longer (a larger --lock-wait)' : 'Wait for it to finish, or wait for it with --lock-wait <seconds>'
    super(`${host}: ${what}: ${describeHolder(holder)}. ${fix}; a run that died loses its lock ${LOCK_TTL} s after its last heartbeat, or break it with: slipway unlock`)
    this.name = 'LockedError'
  }
}

/** The operation was cancelled (SIGINT, SIGTERM, or the embedder's AbortSignal). */
export class Cancelled extends Error {
  constructor(readonly reason: string) {
    super(`cancelled by ${reason}`)
    this.name = 'Cancelled'
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

/**
 * Runs `fn` on every session — at once (their connections are open: sshd's MaxStartups counts only connections still
 * authenticating, so a round trip needs no bound), or `limit` at a time (uploads) — waits for all, then throws the
 * first failure.
 */
export async function onEach<T>(sessions: Session[], fn: (s: Session, i: number) => Promise<T>, limit = sessions.length): Promise<T[]> {
  const results = await settleLimited(sessions, limit, fn)
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined
  if (failed) throw failed.reason
  return results.map((r) => (r as PromiseFulfilledResult<T>).value)
}

/** How many of these sessions may connect again at once (`max_connections`). */
function limitOf(sessions: Session[]): number {
  return sessions[0]?.limit ?? sessions.length
}

/**
 * Runs `work`, unless `op.force` aborts first: then this owner's lock is released at once and the returned
 * promise rejects with `stopped()` (the work in flight is abandoned; the process is about to exit).
 */
export async function forceable<T>(op: Operation, sessions: Session[], owner: LockOwner, work: Promise<T>, stopped: (reason: string) => Error): Promise<T> {
  const force = op.force
  if (!force) return work
  return unlessAborted(work, force, async () => {
    await releaseLocks(op, sessions, owner).catch(() => undefined)
    return stopped(String(force.reason ?? 'abort'))
  })
}

/** Keeps this owner's lock alive on every session (a heartbeat on its own channel every few seconds); returns the stop. */
export function keepAlive(op: Operation, sessions: Session[], owner: LockOwner): () => void {
  const beat = () => sessions.forEach((s) => void runPhase({ ...s, channel: undefined }, op.spec, silentReporter, 'heartbeat', [stepMark(s, 'heartbeat'), heartbeat(s.layout, owner)]).catch(() => undefined))
  const timer = setInterval(beat, HEARTBEAT * 1000)
  return () => clearInterval(timer)
}

/**
 * Best-effort: releases this owner's lock on every session (no-op where another owner holds it), reconnecting once
 * where the connection was lost; returns the sessions where it could not (the lock is left there).
 */
export async function releaseLocks(op: Operation, sessions: Session[], owner: LockOwner): Promise<Session[]> {
  // A channel of its own: the operation's channel may still be busy (a forced stop) or gone.
  const results = await settleLimited(sessions, limitOf(sessions), async (s) => {
    await revive(s)
    await runPhase({ ...s, channel: undefined }, op.spec, op.reporter, 'unlock', [release(s.layout, owner)])
  })
  return sessions.filter((_, i) => results[i].status === 'rejected')
}
