/**
 * The fault matrix: every step of a deploy (with a migration, activate hooks and a smoke check) and of a
 * manual `rollback --migrations`, each interrupted by SIGKILL, SIGTERM, SIGINT and a dropped connection.
 * After each trial: `current` is a complete release recorded healthy; the lock is free or its holder dead
 * (taken over by the next operation, never by a person); the next deploy succeeds without `unlock`, and
 * after it the database has exactly the migrations the live code ships and no release is left `building`.
 */
import { DEPLOY } from '../../src/deploy/deploy.js'
import { addMigration, type CliRun, current, dropMigration, type Fault, health, hold, type Lane, locked, record, records, release, runCli, settle, ships } from './lane.js'

export const FAULTS: Fault[] = ['SIGKILL', 'SIGTERM', 'SIGINT', 'drop']

/** Steps whose app hook blocks while held, so the fault lands inside them. */
const HELD: Record<string, string> = { build: 'build', migrate: 'migrate', activate: 'activate', smoke: 'smoke', 'rollback hook': 'rollback-hook' }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The output line that shows a step has started: the app's hold line, else the step line `--verbose` prints. */
function trigger(op: Outcome['op'], step: string): RegExp {
  if (op === 'rollback' && step === 'lock') return /^debug: \S+: lock: \d+ commands$/
  if (step === 'smoke') return /^==> Smoke tests$/ // a check's output is not streamed: the group line shows it started
  if (HELD[step]) return new RegExp(`\\] hold ${HELD[step]}$`)
  if (step === 'repair' || step === 'plan') return new RegExp(`^debug: runner: step ${step}$`)
  if (step === 'read migration state') return /^debug: \S+: read migration state: \d+ commands$/
  if (step === 'step back') return /^debug: \S+: step step back migrations of /
  return new RegExp(`^debug: \\S+: step ${escape(step)}$`)
}

/**
 * The deploy's injection points: every step of DEPLOY that takes part in the suite's one-host deploy (`pack` runs
 * only for several hosts; `bake` only with smoke.bake, which the suite's spec does not set; `pending` only with a
 * driver that plans its step-back ahead, which the fault app's commands driver does not).
 */
export const DEPLOY_POINTS = DEPLOY.map((s) => s.name).filter((name) => !['pack', 'bake', 'pending'].includes(name))

/** A manual rollback's injection points (its repair has nothing to do on a healthy host, so it has no point). */
export const ROLLBACK_POINTS = ['lock', 'read migration state', 'switch back', 'step back', 'rollback hook']

/** One trial's row in the table. */
export interface Outcome {
  op: 'deploy' | 'rollback'
  step: string
  fault: Fault
  /** How the interrupted run ended: its exit code or signal, and what was live after the host settled. */
  exit: string
  settled: string
  live: 'new' | 'old'
  problems: string[]
}

/** Waits for the host to settle, checks it, deploys what is live, and checks again: the trial's problems. */
async function afterFault(lane: Lane, n: number, o: Outcome, runExit: string): Promise<Outcome> {
  o.exit = runExit
  o.settled = await settle(lane)
  if (o.settled === 'still held') o.problems.push('the lock is still held by a live holder 20 s later')
  if ((o.fault === 'SIGTERM' || o.fault === 'SIGINT') && o.settled !== 'free') o.problems.push(`after ${o.fault} the lock is not released`)
  const live = current(lane)
  const state = record(lane, live).state
  if (state !== 'healthy') o.problems.push(`current ${live} is recorded ${state}, not healthy`)
  o.live = ships(lane, live, n) ? 'new' : 'old'
  if (o.live === 'old' && lane.migrations.includes(n)) dropMigration(lane, n)
  const next = await runCli(lane, ['deploy'])
  if (next.code !== 0) o.problems.push(`the next deploy failed (exit ${next.code}): ${next.out.split('\n').filter((l) => l.startsWith('slipway:') || l.startsWith('warning:') || l.startsWith('error:')).join(' | ').slice(0, 600)}`)
  const sick = health(lane)
  if (sick) o.problems.push(`after the next deploy: ${sick}`)
  const stuck = records(lane).filter((r) => r.state === 'building' || r.state === 'ready' || r.state === 'live')
  if (stuck.length) o.problems.push(`left ${stuck.map((r) => `${r.id} ${r.state}`).join(', ')}`)
  if (locked(lane)) o.problems.push('the lock is held after the next deploy')
  return o
}

/** GitHub kills a cancelled job 7.5 s after its SIGINT: a run cancelled by a signal must be gone by then. */
export const GRACE = 7.5

/** How the run ended, with the seconds from the fault to its exit. */
const exitOf = (r: CliRun) => `${r.fired ? '' : 'NOT FIRED '}${r.signal ?? r.code}${r.exitAfter !== undefined ? ` in ${r.exitAfter.toFixed(1)} s` : ''}`

/** A run cancelled by SIGINT or SIGTERM that outlived GitHub's grace. */
function tooSlow(fault: Fault, r: CliRun): string[] {
  return (fault === 'SIGTERM' || fault === 'SIGINT') && r.exitAfter !== undefined && r.exitAfter > GRACE ? [`after ${fault} the run took ${r.exitAfter.toFixed(1)} s to exit (GitHub's grace is ${GRACE} s)`] : []
}

/** A deploy of the lane's source plus a new migration, interrupted at `step` by `fault`. */
export async function deployTrial(lane: Lane, step: string, fault: Fault): Promise<Outcome> {
  const n = lane.next++
  addMigration(lane, n)
  const held = HELD[step]
  if (held) hold(lane, held)
  const r = await runCli(lane, ['deploy'], { kind: fault, trigger: trigger('deploy', step), held })
  if (held) release(lane, held)
  const o: Outcome = { op: 'deploy', step, fault, exit: '', settled: '', live: 'old', problems: [...(r.fired ? [] : ['the fault was never injected (trigger not seen)']), ...tooSlow(fault, r)] }
  return afterFault(lane, n, o, exitOf(r))
}

/** A deploy of a new migration, then `rollback --migrations` interrupted at `step` by `fault`. */
export async function rollbackTrial(lane: Lane, step: string, fault: Fault): Promise<Outcome> {
  const n = lane.next++
  addMigration(lane, n)
  const o: Outcome = { op: 'rollback', step, fault, exit: '', settled: '', live: 'old', problems: [] }
  const first = await runCli(lane, ['deploy'])
  if (first.code !== 0) return { ...o, problems: [`the deploy before the rollback failed: ${first.out.slice(-400)}`] }
  const held = HELD[step]
  if (held) hold(lane, held)
  const r = await runCli(lane, ['rollback', '--migrations'], { kind: fault, trigger: trigger(o.op, step), held })
  if (held) release(lane, held)
  if (!r.fired) o.problems.push('the fault was never injected (trigger not seen)')
  o.problems.push(...tooSlow(fault, r))
  return afterFault(lane, n, o, exitOf(r))
}

/** One trial as a line of the table. */
export function row(r: Outcome): string {
  return `${r.op.padEnd(8)} ${r.step.padEnd(20)} ${r.fault.padEnd(7)} exit ${r.exit.padEnd(16)} lock ${r.settled.padEnd(11)} live ${r.live}  ${r.problems.length ? `FAIL: ${r.problems.join('; ')}` : 'ok'}`
}

/** The compact table: one line per trial, in matrix order. */
export function table(db: string, rows: Outcome[]): string {
  const pass = rows.filter((r) => !r.problems.length).length
  return [`fault matrix on ${db}: ${pass}/${rows.length} trials pass`, ...rows.map(row), ''].join('\n')
}
