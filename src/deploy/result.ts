/** What a deploy reports: its result, and the error that carries the result of a failed one. */
import type { RestorePoint } from '../commands/history.js'
import { SlipwayError } from '../errors.js'
import { consistent, type HostLedger } from './ledger.js'
import type { SmokeResult } from './smoke.js'

/** What a deploy did. */
export interface DeployResult {
  /** The new release id (the same on every host). */
  release: string
  /** The release that was live before, if any. */
  previous?: string
  commit?: string
  hosts: string[]
  /** True when the deploy was switched back after the switch. */
  rolledBack: boolean
  /** Releases removed by keep_releases, per host. */
  removed: Record<string, string[]>
  smoke: SmokeResult[]
  /** With `smoke.bake`: its length and the rounds of checks run during it. */
  bake?: { seconds: number; rounds: number }
  /** Per host: entries sent in the upload, and whether it was a delta against the live release. */
  uploaded: Record<string, { sent: number; delta: boolean }>
  /** With several hosts: how many tars were packed for them (hosts with the same upload share one). */
  packs?: number
  /** Migrations this deploy ran, and which of them were stepped back. */
  migrations?: MigrationsResult
  /** Per host: prepared, switched, smoke, rolled back, error, and the release it serves. */
  ledger: HostLedger[]
  /** A rollout in several batches (strategy:): the batches by host name, what each host served after each, hosts dropped within max_failed. */
  rollout?: { strategy: string; batches: string[][]; timeline: string[]; dropped: string[] }
  /** check.policy: forward-only: the release's new migrations without a usable down(), found at plan time (step-back is impossible). */
  forwardOnly?: string[]
  /** The restore point taken just before migrating (on the migrating host), if one was. */
  restorePoint?: RestorePoint
}

/** The migrations a deploy ran and what became of them; for a failed migration, what the schema shows. */
export interface MigrationsResult {
  ran: string[]
  steppedBack: string[]
  failed?: string
  refused?: string
  stillApplied?: string[]
  /** What the failed migration left in the schema (`table audits (1 row)`), read as it started and after it failed. */
  left?: string[]
  /** Of those, what was removed again, and what was not (with the reason). */
  removed?: string[]
  notRemoved?: string[]
  /** What the failed migration removed or changed that existed before: not repaired; {@link restore} is the fix. */
  destroyed?: string[]
  /** The command that restores the database from the restore point taken before this deploy. */
  restore?: string
  /** The schema read at the end of the failure path compared with the one read before migrating, in words. */
  schemaCheck?: string
  /** True when that schema equals the one read before migrating. */
  schemaRestored?: boolean
}

/** Exit code of a deploy that failed and left the fleet consistent (every host on the same release). */
export const FAILED_CONSISTENT = 1

/** Exit code of a deploy that failed and left hosts on different (or unknown) releases. */
export const FAILED_INCONSISTENT = 4

/** A deploy that failed; `result` says how far it got (and whether it was rolled back). */
export class DeployError extends SlipwayError {
  override readonly exitCode: number
  constructor(message: string, readonly result: DeployResult) {
    super(message)
    this.name = 'DeployError'
    this.exitCode = consistent(result.ledger ?? []) ? FAILED_CONSISTENT : FAILED_INCONSISTENT
  }
}

/** The report's last line about migrations: stepped back, or still applied and why. */
export function stepBackNote(result: DeployResult): string {
  const m = result.migrations
  if (!m) return ''
  const schema = [m.removed?.length ? `removed what the failed migration added: ${m.removed.join(', ')}` : '', m.notRemoved?.length ? `NOT removed: ${m.notRemoved.join(', ')}` : '', m.schemaCheck ?? '']
  const tail = schema.filter(Boolean).map((line) => `\n${line}`).join('')
  if (!m.ran.length) return tail
  if (m.steppedBack.length) return `\nmigrations stepped back: ${m.steppedBack.join(', ')}${tail}`
  return `\nmigrations NOT stepped back (still applied): ${m.ran.join(', ')}${m.refused ? ` — ${m.refused}` : ''}${tail}`
}
