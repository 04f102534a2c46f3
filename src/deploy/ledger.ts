/**
 * The host ledger: per host, what a deploy did there and which release it serves. Every entry comes from an
 * observation — a round trip that ended (or did not), a history read back — never from what should have happened.
 */
import { StepError } from './session.js'
import type { SmokeResult } from './smoke.js'

/** A host's `serves` when its `current` may have moved while this run lost sight of it. */
export const UNKNOWN = 'unknown'

/** A host's `serves` when it has no live release. */
export const NONE = 'none'

/** One host's line in the ledger. */
export interface HostLedger {
  host: string
  /** The release it serves: an id, {@link NONE}, or {@link UNKNOWN}. */
  serves: string
  /** Upload, shared files and build done. */
  prepared: boolean
  /** `current` points at the new release (it may have been switched back since: see `rolledBack`). */
  switched: boolean
  /** Its smoke checks (the runner's checks count for every host). */
  smoke?: 'passed' | 'failed'
  /** Switched back to the release it served before. */
  rolledBack: boolean
  /** What went wrong there, in a few words. */
  error?: string
  /**
   * This run's lock is still on the host: kept for its watchdog (switched, not switched back: the watchdog reverts
   * it and releases the lock), or unreachable (the next operation takes it over once it has had no heartbeat for
   * the lock's TTL, and repairs what this run left).
   */
  lockLeft?: boolean
}

/** A fresh ledger: nothing done yet, what each host serves not read yet. */
export function newLedger(hosts: string[]): HostLedger[] {
  return hosts.map((host) => ({ host, serves: UNKNOWN, prepared: false, switched: false, rolledBack: false }))
}

/** A short cause for the ledger. */
export function causeOf(error: unknown): string {
  if (error instanceof StepError) return error.summary
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

/** Adds what went wrong on a host (a second failure, e.g. while undoing, is appended). */
export function noteError(entry: HostLedger, error: unknown, prefix = ''): void {
  const cause = prefix + causeOf(error)
  entry.error = entry.error ? `${entry.error}; ${cause}` : cause
}

/**
 * Records a round trip on one host (the names of its steps): what they did when it ended with exit 0, or where it stopped.
 * `serves` is the release read at the lock, or the new one once its switch ran; a host lost while its switch
 * may have been running serves {@link UNKNOWN}.
 */
export function noteTrip(entry: HostLedger, names: string[], id: string, current: string | undefined, error?: unknown): void {
  if (names.includes('lock') && !error) entry.serves = current ?? NONE
  if (!error) {
    if (names.includes('build')) entry.prepared = true
    if (names.includes('switch')) Object.assign(entry, { switched: true, serves: id })
    return
  }
  noteError(entry, error)
  if (!names.includes('switch')) return
  const failedAt = error instanceof StepError ? names.indexOf(error.step) : -1
  if (failedAt > names.indexOf('switch')) Object.assign(entry, { switched: true, serves: id })
  else if (!(error instanceof StepError && error.unsent)) entry.serves = UNKNOWN // nothing was sent: it serves what it did
}

/** Records the smoke outcome per host: its own checks and the runner's. */
export function noteSmoke(ledger: HostLedger[], results: SmokeResult[]): void {
  for (const entry of ledger) {
    const mine = results.filter((r) => !r.host || r.host === entry.host)
    if (mine.length) entry.smoke = mine.every((r) => r.ok) ? 'passed' : 'failed'
    for (const r of mine.filter((c) => !c.ok && c.host)) noteError(entry, `smoke ${r.name}: ${r.detail.split('\n')[0]}`)
  }
}

/** Every host serves the same, known release. */
export function consistent(ledger: HostLedger[]): boolean {
  return ledger.every((e) => e.serves !== UNKNOWN && e.serves === ledger[0].serves)
}
