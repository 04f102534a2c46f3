/**
 * Step `migrate`: on the migrating host, in the new release, before the switch (optional backup first; a restore
 * point first when migrations are pending and the spec's db section takes them).
 * With one host it rides on the prepare round trip (unless step `pending` read the state first); with several it waits until every host is ready.
 */
import { runJob } from '../../commands/detach.js'
import { heartbeat, holding } from '../../commands/lock.js'
import { runMigrations } from '../../migrations/commands.js'
import { pointProvider, readPoint } from '../../migrations/points.js'
import { describePoint } from '../points.js'
import { guarded, guardMigrate } from './guard.js'
import { takeOutcome } from './outcome.js'
import type { DeployRun, Step } from './types.js'

export const migrate: Step = {
  name: 'migrate',
  where: 'migrating',
  onFailure: 'mark failed',
  when: (run) => run.driver !== undefined,
  // After what is pending was read (step `pending`, which plans the guard), or every host is ready.
  barrier: (run) => run.sessions.length > 1 || guarded(run),
  // Step `pending` read that nothing is pending (and no backup is asked for): nothing to run, nothing to guard.
  skip: (run) => run.pending !== undefined && run.pending.pending.length === 0 && !run.spec.migrate?.backup,
  job: (run) => `${run.id}.migrate`,
  // A host job: a lost connection or a dead runner cannot stop a migration half-way (nor its state read after it);
  // its guard undoes it when the run stops before reading its outcome.
  commands: (run, i) => {
    const l = run.plans[i].layout
    const job = `${run.id}.migrate`
    const commands = runMigrations(run.sessions[i], l, run.id, run.driver!, run.spec.migrate?.backup, pointProvider(run.spec, run.driver))
    return [...(guarded(run) ? guardMigrate(run, i, job) : []), ...runJob(l, job, commands, heartbeat(l, run.owner), holding(l, run.owner))]
  },
  read: (run, _i, r, failed) => {
    if (run.dry || !r.data.before) return
    // The job reported its state: its guard, armed before it in the same script, is on the host.
    run.guardArmed = guarded(run)
    if (!recordPoint(run, r.data.point?.[0], failed)) {
      run.migrating = false // nothing was migrated
      return
    }
    // No `after`: the job's outcome was never read (the connection was lost, or the migrate process died).
    if (r.data.after) takeOutcome(run, r.data, failed)
  }
}

/** Records the restore point the host reported; false when taking it failed (then nothing was migrated). */
function recordPoint(run: DeployRun, line: string | undefined, failed: boolean): boolean {
  const report = readPoint(line)
  const { reporter } = run.op
  if (!report) {
    if (failed && pointProvider(run.spec, run.driver)?.kind === 'command') {
      reporter.error('the restore point (db.snapshot) failed, so nothing was migrated (its output is above)')
      return false
    }
    return true
  }
  if ('error' in report) {
    reporter.error(`the restore point failed, so nothing was migrated: ${report.error}`)
    return false
  }
  if ('skipped' in report) {
    reporter.warn(`no restore point: ${report.skipped}`)
    return true
  }
  reporter.info(`restore point: ${describePoint(report.point)}`)
  for (const p of run.plans) p.record = { ...p.record, restore_point: report.point }
  run.result.restorePoint = report.point
  return true
}
