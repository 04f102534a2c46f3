/**
 * Steps `watchdog` (with the switch) and `confirm` (after the smoke checks pass): a runner that dies after the
 * switch can never leave an unverified release live — the host reverts it with the same commands the runner's
 * own restore would send (switch back, mark failed, step back this deploy's migrations, audit, hooks, unlock).
 */
import { advance, writeRecord } from '../../commands/history.js'
import { heartbeat } from '../../commands/lock.js'
import { armWatchdog, claimRelease } from '../../commands/watchdog.js'
import type { Spec } from '../../spec/types.js'
import { revertCommands, stepBackPlan, watched } from './restore.js'
import type { Step } from './types.js'

/**
 * Seconds the host waits for the run to confirm: rollback.confirm_within, else the smoke checks' limits plus 120;
 * with smoke.bake, plus the bake and one more round of the checks (the one in flight when the bake ends).
 */
export function confirmWithin(spec: Spec): number {
  const checks = spec.smoke.reduce((sum, c) => sum + ('run' in c ? c.timeout : c.deadline), 0)
  return (spec.rollback.confirm_within ?? checks + 120) + (spec.bake ? spec.bake + checks : 0)
}

/** Armed just before the switch, in its round trip: a run that dies between the two still leaves a watched host. */
export const watchdog: Step = {
  name: 'watchdog',
  rollout: true,
  where: 'each',
  onFailure: 'switch back',
  when: watched,
  barrier: () => true,
  commands: (run, i) => {
    // The run confirms every host once the last batch passed: a host waits for the batches still to come too.
    const left = run.rollout.batches.length - Math.max(run.rollout.at, 0)
    const seconds = confirmWithin(run.spec) * left + run.spec.strategy.pause * (left - 1)
    const stamp = run.op.now().toISOString()
    const note = `not confirmed within ${seconds} s (the run stopped before confirming it); reverted by the host's watchdog`
    const plan = stepBackPlan(run, advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp }), true, stamp)
    const stepBack = plan && 'commands' in plan ? plan.commands : []
    const l = run.plans[i].layout
    return armWatchdog(l, run.id, seconds, revertCommands(run, i, note, stamp, stepBack, true, 'watchdog'), heartbeat(l, run.owner))
  }
}

/**
 * The release is claimed from the watchdog and recorded healthy in the same breath (no output between the two,
 * so a connection lost right after the claim cannot leave a verified release recorded `live`).
 */
export const confirm: Step = {
  name: 'confirm',
  where: 'each',
  onFailure: 'switch back',
  when: watched,
  commands: (run, i) => {
    const p = run.plans[i]
    p.record = advance(p.record, 'healthy')
    return [claimRelease(p.layout, run.id), writeRecord(p.layout, p.record)]
  }
}
