/** What a deploy reports: its result, and the error that carries the result of a failed one. */
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
  /** Per host: entries sent in the upload, and whether it was a delta against the live release. */
  uploaded: Record<string, { sent: number; delta: boolean }>
  /** Migrations this deploy ran, and which of them were stepped back. */
  migrations?: { ran: string[]; steppedBack: string[]; failed?: string; refused?: string; stillApplied?: string[] }
  /** Per host: prepared, switched, smoke, rolled back, error, and the release it serves. */
  ledger: HostLedger[]
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
  if (!m || !m.ran.length) return ''
  if (m.steppedBack.length) return `\nmigrations stepped back: ${m.steppedBack.join(', ')}`
  return `\nmigrations NOT stepped back (still applied): ${m.ran.join(', ')}${m.refused ? ` — ${m.refused}` : ''}`
}
