/** The step-back planned before migrating (step `pending`): used when a migrate job's outcome is never read. */
import { writeRecord, type ReleaseRecord } from '../../commands/history.js'
import type { Command } from '../../commands/shell.js'
import { stepBack } from '../../migrations/commands.js'
import { canStepBack } from '../../migrations/step-back.js'
import type { MigrationState } from '../../migrations/types.js'
import { noDownReason } from '../migrate.js'
import type { DeployRun } from './types.js'

/**
 * Steps back whatever of this run's batch is applied, planned from the state read before migrating: the guard's
 * step-back, and the run's own when it never read what its migrate job did. What was applied is not known when
 * this is planned, so the record says what was pending and which batch was stepped back, not which migrations.
 */
export function plannedStepBack(run: DeployRun, failed: ReleaseRecord): Command[] {
  const { driver, pending: before } = run
  if (!driver?.stepBackBatch || !before?.pending.length) return []
  const s = run.sessions[run.at]
  const batch = Math.max(0, ...before.ran.map(([, b]) => b)) + 1
  const state: MigrationState = { ...before, ran: [...before.ran, ...before.pending.map((n): [string, number] => [n, batch])], pending: [] }
  const verdict = canStepBack({ driver: driver.name, batch, ran: before.pending }, state)
  const noDown = before.pending.filter((n) => run.result.forwardOnly?.includes(n))
  const said = `pending before it migrated: ${before.pending.join(', ')}`
  const refused = noDown.length ? noDownReason(noDown) : verdict.ok ? undefined : verdict.reason
  if (refused) return [writeRecord(s.layout, { ...failed, note: `${failed.note}; what of batch ${batch} was applied stays (${said}): ${refused}` })]
  const ok = { ...failed, note: `${failed.note}; stepped back what of batch ${batch} was applied (${said})` }
  const bad = { ...failed, note: `${failed.note}; stepping back what of batch ${batch} was applied FAILED (${said}): see its output` }
  return stepBack(s, s.layout, run.id, driver.stepBackBatch(batch, before.version), driver, ok, bad)
}
