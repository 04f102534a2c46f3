/**
 * Runs a list of steps: consecutive host steps share a round trip (one script per host) until a step
 * needs what every host reported before it; runner steps run in between. Every failure goes through one
 * hook, which undoes as much as the failed step's `onFailure` says.
 */
import { LOCK_TTL } from '../commands/lock.js'
import { stepMark } from '../commands/protocol.js'
import { GUARDED } from '../commands/detach.js'
import { REVERTED } from '../commands/watchdog.js'
import type { ScriptResult } from '../remote/script.js'
import { describeFull, diskFull } from './disk.js'
import { DeployError, stepBackNote } from './result.js'
import { noteTrip } from './ledger.js'
import { inLockOrder } from './lock-wait.js'
import { Cancelled, onEach, releaseLocks } from './run.js'

export { Cancelled } from './run.js'
import { LeftToHost, runJobPhase } from './follow.js'
import { runPhase, StepError } from './session.js'
import { rollOut, rolloutNote } from './rollout.js'
import { isActive } from './steps/active.js'
import { guardedMessage, guardNote } from './steps/guard.js'
import { restore } from './steps/restore.js'
import { SmokeFailed } from './steps/smoke.js'
import type { DeployRun, OnFailure, Step } from './steps/types.js'

/** A round trip to the hosts, or a step on the runner. */
export type Trip = { kind: 'hosts'; steps: Step[] } | { kind: 'runner'; step: Step }

/** Groups the steps that take part in this run into round trips (pure: depends on the spec and the hosts). */
export function groupTrips(steps: Step[], run: DeployRun): Trip[] {
  const trips: Trip[] = []
  for (const step of steps) {
    if (step.when && !step.when(run)) continue
    const last = trips[trips.length - 1]
    if (step.where === 'runner') trips.push({ kind: 'runner', step })
    else if (last?.kind === 'hosts' && !step.barrier?.(run)) last.steps.push(step)
    else trips.push({ kind: 'hosts', steps: [step] })
  }
  return trips
}

const SEVERITY: OnFailure[] = ['unlock', 'mark failed', 'switch back']

/** What a failure in this trip means: the most that any of its steps asks to undo. */
function onFailure(trip: Trip): OnFailure {
  const modes = trip.kind === 'runner' ? [trip.step.onFailure] : trip.steps.map((s) => s.onFailure)
  return modes.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a))
}

/** Runs one round trip: each host gets the commands of the steps that run there, as one script. */
async function runTrip(run: DeployRun, all: Step[]): Promise<void> {
  run.failedHosts = []
  const steps = all.filter((st) => !st.skip?.(run))
  const onHost = async (i: number): Promise<boolean> => {
    const mine = isActive(run, i) ? steps.filter((st) => st.where === 'each' || i === run.at) : []
    if (!mine.length) return true
    try {
      await runOnHost(run, mine, i)
      noteTrip(run.result.ledger[i], mine.map((st) => st.name), run.id, run.states[i]?.current)
    } catch (error) {
      noteTrip(run.result.ledger[i], mine.map((st) => st.name), run.id, run.states[i]?.current, error)
      run.failedHosts!.push(i)
      throw error
    }
    return run.holders[i] === undefined
  }
  // The lock's round trip goes to the primary host first: a run that does not get it tries no other host.
  if (steps.some((st) => st.name === 'lock')) await inLockOrder(run.sessions, (_s, i) => onHost(i))
  // A trip that carries the upload sends it to max_connections hosts at a time (bounded parallel transfers).
  else await onEach(run.sessions, (_s, i) => onHost(i), steps.some((st) => st.stdin) ? run.spec.max_connections : undefined)
}

/** One host's part of a round trip. */
async function runOnHost(run: DeployRun, mine: Step[], i: number): Promise<void> {
  const s = run.sessions[i]
  const commands = mine.flatMap((st) => [stepMark(s, st.name), ...st.commands!(run, i)])
  const stdin = mine.find((st) => st.stdin)?.stdin?.(run, i)
  const job = mine.find((st) => st.job)?.job?.(run, i)
  const phase = mine.map((st) => st.name).join(', ')
  const extra = { stdin, okCodes: mine.flatMap((st) => st.okCodes ?? []) }
  let result: ScriptResult
  let error: StepError | undefined
  try {
    result = await (job ? runJobPhase(s, run.spec, run.op.reporter, phase, commands, job, extra) : runPhase(s, run.spec, run.op.reporter, phase, commands, extra))
  } catch (e) {
    if (!(e instanceof StepError)) throw e
    error = e
    result = { code: e.code, step: e.step, data: e.data, tail: e.tail }
  }
  for (const st of mine) st.read?.(run, i, result, error !== undefined)
  if (error) throw error
}

/**
 * Runs the steps in order; a failure is undone as its step says, then thrown as a {@link DeployError}.
 * A cancel is seen between round trips: the one in flight finishes, then what the finished ones did is undone.
 */
export async function execute(run: DeployRun, steps: Step[], title: (trip: Trip) => string): Promise<void> {
  let done: OnFailure = 'unlock'
  const runOne = async (trip: Trip, absorb?: (error: unknown) => Promise<boolean>) => {
    const signal = run.op.signal
    if (signal?.aborted) await fail(run, done, new Cancelled(String(signal.reason ?? 'abort')))
    try {
      if (trip.kind === 'runner') {
        run.op.reporter.debug(`runner: step ${trip.step.name}`)
        await trip.step.run!(run)
      }
      else if (trip.steps.every((st) => st.skip?.(run))) run.op.reporter.debug(`skipped: ${trip.steps.map((st) => st.name).join(', ')} (nothing to do)`)
      else await run.op.reporter.group(title(trip), () => runTrip(run, trip.steps))
    } catch (error) {
      if (!(await absorb?.(error))) await fail(run, onFailure(trip), error)
    }
    done = onFailure(trip)
  }
  const trips = groupTrips(steps, run)
  for (let t = 0; t < trips.length; t++) {
    const segment = rolloutFrom(trips, t)
    if (!segment.length) await runOne(trips[t])
    else {
      await rollOut(run, segment, runOne)
      t += segment.length - 1
    }
  }
}

/** The trips from `t` on that belong to the rollout (none when trip `t` does not). */
function rolloutFrom(trips: Trip[], t: number): Trip[] {
  const inRollout = (trip: Trip) => (trip.kind === 'runner' ? trip.step.rollout : trip.steps.every((st) => st.rollout))
  const end = trips.findIndex((trip, k) => k >= t && !inRollout(trip))
  return trips.slice(t, end < 0 ? trips.length : end)
}

/**
 * Releases this run's lock everywhere it can, except where it is kept for the host's watchdog; the hosts where
 * it stays are marked in the ledger and returned.
 */
async function unlockAll(run: DeployRun): Promise<string[]> {
  const ledger = run.result.ledger
  const kept = run.sessions.filter((_, i) => ledger[i].lockLeft)
  const failed = await releaseLocks(run.op, run.sessions.filter((_, i) => !ledger[i].lockLeft), run.owner)
  for (const s of failed) ledger[run.sessions.indexOf(s)].lockLeft = true
  return run.sessions.filter((s) => kept.includes(s) || failed.includes(s)).map((s) => s.host.name)
}

/** Where this run's lock stays, and what becomes of it. */
function lockNote(left: string[]): string {
  return left.length ? `\nthe lock stays on ${left.join(', ')}: where the release was switched, the host's watchdog reverts it and releases the lock; elsewhere (unreachable) the next operation takes it over once it has had no heartbeat for ${LOCK_TTL} s, and repairs what this run left there` : ''
}

/** The one failure hook. */
async function fail(run: DeployRun, mode: OnFailure, error: unknown): Promise<never> {
  if (error instanceof DeployError) throw error
  if (mode === 'unlock') {
    await unlockAll(run)
    if (error instanceof Cancelled) throw new DeployError(`deploy was ${error.message} before anything was written; the lock is released`, run.result)
    throw error
  }
  const message = (error as Error).message
  const first = message.split('\n')[0]
  const migrating = run.migrated?.failed === true
  const switched = mode === 'switch back'
  // Out of space while uploading or building: its partial release goes first, so the records fit again.
  const full = !switched && !run.migrated && !run.dry ? await diskFull(run, error) : undefined
  const note = full ? describeFull(full) : error instanceof SmokeFailed || error instanceof Cancelled ? message : migrating ? `migration failed: ${first}` : switched ? `switch or activate hook failed: ${first}` : first
  const { id, result } = run
  const back = result.previous ?? '(no release)'
  const late = new DeployError(`deploy of ${id} was not confirmed in time, and the host's watchdog reverted it to ${back} (see its audit line); this run undid nothing itself.\n${message}`, result)
  if (error instanceof StepError && error.code === REVERTED) throw late
  // The migrating host's guard undid the release there: the other hosts are undone here.
  if (error instanceof StepError && error.code === GUARDED) {
    const others = run.sessions.map((_, i) => i).filter((i) => i !== run.at)
    if (others.length) await restore(run, note, false, false, others)
    throw new DeployError(`${guardedMessage(run)}.\n${message}`, result)
  }
  try {
    await restore(run, note, switched, full !== undefined)
  } catch (undo) {
    if (undo instanceof StepError && undo.code === REVERTED) throw late
    if (undo instanceof StepError && undo.code === GUARDED) throw new DeployError(`${guardedMessage(run)}.\n${message}`, result)
    const left = await unlockAll(run)
    if (undo instanceof LeftToHost) throw new DeployError(`deploy of ${id} was ${message}; its undo${switched ? ` (back to ${back})` : ''} runs on as a host job: ${undo.message}. Check with: slipway releases`, result)
    const why = (undo as Error).message.split('\n')[0]
    throw new DeployError(`deploy of ${id} failed${switched ? ' after the switch' : ''}, and undoing it did NOT complete (${why}). Check every host with: slipway releases${lockNote(left)}${guardNote(run, left)}${rolloutNote(run)}\n${message}`, result)
  }
  if (error instanceof Cancelled) throw new DeployError(`deploy of ${id} was ${message}${switched ? ` after the switch and was rolled back to ${back}` : '; current is unchanged'}; the lock is released${stepBackNote(result)}${rolloutNote(run)}`, result)
  if (error instanceof SmokeFailed) throw new DeployError(`deploy of ${id} was rolled back to ${back}: ${message}${stepBackNote(result)}${rolloutNote(run)}`, result)
  if (switched) throw new DeployError(`deploy of ${id} failed after the switch and was rolled back to ${back}.\n${message}${stepBackNote(result)}${rolloutNote(run)}`, result)
  if (full) throw new DeployError(`deploy of ${id} failed before the switch: ${note}; its partial release directory was removed; current is unchanged; the lock is released.\n${message}`, result)
  if (migrating) throw new DeployError(`deploy of ${id} failed while migrating; current is unchanged.\n${run.migrated!.record.note ?? ''}\n${message}${stepBackNote(result)}`, result)
  throw new DeployError(`deploy of ${id} failed before the switch; current is unchanged.\n${message}`, result)
}
