/**
 * Step `migrate`: on the migrating host, in the new release, before the switch (optional backup first).
 * With one host it rides on the prepare round trip; with several it waits until every host is ready.
 */
import { runMigrations } from '../../migrations/commands.js'
import { outcome, schemaResult } from '../migrate.js'
import type { Step } from './types.js'

export const migrate: Step = {
  name: 'migrate',
  where: 'migrating',
  onFailure: 'mark failed',
  when: (run) => run.driver !== undefined,
  barrier: (run) => run.sessions.length > 1,
  commands: (run, i) => runMigrations(run.sessions[i], run.plans[i].layout, run.id, run.driver!, run.spec.migrate?.backup),
  read: (run, _i, r, failed) => {
    if (run.dry || !r.data.before) return
    run.migrated = outcome(run.op, run.driver!, r.data, failed, run.id)
    const noDown = run.migrated.record.ran.filter((n) => run.result.forwardOnly?.includes(n))
    if (noDown.length) run.migrated.record.no_down = noDown
    for (const p of run.plans) p.record = { ...p.record, migrations: run.migrated.record }
    run.result.migrations = { ran: run.migrated.record.ran, steppedBack: [], failed: run.migrated.record.failed, ...schemaResult(run.migrated, run.id) }
  }
}
