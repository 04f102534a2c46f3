/**
 * Waiting for another run's lock (`--lock-wait <seconds>`): every few seconds each host's lock is tried again,
 * its holder named whenever it changes. Never hold-and-wait: while any host is held by another run, this run
 * holds none (so two multi-host runs cannot each hold a host the other waits for). A dead holder is taken over
 * by the same acquire as ever; a cancel stops the wait.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { HostState } from '../commands/history.js'
import { LOCKED, type LockOwner } from '../commands/lock.js'
import type { ScriptResult } from '../remote/script.js'
import { Cancelled, describeHolder, LockedError, onEach, releaseLocks, type Operation } from './run.js'
import { runPhase, type Session } from './session.js'
import { lockCommands, lockedState } from './steps/lock.js'

/** Seconds between two tries while waiting (plus up to one second of jitter, so two waiters do not keep colliding). */
export const LOCK_POLL = 2

/**
 * Per host: the holder's owner text where another run holds the lock, undefined where this run took it, null
 * where it was not tried (another run holds the primary host's).
 */
export type Holders = Array<string | undefined | null>

/** The host whose lock is taken first: the first by name. */
export function primaryIndex(sessions: Array<{ host: { name: string } }>): number {
  return sessions.reduce((best, s, i) => (s.host.name < sessions[best].host.name ? i : best), 0)
}

/**
 * The fleet lock order: `attempt` runs on the primary host alone, and on the others (at once) only when it
 * returned true (the lock there is this run's). Two runs over the same hosts both start at the primary, so one
 * of them stops there having taken nothing: neither can hold part of the fleet that the other needs.
 */
export async function inLockOrder(sessions: Session[], attempt: (s: Session, i: number) => Promise<boolean>): Promise<void> {
  if (sessions.length < 2) {
    await onEach(sessions, attempt)
    return
  }
  const primary = primaryIndex(sessions)
  if (!(await attempt(sessions[primary], primary))) return
  await onEach(sessions, (s, i) => (i === primary ? Promise.resolve(true) : attempt(s, i)))
}

/** Tries the lock on every host, the primary first; a host not tried has no result. */
async function tryAll(op: Operation, sessions: Session[], owner: LockOwner, manifest: boolean): Promise<Array<ScriptResult | undefined>> {
  const results: Array<ScriptResult | undefined> = sessions.map(() => undefined)
  await inLockOrder(sessions, async (s, i) => {
    const r = await runPhase(s, op.spec, op.reporter, 'lock', lockCommands(s, owner, manifest), { okCodes: [LOCKED] })
    results[i] = r
    return r.code !== LOCKED
  })
  return results
}

/** Who holds each host's lock, from a lock round trip. */
export function holdersOf(results: Array<ScriptResult | undefined>): Holders {
  return results.map((r) => (r === undefined ? null : r.code === LOCKED ? r.data.holder?.[0] ?? '' : undefined))
}

/** Takes the lock on every host and reads its history, waiting up to `op.lockWait` s for a live holder. */
export async function lockHosts(op: Operation, sessions: Session[], owner: LockOwner, manifest = true): Promise<HostState[]> {
  const results = await tryAll(op, sessions, owner, manifest)
  const holders = holdersOf(results)
  if (holders.every((h) => h === undefined)) return results.map((r, i) => lockedState(op, sessions[i], r!))
  return waitForLocks(op, sessions, owner, holders, manifest)
}

/**
 * Given the holders a first try found, waits until every host's lock is this run's and returns the histories
 * read then. Throws {@link LockedError} naming the holder when `op.lockWait` runs out (at once when it is 0),
 * {@link Cancelled} when the operation is cancelled while waiting; the caller then releases what this run holds.
 */
export async function waitForLocks(op: Operation, sessions: Session[], owner: LockOwner, first: Holders, manifest = true): Promise<HostState[]> {
  const started = Date.now()
  let holders = first
  let told: Holders = []
  for (;;) {
    const waited = Math.round((Date.now() - started) / 1000)
    const at = holders.findIndex((h) => typeof h === 'string')
    const left = started + op.lockWait * 1000 - Date.now()
    if (left <= 0) throw new LockedError(sessions[at].host.name, holders[at]!, op.lockWait ? waited : 0)
    if (op.signal?.aborted) throw new Cancelled(String(op.signal.reason ?? 'abort'))
    await releaseLocks(op, sessions, owner)
    holders.forEach((h, i) => {
      if (typeof h === 'string' && h !== told[i]) op.reporter.info(`${sessions[i].host.name}: the deploy lock is held by ${describeHolder(h)}; waiting for it (up to ${op.lockWait} s, ${waited} s so far)`)
    })
    told = holders
    await sleep(Math.min(LOCK_POLL * 1000 + Math.random() * 1000, left), undefined, { signal: op.signal }).catch(() => undefined)
    if (op.signal?.aborted) throw new Cancelled(String(op.signal.reason ?? 'abort'))
    const results = await tryAll(op, sessions, owner, manifest)
    holders = holdersOf(results)
    if (holders.every((h) => h === undefined)) {
      op.reporter.info(`took the deploy lock after waiting ${Math.round((Date.now() - started) / 1000)} s`)
      return results.map((r, i) => lockedState(op, sessions[i], r!))
    }
  }
}
