/** Undoing a deploy that got past its build: code back to the previous release, and its migrations stepped back when allowed. */
import type { Command } from '../commands/shell.js'
import { driverFor, migrateHostIndex } from '../migrations/driver.js'
import { auditLine } from './audit.js'
import type { DeployResult } from './deploy.js'
import { checkStepBack, planStepBack, type MigrateOutcome } from './migrate.js'
import { restorePhase, type HostPlan } from './plan.js'
import { onEach, type Operation } from './run.js'
import { runPhase, type Session } from './session.js'

/**
 * Every host back to its previous release (or, before the switch, just the records), the new
 * release marked failed, and this deploy's migrations stepped back when the spec allows it.
 * `switched` says whether `current` had moved.
 */
export async function restore(op: Operation, sessions: Session[], plans: HostPlan[], note: string, migrated: MigrateOutcome | undefined, result: DeployResult, switched: boolean): Promise<void> {
  const stamp = op.now().toISOString()
  const driver = driverFor(op.spec)
  const at = migrateHostIndex(op.spec)
  const failed = { ...plans[0].record, state: 'failed' as const, note, updated_at: stamp }
  let stepBack: Command[] = []
  if (driver && migrated?.record.ran.length) {
    // A failed migrate run is always undone (the deploy never went live); after a switch, only with step_back: auto.
    const allowed = !switched || op.spec.migrate?.step_back === 'auto'
    const plan = allowed ? planStepBack(sessions[at], driver, failed, migrated.after, stamp) : { refused: 'migrate.step_back is never' }
    if ('refused' in plan) {
      result.migrations!.refused = plan.refused
      op.reporter.error(`migrations of ${failed.id} are NOT stepped back (${plan.refused}); still applied: ${migrated.record.ran.join(', ')}`)
    } else {
      stepBack = plan.commands
      if (plan.how) op.reporter.info(`stepping back the migrations of ${failed.id}: ${plan.how}`)
    }
  }
  await op.reporter.group(`Roll back ${failed.id}`, () => onEach(sessions, async (s, i) => {
    const p = plans[i]
    const target = switched ? p.previous : undefined
    const line = auditLine(op, switched ? 'rollback' : 'deploy', switched ? p.previous ?? '(none)' : failed.id, undefined, switched ? `automatic, from ${p.id}: ${note}` : `failed before switch: ${note}`)
    const commands = restorePhase(s, s.layout, op.spec, target, [{ ...failed, migrations: p.record.migrations }], line, p.owner, i === at ? stepBack : [], switched)
    const r = await runPhase(s, op.spec, op.reporter, switched ? 'roll back' : 'record failure', commands)
    if (i === at && stepBack.length && migrated) {
      const check = checkStepBack(op, driver!, r.data, migrated.record)
      result.migrations!.steppedBack = check.ok ? migrated.record.ran : []
      result.migrations!.stillApplied = check.stillApplied
    }
  }))
  result.rolledBack = switched
}
