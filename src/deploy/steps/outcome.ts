/** What a migrate run did, taken into the deploy: from the migrate job's data, or from step `pending` when nothing was pending. */
import type { HostData } from '../../commands/protocol.js'
import { outcome, schemaResult } from '../migrate.js'
import type { DeployRun } from './types.js'

/** What migrating did (from the `before`/`after` data), into the run, its records and its result. */
export function takeOutcome(run: DeployRun, data: HostData, failed: boolean): void {
  run.migrated = outcome(run.op, run.driver!, data, failed, run.id)
  const noDown = run.migrated.record.ran.filter((n) => run.result.forwardOnly?.includes(n))
  if (noDown.length) run.migrated.record.no_down = noDown
  for (const p of run.plans) p.record = { ...p.record, migrations: run.migrated.record }
  run.result.migrations = { ran: run.migrated.record.ran, steppedBack: [], failed: run.migrated.record.failed, ...schemaResult(run.migrated, run.id) }
}
