/** The deploy lock: an atomic `mkdir` with an owner file; released by its owner only. */
import type { Layout } from './layout.js'
import { cmd, quote, type Command } from './shell.js'
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
    `if ! mkdir ${quote(l.lock)} 2>/dev/null; then ${dataMark(m, 'holder', `$(cat ${quote(file)} 2>/dev/null || echo unknown)`)}; exit ${LOCKED}; fi`,
    cmd('printf', '%s', JSON.stringify(owner)) + ` > ${quote(file)}`
  ]
}

/** Removes the lock only if this owner still holds it. */
export function release(l: Layout, owner: LockOwner): Command {
  const file = `${l.lock}/owner.json`
  return `if [ "$(cat ${quote(file)} 2>/dev/null)" = ${quote(JSON.stringify(owner))} ]; then rm -rf ${quote(l.lock)}; fi`
}

/** Breaks the lock whoever holds it, reporting the holder first. */
export function breakLock(m: Markers, l: Layout): Command[] {
  return [
    `if [ -d ${quote(l.lock)} ]; then ${dataMark(m, 'holder', `$(cat ${quote(l.lock)}/owner.json 2>/dev/null || echo unknown)`)}; fi`,
    cmd('rm', '-rf', l.lock)
  ]
}
