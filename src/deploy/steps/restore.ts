/**
 * Step `restore`, the one failure path of a deploy: the new release marked failed; after a switch, every
 * host switched back (the target chosen by the rollback brain); this deploy's migrations stepped back
 * when allowed; an audit line; the lock released — one round trip per host.
 */
import { advance, type ReleaseRecord } from '../../commands/history.js'
import { journalFile, releaseDir } from '../../commands/layout.js'
import { claimRelease } from '../../commands/watchdog.js'
import { awaitJob, claimGuard, startJob } from '../../commands/detach.js'
import { heartbeat, holding } from '../../commands/lock.js'
import { cmd, type Command } from '../../commands/shell.js'
import { auditLine } from '../audit.js'
import { checkStepBack, planStepBack } from '../migrate.js'
import { planRollback } from '../rollback-plan.js'
import { onEach } from '../run.js'
import { LeftToHost, undoOnHost } from '../follow.js'
import { NONE, noteError, UNKNOWN } from '../ledger.js'
import { revive, StepError } from '../session.js'
import { checkLeftovers, leftoverCommands } from './leftovers.js'
import { plannedStepBack } from './planned.js'
import { restorePhase, switchTo } from './restore-phase.js'
import type { DeployRun } from './types.js'

/** Deploys with smoke checks have a time between switch and confirmation for a runner to die in: the host watches it. */
export function watched(run: DeployRun): boolean {
  return run.spec.smoke.length > 0
}

/** This deploy's step-back, or why not; undefined when it ran no migrations. Pure: the watchdog uses it too. */
export function stepBackPlan(run: DeployRun, failed: ReleaseRecord, switched: boolean, stamp: string): { commands: Command[]; how?: string } | { refused: string } | undefined {
  const { driver, migrated, op } = run
  if (!driver || !migrated?.record.ran.length) return undefined
  // A failed migrate run is always undone (the deploy never went live); after a switch, only with step_back: auto.
  const allowed = !switched || op.spec.migrate?.step_back === 'auto'
  return allowed ? planStepBack(run.sessions[run.at], driver, failed, migrated.after, stamp) : { refused: 'migrate.step_back is never' }
}

/** The step-back commands for this deploy's migrations, or none (with the refusal recorded in the result). */
function stepBackCommands(run: DeployRun, failed: ReleaseRecord, switched: boolean, stamp: string): Command[] {
  const plan = stepBackPlan(run, failed, switched, stamp)
  if (!plan) return []
  if ('commands' in plan) {
    if (plan.how) run.op.reporter.info(`stepping back the migrations of ${failed.id}: ${plan.how}`)
    return plan.commands
  }
  run.result.migrations!.refused = plan.refused
  run.op.reporter.error(`migrations of ${failed.id} are NOT stepped back (${plan.refused}); still applied: ${run.migrated!.record.ran.join(', ')}`)
  return []
}

/** Where host `i` goes back to and the records it writes, when this deploy is undone (the rollback brain's plan). */
function revertPlan(run: DeployRun, i: number, note: string, stamp: string, switched: boolean): { target?: string; updates: ReleaseRecord[] } {
  const p = run.plans[i]
  const state = { records: [...run.states[i].records, p.record], current: switched ? run.id : p.previous, manifest: [] }
  return switched ? planRollback(state, { automatic: true, previous: p.previous, note, stamp }) : { target: undefined, updates: [advance(p.record, 'failed', { note, updated_at: stamp })] }
}

/** What undoes this deploy on host `i`: the runner's restore and the host's watchdog send the same commands. */
export function revertCommands(run: DeployRun, i: number, note: string, stamp: string, stepBack: Command[], switched: boolean, by = 'automatic'): Command[] {
  const { op, id } = run
  const s = run.sessions[i]
  const p = run.plans[i]
  const plan = revertPlan(run, i, note, stamp, switched)
  const line = switched
    ? auditLine(op, 'rollback', p.previous ?? '(none)', undefined, `${by}, from ${id}: ${note}`)
    : auditLine(op, 'deploy', id, run.commit, 'failed before switch')
  return restorePhase(s, s.layout, op.spec, plan.target, plan.updates, line, run.owner, [...(i === run.at ? stepBack : []), cmd('rm', '-f', journalFile(s.layout, id))], switched)
}

/**
 * Undoes a deploy that failed: `switched` says whether `current` may have moved (on the hosts whose rollout
 * batch started); `drop` removes its release directory first (it filled the disk). With `only`, just those hosts
 * (failed within strategy.max_failed) are switched back, and the migrations stay: the other hosts run on them.
 */
export async function restore(run: DeployRun, note: string, switched: boolean, drop = false, only?: number[]): Promise<void> {
  const { op, id } = run
  const stamp = op.now().toISOString()
  const failed = advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp })
  // A migrate job whose outcome the run never read: its step-back is the one planned before it started.
  const unread = !only && run.migrating && !run.migrated
  if (unread && run.pending?.pending.length) op.reporter.warn(`the outcome of the migrations was not read: stepping back what of them was applied (${run.pending.pending.join(', ')})`)
  // (It steps back once the job has ended: a job whose follower was lost may still be migrating.)
  const stepBack = only ? [] : unread ? [awaitJob(run.plans[run.at].layout, `${id}.migrate`), ...plannedStepBack(run, failed)] : stepBackCommands(run, failed, switched, stamp)
  // What a failed migration added goes first: the batch's earlier migrations step back from the state they left.
  const db = only ? { first: [], last: [] } : leftoverCommands(run)
  const hosts = only ?? run.sessions.map((_, i) => i).filter((i) => !run.rollout.dropped.includes(i))
  await op.reporter.group(`Roll back ${id}${only ? ` on ${only.map((i) => run.sessions[i].host.name).join(', ')}` : ''}`, () => onEach(hosts.map((i) => run.sessions[i]), async (s, k) => {
    const i = hosts[k]
    const switchedHere = switched && run.rollout.entered[i]
    // The migrate job's guard (when its outcome was never read) and the watchdog stand down, unless they already acted.
    const claim = [...(i === run.at && run.migrating ? [claimGuard(s.layout, `${id}.migrate`)] : []), ...(switchedHere && watched(run) ? [claimRelease(s.layout, id)] : [])]
    const removal = drop ? [cmd('rm', '-rf', releaseDir(s.layout, id))] : []
    const entry = run.result.ledger[i]
    const revived = await revive(s)
    if (revived) noteError(entry, `${revived} before the ${switchedHere ? 'switch-back' : 'failure was recorded'}`)
    let r
    try {
      // A host job: once started, the host finishes the undo (and releases the lock) even if this run stops following it.
      const job = `${id}.restore`
      // The old release goes live again right after the job's own lock check, before the job starts (which switches
      // again, to the same target: a no-op). A release that filled the disk goes first: the job's files need the space.
      const back = switchedHere ? [switchTo(s.layout, revertPlan(run, i, note, stamp, true).target)] : []
      const undo = startJob(s.layout, job, revertCommands(run, i, note, stamp, [...db.first, ...stepBack, ...db.last], switchedHere), heartbeat(s.layout, run.owner), holding(s.layout, run.owner), back)
      r = await undoOnHost(s, op.spec, op.reporter, switchedHere ? 'roll back' : 'record failure', [...claim, ...removal], undo, job, op.late)
    } catch (error) {
      noteError(entry, error, 'undo: ')
      // Nothing reached the host (its connection was gone): it serves what the ledger last knew; else it is unknown.
      if (switchedHere && !(error instanceof StepError && error.unsent)) entry.serves = UNKNOWN
      // Its watchdog (armed at the switch, unclaimed) reverts it and then releases the lock: keep the lock for it.
      if (claim.length || error instanceof LeftToHost) entry.lockLeft = true
      throw error
    }
    if (switchedHere) Object.assign(entry, { serves: run.plans[i].previous ?? NONE, rolledBack: entry.switched || entry.serves === UNKNOWN })
    if (i === run.at && stepBack.length && run.migrated) {
      const check = checkStepBack(op, run.driver!, r.data, run.migrated.record)
      run.result.migrations!.steppedBack = check.ok ? run.migrated.record.ran : []
      run.result.migrations!.stillApplied = check.stillApplied
    }
    if (i === run.at && db.last.length) checkLeftovers(run, r.data)
  }))
  if (!only) run.result.rolledBack = switched
}
