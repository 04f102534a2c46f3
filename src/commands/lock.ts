/** The deploy lock: an atomic `mkdir` with an owner file; released by its owner only. */
import type { Layout } from './layout.js'
import { cmd, raw, sh, when, type Command } from './shell.js'
import { dataMark, type Markers } from './protocol.js'

/** Exit code of the acquire script when the lock is held by someone else. */
export const LOCKED = 75

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
  return [
    cmd('mkdir', '-p', l.meta, l.records),
    when(sh`! mkdir ${l.lock} 2>/dev/null`, [dataMark(m, 'holder', sh`$(cat ${file} 2>/dev/null || echo unknown)`), raw(`exit ${LOCKED}`)]),
    sh`${cmd('printf', '%s', JSON.stringify(owner))} > ${file}`
  ]
}

/** Removes the lock only if this owner still holds it. */
export function release(l: Layout, owner: LockOwner): Command {
  const file = `${l.lock}/owner.json`
  return when(sh`[ "$(cat ${file} 2>/dev/null)" = ${JSON.stringify(owner)} ]`, [cmd('rm', '-rf', l.lock)])
}

/** Reports the lock's owner record (as data `key`) when the lock is held. */
export function readOwner(m: Markers, l: Layout, key: 'holder' | 'owner'): Command {
  return when(sh`[ -d ${l.lock} ]`, [dataMark(m, key, sh`$(cat ${l.lock}/owner.json 2>/dev/null || echo unknown)`)])
}

/** Breaks the lock whoever holds it, reporting the holder first. */
export function breakLock(m: Markers, l: Layout): Command[] {
  return [
    readOwner(m, l, 'holder'),
    cmd('rm', '-rf', l.lock)
  ]
}
