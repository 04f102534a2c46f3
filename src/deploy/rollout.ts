/**
 * The rollout: the switch steps (watchdog, switch, activate, smoke, bake) run once per batch of `strategy:`,
 * each batch gated by the one before it passing. A host that fails within `max_failed` is switched back alone
 * and leaves the deploy; beyond it, the failure goes to the pipeline's one failure hook, which switches back
 * every host switched so far. What every host serves after each batch is written to the timeline.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Spec } from '../spec/types.js'
import { batchNames, planBatches, tolerated } from './batches.js'
import { causeOf } from './ledger.js'
import { DeployError } from './result.js'
import { restore } from './steps/restore.js'
import { SmokeFailed } from './steps/smoke.js'
import type { DeployRun, Rollout } from './steps/types.js'

/** A rollout not started yet; with one batch (all at once) every host counts as entered from the start. */
export function newRollout(spec: Spec): Rollout {
  const batches = planBatches(spec)
  return { batches, at: -1, entered: spec.hosts.map(() => batches.length === 1), dropped: [], timeline: [] }
}

/** Runs the rollout's trips for each batch in turn, then puts every host still in the deploy back in play. */
export async function rollOut<T>(run: DeployRun, trips: T[], runOne: (trip: T, absorb: (error: unknown) => Promise<boolean>) => Promise<void>): Promise<void> {
  const { batches } = run.rollout
  for (let k = 0; k < batches.length; k++) {
    if (k > 0 && run.spec.strategy.pause && !run.dry) await pause(run)
    run.rollout.at = k
    run.only = batches[k].filter((i) => !run.rollout.dropped.includes(i))
    for (const i of run.only) run.rollout.entered[i] = true
    if (batches.length > 1) run.op.reporter.info(`batch ${k + 1}/${batches.length}: ${batchNames(run.spec, run.only)}`)
    for (const trip of trips) {
      if (run.only.length) await runOne(trip, (error) => absorb(run, error))
    }
    if (batches.length > 1) note(run, `batch ${k + 1}/${batches.length} (${batchNames(run.spec, batches[k])}) passed`)
  }
  run.only = run.sessions.map((_, i) => i).filter((i) => !run.rollout.dropped.includes(i))
}

/** The hosts a failure belongs to, when it is some hosts' own (a host step, or host-side smoke checks). */
function culprits(run: DeployRun, error: unknown): number[] | undefined {
  if (error instanceof SmokeFailed) {
    if (error.failed.some((r) => !r.host)) return undefined // a runner check speaks for every host
    return [...new Set(error.failed.map((r) => run.sessions.findIndex((s) => s.host.name === r.host)))]
  }
  return run.failedHosts?.length ? run.failedHosts : undefined
}

/**
 * Within max_failed: the failed hosts are switched back alone (their release marked failed, their lock released)
 * and the rollout goes on without them. Returns false when the failure must stop the rollout: beyond the budget,
 * not one host's, or on the host that ran the migrations (its step-back belongs to the whole deploy).
 */
async function absorb(run: DeployRun, error: unknown): Promise<boolean> {
  const hosts = culprits(run, error)
  const budget = tolerated(run.spec)
  if (!hosts || !budget || hosts.includes(run.at) || run.rollout.dropped.length + hosts.length > budget) return false
  const why = causeOf(error)
  await restore(run, why, true, false, hosts)
  run.rollout.dropped.push(...hosts)
  run.result.rollout?.dropped.push(...hosts.map((i) => run.sessions[i].host.name))
  run.only = run.only?.filter((i) => !hosts.includes(i))
  run.op.reporter.warn(`${batchNames(run.spec, hosts)}: switched back alone (${run.rollout.dropped.length} of ${budget} tolerated by strategy.max_failed): ${why}`)
  note(run, `${batchNames(run.spec, hosts)} failed and were switched back alone`)
  return true
}

/** Adds to the timeline what every host serves now. */
function note(run: DeployRun, what: string): void {
  const line = `${what}: ${run.result.ledger.map((e) => `${e.host}=${e.serves}`).join(' ')}`
  run.rollout.timeline.push(line)
  run.op.reporter.info(line)
}

async function pause(run: DeployRun): Promise<void> {
  run.op.reporter.info(`pausing ${run.spec.strategy.pause} s before the next batch`)
  await sleep(run.spec.strategy.pause * 1000, undefined, { signal: run.op.signal }).catch(() => undefined)
}

/** After a deploy that went through with hosts dropped within max_failed: an error that says so (the fleet is split). */
export function droppedError(run: DeployRun): DeployError | undefined {
  const { dropped } = run.rollout
  if (!dropped.length || run.dry) return undefined
  const live = run.sessions.length - dropped.length
  return new DeployError(`deploy of ${run.id} is live on ${live} of ${run.sessions.length} hosts; ${batchNames(run.spec, dropped)} failed and serve ${run.result.previous ?? '(no release)'} again (within strategy.max_failed: ${run.spec.strategy.max_failed}). Fix the cause, then deploy again`, run.result)
}

/** For the failure message of a rollout of several batches: where it stopped, and from the ledger which hosts went back, which never switched, which did not go back. */
export function rolloutNote(run: DeployRun): string {
  const { batches, at, dropped } = run.rollout
  if (batches.length < 2 || at < 0) return ''
  const hosts = (test: (i: number) => boolean) => run.result.ledger.filter((_, i) => !dropped.includes(i) && test(i)).map((e) => e.host)
  const ledger = run.result.ledger
  const back = hosts((i) => ledger[i].rolledBack)
  const never = hosts((i) => !ledger[i].switched && !ledger[i].rolledBack)
  const stuck = hosts((i) => ledger[i].switched && !ledger[i].rolledBack)
  const parts = [back.length ? `switched back ${back.join(', ')}` : '', never.length ? `never switched: ${never.join(', ')}` : '', stuck.length ? `NOT switched back: ${stuck.join(', ')}` : '']
  return `\nrollout stopped in batch ${at + 1} of ${batches.length}: ${parts.filter(Boolean).join('; ')}`
}
