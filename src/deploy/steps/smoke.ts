/** Step `smoke` (runner): the smoke checks after the switch; a failure switches back unless rollback.on_smoke_failure is false. */
import { advance, audit, writeRecord } from '../../commands/history.js'
import { release } from '../../commands/lock.js'
import { auditLine } from '../audit.js'
import { noteSmoke } from '../ledger.js'
import { DeployError } from '../result.js'
import { onEach } from '../run.js'
import { runPhase } from '../session.js'
import { runSmoke, type SmokeResult } from '../smoke.js'
import { activeSessions, isActive } from './active.js'
import type { DeployRun, Step } from './types.js'

/** Smoke checks failed (the pipeline switches back); `failed` names the checks and hosts. */
export class SmokeFailed extends Error {
  constructor(message: string, readonly failed: SmokeResult[]) {
    super(message)
  }
}

/** rollback.on_smoke_failure false: the release stays live with the reason in its record; audit, unlock. */
async function keepLive(run: DeployRun, why: string): Promise<never> {
  const line = auditLine(run.op, 'deploy', run.id, run.commit, 'live, smoke failed, not rolled back (rollback.on_smoke_failure: false)')
  // Hosts a rolling deploy has not switched yet stay where they are, their copy of the release marked failed.
  await onEach(run.sessions, (s, i) => {
    const p = run.plans[i]
    const record = run.rollout.entered[i] ? advance(p.record, 'live', { note: why }) : advance(p.record, 'failed', { note: `not switched: ${why}` })
    return runPhase(s, run.spec, run.op.reporter, 'record failure', [writeRecord(p.layout, record), audit(p.layout, line), release(p.layout, run.owner)])
  })
  throw new DeployError(`deploy of ${run.id} is live but its ${why}\nrollback.on_smoke_failure is false: roll back by hand with slipway rollback`, run.result)
}

export const smoke: Step = {
  name: 'smoke',
  where: 'runner',
  onFailure: 'switch back',
  rollout: true,
  when: (run) => run.spec.smoke.length > 0,
  run: async (run) => {
    const results = await run.op.reporter.group('Smoke tests', () => runSmoke(run.op, activeSessions(run), run.spec.smoke, run.dry))
    run.result.smoke = [...run.result.smoke, ...results]
    noteSmoke(run.result.ledger.filter((_, i) => isActive(run, i)), results)
    const failed = results.filter((r) => !r.ok)
    if (failed.length) await smokeFailed(run, failed)
  }
}

/** Fails the deploy for failed checks (`during` says when, e.g. during the bake): switch back, or keep it live when told to. */
export async function smokeFailed(run: DeployRun, failed: SmokeResult[], during = ''): Promise<never> {
  const why = `smoke check failed${during}: ${failed.map((f) => `${f.name}${f.host ? ` on ${f.host}` : ''}: ${f.detail}`).join('; ')}`
  if (!run.spec.rollback.on_smoke_failure) await keepLive(run, why)
  throw new SmokeFailed(why, failed)
}
