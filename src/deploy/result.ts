/** What a deploy reports: its result, and the error that carries the result of a failed one. */
import type { RestorePoint } from '../commands/history.js'
import { SlipwayError } from '../errors.js'
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
  /** The restore point taken just before migrating (on the migrating host), if one was. */
  restorePoint?: RestorePoint
}

/** A deploy that failed; `result` says how far it got (and whether it was rolled back). */
export class DeployError extends SlipwayError {
  constructor(message: string, readonly result: DeployResult) {
    super(message)
    this.name = 'DeployError'
  }
}

/** The report's last line about migrations: stepped back, or still applied and why. */
export function stepBackNote(result: DeployResult): string {
  const m = result.migrations
  if (!m || !m.ran.length) return ''
  if (m.steppedBack.length) return `\nmigrations stepped back: ${m.steppedBack.join(', ')}`
  return `\nmigrations NOT stepped back (still applied): ${m.ran.join(', ')}${m.refused ? ` — ${m.refused}` : ''}`
}
