/**
 * The deploy lock: an atomic `mkdir` with an owner file; released by its owner only. The holder touches
 * `heartbeat` in it every {@link HEARTBEAT} seconds while it runs; a lock whose last sign of life is older
 * than {@link LOCK_TTL} seconds belongs to a run that died, and the next operation takes it over (an atomic
 * rename, so two newcomers never both take it).
 */
import type { Layout } from './layout.js'
import { cmd, mkdirs, nap, NAPPER, NOW, raw, readFirstLine, seq, sh, when, type Command } from './shell.js'
import { dataMark, type Markers } from './protocol.js'

/** Exit code of the acquire script when the lock is held by someone else. */
export const LOCKED = 75

/** Exit code of `breakLock` when the holder is alive and the break was not forced. */
export const ALIVE = 77

/**
 * Seconds without a heartbeat after which a lock's holder counts as dead: 30, or env SLIPWAY_LOCK_TTL (whole
 * seconds, at least 2; the fault suite uses a short one instead of waiting half a minute per dead run).
 */
export const LOCK_TTL = Math.max(2, Math.floor(Number(process.env.SLIPWAY_LOCK_TTL)) || 30)

/** Seconds between two heartbeats of a live holder: 5, or a third of a shorter {@link LOCK_TTL}. */
export const HEARTBEAT = Math.min(5, LOCK_TTL / 3)

/** Who holds a lock. `token` is unique per run; the rest is for humans. */
export interface LockOwner {
  token: string
  app: string
  by: string
  run?: string
  operation: string
  since: string
}

/** Takes the lock, or reports its holder and exits {@link LOCKED}. */
export function acquire(m: Markers, l: Layout, owner: LockOwner): Command[] {
  const file = `${l.lock}/owner.json`
  const dead = `${l.lock}.dead.${owner.token}`
  // A holder between its mkdir and its owner file: wait a moment for the file, so the loser can name it.
  const settle = seq(NAPPER, sh`for _ in {1..40}; do [ -s ${file} ] && break; ${nap(0.05)}; done`)
  const held = [settle, dataMark(m, 'holder', sh`$(cat ${file} 2>/dev/null || echo unknown)`), raw(`exit ${LOCKED}`)]
  // The newest sign of life: the heartbeat, else the owner file, else the lock dir itself (a holder between mkdir and writing its owner).
  const age = lockAge(l)
  const takeOver = [dataMark(m, 'takeover', sh`$age $(cat ${dead}/owner.json 2>/dev/null || echo unknown)`), cmd('rm', '-rf', dead), when(sh`! mkdir ${l.lock} 2>/dev/null`, held)]
  return [
    mkdirs(l.records),
    when(sh`! mkdir ${l.lock} 2>/dev/null`, [age, when(sh`[ "$age" -gt ${String(LOCK_TTL)} ] && mv -T ${l.lock} ${dead} 2>/dev/null`, takeOver, held)]),
    sh`${cmd('printf', '%s', JSON.stringify(owner))} > ${file}`
  ]
}

/** Sets `$age`: seconds since the newest sign of life of the lock's holder (heartbeat, else owner file, else the lock dir). */
export function lockAge(l: Layout): Command {
  return sh`age=$(( ${NOW} - $(stat -c %Y ${`${l.lock}/heartbeat`} 2>/dev/null || stat -c %Y ${`${l.lock}/owner.json`} 2>/dev/null || stat -c %Y ${l.lock} 2>/dev/null || echo ${NOW}) ))`
}

/** The holder's sign of life: touches the heartbeat (truncating it sets its time, no process) while (and only while) this owner holds the lock. */
export function heartbeat(l: Layout, owner: LockOwner): Command {
  return seq(readFirstLine('holder', `${l.lock}/owner.json`), when(holds(owner), [sh`: > ${`${l.lock}/heartbeat`}`]))
}

/**
 * Removes the lock only if this owner still holds it: renamed away first (atomic), so a heartbeat racing with the
 * release (a host job beats while it runs) cannot touch a file into a half-removed lock.
 */
export function release(l: Layout, owner: LockOwner): Command {
  const gone = `${l.lock}.released.${owner.token}`
  return seq(readFirstLine('holder', `${l.lock}/owner.json`), when(holds(owner), [sh`mv -T ${l.lock} ${gone} && { rm -rf ${gone} 2>/dev/null || true; }`]))
}

/** A test, after `readFirstLine('holder', …owner.json)`: true while `owner` holds the lock. */
function holds(owner: LockOwner): Command {
  return sh`[ "$holder" = ${JSON.stringify(owner)} ]`
}

/** A test that is true while `owner` holds the lock (reads the owner file; no process started). */
export function holding(l: Layout, owner: LockOwner): Command {
  return sh`{ ${readFirstLine('holder', `${l.lock}/owner.json`)}; ${holds(owner)}; }`
}

/** Reports the lock's owner record (as data `key`) when the lock is held. */
export function readOwner(m: Markers, l: Layout, key: 'holder' | 'owner'): Command {
  return when(sh`[ -d ${l.lock} ]`, [dataMark(m, key, sh`$(cat ${l.lock}/owner.json 2>/dev/null || echo unknown)`)])
}

/**
 * Breaks the lock, reporting its holder and the seconds since its last sign of life (data `holder`, `age`). A holder
 * that is alive (a heartbeat within {@link LOCK_TTL} s) is left alone with exit {@link ALIVE}, unless `force`.
 */
export function breakLock(m: Markers, l: Layout, force = false): Command[] {
  const alive = force ? [] : [when(sh`[ "$age" -le ${String(LOCK_TTL)} ]`, [raw(`exit ${ALIVE}`)])]
  return [when(sh`[ -d ${l.lock} ]`, [readOwner(m, l, 'holder'), lockAge(l), dataMark(m, 'age', raw('$age')), ...alive, cmd('rm', '-rf', l.lock)])]
}
