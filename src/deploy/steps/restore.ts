/**
 * Step `restore`, the one failure path of a deploy: the new release marked failed; after a switch, every
 * host switched back (the target chosen by the rollback brain); this deploy's migrations stepped back
 * when allowed; an audit line; the lock released — one round trip per host.
 */
import { advance, type ReleaseRecord } from '../../commands/history.js'
import { journalFile } from '../../commands/layout.js'
import { cmd, type Command } from '../../commands/shell.js'
import { auditLine } from '../audit.js'
import { checkStepBack, planStepBack } from '../migrate.js'
import { planRollback } from '../rollback-plan.js'
import { onEach } from '../run.js'
import { runPhase } from '../session.js'
import { restorePhase } from './restore-phase.js'
import type { DeployRun } from './types.js'

/** The step-back commands for this deploy's migrations, or none (with the refusal recorded in the result). */
function stepBackCommands(run: DeployRun, failed: ReleaseRecord, switched: boolean, stamp: string): Command[] {
  const { driver, migrated, op } = run
  if (!driver || !migrated?.record.ran.length) return []
  // A failed migrate run is always undone (the deploy never went live); after a switch, only with step_back: auto.
  const allowed = !switched || op.spec.migrate?.step_back === 'auto'
  const plan = allowed ? planStepBack(run.sessions[run.at], driver, failed, migrated.after, stamp) : { refused: 'migrate.step_back is never' }
  if ('commands' in plan) {
    if (plan.how) op.reporter.info(`stepping back the migrations of ${failed.id}: ${plan.how}`)
    return plan.commands
  }
  run.result.migrations!.refused = plan.refused
  op.reporter.error(`migrations of ${failed.id} are NOT stepped back (${plan.refused}); still applied: ${migrated.record.ran.join(', ')}`)
  return []
}

/** Undoes a deploy that failed: `switched` says whether `current` may have moved. */
export async function restore(run: DeployRun, note: string, switched: boolean): Promise<void> {
  const { op, id } = run
  const stamp = op.now().toISOString()
  const failed = advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp })
  const stepBack = stepBackCommands(run, failed, switched, stamp)
  await op.reporter.group(`Roll back ${id}`, () => onEach(run.sessions, async (s, i) => {
    const p = run.plans[i]
    const state = { records: [...run.states[i].records, p.record], current: switched ? id : p.previous, manifest: [] }
    const plan = switched ? planRollback(state, { automatic: true, previous: p.previous, note, stamp }) : { target: undefined, updates: [advance(p.record, 'failed', { note, updated_at: stamp })] }
    const line = switched
      ? auditLine(op, 'rollback', p.previous ?? '(none)', undefined, `automatic, from ${id}: ${note}`)
      : auditLine(op, 'deploy', id, run.commit, 'failed before switch')
    const commands = restorePhase(s, s.layout, op.spec, plan.target, plan.updates, line, run.owner, [...(i === run.at ? stepBack : []), cmd('rm', '-f', journalFile(s.layout, id))], switched)
    const r = await runPhase(s, op.spec, op.reporter, switched ? 'roll back' : 'record failure', commands)
    if (i === run.at && stepBack.length && run.migrated) {
      const check = checkStepBack(op, run.driver!, r.data, run.migrated.record)
      run.result.migrations!.steppedBack = check.ok ? run.migrated.record.ran : []
      run.result.migrations!.stillApplied = check.stillApplied
    }
  }))
  run.result.rolledBack = switched
}
