/**
 * Step `repair` (runner, right after the lock): a release left `building` or `ready` belongs to a run that
 * stopped (only a lock holder builds, and we hold the lock). It is marked failed, and the migrations its run
 * applied — the difference between the state its journal recorded before migrating and the state now —
 * are stepped back from its own directory, with the same guards as any step-back. Then the journal goes.
 */
import { advance, audit, writeRecord, type HostState, type ReleaseRecord } from '../../commands/history.js'
import { journalFile } from '../../commands/layout.js'
import { cmd, type Command } from '../../commands/shell.js'
import { readMigrationState } from '../../migrations/commands.js'
import { driverFor, migrateHostIndex } from '../../migrations/driver.js'
import { ranBetween } from '../../migrations/step-back.js'
import { auditLine } from '../audit.js'
import { planStepBack } from '../migrate.js'
import { onEach, type Operation } from '../run.js'
import { runPhase, type Session } from '../session.js'
import type { Step } from './types.js'

/** A release its run left half-built: only a lock holder builds, so with the lock free or taken over, that run stopped. */
export const interrupted = (r: ReleaseRecord) => r.state === 'building' || r.state === 'ready'

/** Step-back commands for the migrations an interrupted release's run applied, and what was decided. */
async function stepBackFor(op: Operation, s: Session, state: HostState, failed: ReleaseRecord, stamp: string): Promise<{ commands: Command[]; said: string }> {
  const driver = driverFor(op.spec)
  const before = state.journals?.[failed.id]
  if (!driver || before === undefined) return { commands: [], said: 'it had not started migrating' }
  try {
    const now = driver.parse((await runPhase(s, op.spec, op.reporter, 'read migration state', readMigrationState(s, s.layout, failed.id, driver))).data.state?.[0])
    const record = ranBetween(driver.name, driver.parse(before), now, false)
    if (!record.ran.length) return { commands: [], said: 'its run applied no migration' }
    const plan = planStepBack(s, driver, { ...failed, migrations: record }, now, stamp)
    if ('refused' in plan) return { commands: [], said: `its migrations ${record.ran.join(', ')} stay applied: ${plan.refused}` }
    return { commands: plan.commands, said: `stepping back its migrations ${plan.names.join(', ')}` }
  } catch (error) {
    return { commands: [], said: `its migrations could not be read (${(error as Error).message.split('\n')[0]}); they may stay applied` }
  }
}

/** Repairs what interrupted runs left on the hosts (the caller holds the lock); `states` are updated to what was written. Returns what was done. */
export async function repairInterrupted(op: Operation, sessions: Session[], states: HostState[]): Promise<string | undefined> {
  const stuck = [...new Set(states.flatMap((st) => st.records.filter(interrupted).map((r) => r.id)))]
  if (!stuck.length) return undefined
  const stamp = op.now().toISOString()
  const note = `interrupted: the run that built it stopped before finishing (repaired by ${op.by})`
  const at = migrateHostIndex(op.spec)
  const steps: Command[] = []
  const said: string[] = []
  for (const id of stuck) {
    const record = states[at].records.find((r) => r.id === id)
    const found = record ? await stepBackFor(op, sessions[at], states[at], advance(record, 'failed', { note, updated_at: stamp }), stamp) : { commands: [], said: 'not on the migrating host' }
    steps.push(...found.commands)
    said.push(`${id}: marked failed; ${found.said}`)
  }
  op.reporter.warn(`repairing what an interrupted run left: ${said.join('; ')}`)
  await op.reporter.group('Repair an interrupted run', () => onEach(sessions, async (s, i) => {
    const failed = states[i].records.filter(interrupted).map((r) => advance(r, 'failed', { note, updated_at: stamp }))
    const line = auditLine(op, 'repair', stuck.join(' '), undefined, said.join('; '))
    await runPhase(s, op.spec, op.reporter, 'repair', [...failed.map((r) => writeRecord(s.layout, r)), ...(i === at ? steps : []), ...stuck.map((id) => cmd('rm', '-f', journalFile(s.layout, id))), audit(s.layout, line)])
    states[i] = { ...states[i], records: states[i].records.map((r) => failed.find((f) => f.id === r.id) ?? r) }
  }))
  return said.join('; ')
}

export const repair: Step = {
  name: 'repair',
  where: 'runner',
  onFailure: 'unlock',
  run: async (run) => {
    if (!run.dry) await repairInterrupted(run.op, run.sessions, run.states)
  }
}
