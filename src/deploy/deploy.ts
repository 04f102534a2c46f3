/** The deploy: its list of steps, run by the pipeline; `--dry-run` runs the same steps against a recorder. */
import { stepLabels } from '../commands/protocol.js'
import { RecordingRemote } from '../remote/recorder.js'
import { preflight } from './preflight.js'
import { driverFor, migrateHostIndex } from '../migrations/driver.js'
import { newLedger } from './ledger.js'
import { execute, type Trip } from './pipeline.js'
import { shardOf, type TwoPhase } from './phases.js'
import { droppedError, newRollout } from './rollout.js'
import { adopt } from './steps/adopt.js'
import { handoff } from './steps/handoff.js'
import { DeployError, type DeployResult } from './result.js'
import { forceable, keepAlive, lockOwner, operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, sshConnector, type Connector } from './session.js'
import { activateHooks } from './steps/activate.js'
import { bake, describeBake } from './steps/bake.js'
import { build } from './steps/build.js'
import { finish } from './steps/finish.js'
import { pending } from './steps/guard.js'
import { lock } from './steps/lock.js'
import { lockWait } from './steps/lock-wait.js'
import { migrate } from './steps/migrate.js'
import { pack, removePacks } from './steps/pack.js'
import { localManifest, plan } from './steps/plan.js'
import { prune } from './steps/prune.js'
import { repair } from './steps/repair.js'
import { findRerun } from './rerun.js'
import { shared } from './steps/shared.js'
import { smoke } from './steps/smoke.js'
import { switchRelease } from './steps/switch.js'
import type { DeployRun, Step } from './steps/types.js'
import { upload } from './steps/upload.js'
import { confirm, watchdog } from './steps/watchdog.js'

export { DeployError, type DeployResult } from './result.js'

/** Options for {@link deploy}: `onlyFailed` reruns the last release on the hosts that lack it; `two` is one phase of a two-phase deploy (its shard's hosts for a prepare). */
export interface DeployOptions extends OperationOptions {
  /** Rerun the last release, same id, on the hosts that do not serve it (see {@link findRerun}); the others are left alone. */
  onlyFailed?: boolean
  two?: TwoPhase
}

/** A deploy, in order. Failures before `watchdog` (armed with the switch) mark the release failed; from there on they switch back. */
export const DEPLOY: Step[] = [lock, lockWait, repair, plan, pack, upload, shared, build, pending, migrate, watchdog, switchRelease, activateHooks, smoke, bake, confirm, prune, finish]

/** Two-phase deploys: the prepare phase (each shard) stops at the build and hands over; the switch phase (once) takes it from there. */
export const PREPARE: Step[] = [lock, lockWait, repair, plan, pack, upload, shared, build, handoff]
export const SWITCH: Step[] = [lock, lockWait, repair, adopt, pending, migrate, watchdog, switchRelease, activateHooks, smoke, bake, confirm, prune, finish]

const STEPS = { all: DEPLOY, prepare: PREPARE, switch: SWITCH }

const TITLES: Record<string, (run: DeployRun) => string> = {
  lock: () => 'Lock and read history',
  upload: (run) => `Prepare release ${run.id}`,
  migrate: (run) => `Migrate on ${run.sessions[run.at].host.name}`,
  switch: (run) => `Switch to ${run.id}`,
  watchdog: (run) => `Switch to ${run.id}`,
  prune: () => 'Finish',
  confirm: () => 'Finish'
}

/** Deploys the spec's source to every host as a new release and switches to it atomically. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const rerun = options.onlyFailed ? await findRerun(options) : undefined
  const narrowed = rerun ? { ...options, spec: rerun.spec, select: undefined } : options
  return (await runDeploy(narrowed, options.connect ?? sshConnector, false, rerun?.release)).result
}

/** One host's planned round trips, as `--dry-run` prints them. */
export interface PlannedHost {
  host: string
  phases: Array<{ phase: string; command: string }>
}

/**
 * The exact scripts each host would receive, from the same steps a deploy runs, against hosts that
 * report an empty history (a first deploy) and nothing else. Connects nowhere.
 */
export async function planDeploy(options: DeployOptions): Promise<PlannedHost[]> {
  const remotes = new Map<string, RecordingRemote>()
  const connect: Connector = async (host) => remotes.set(host.name, new RecordingRemote(host.name)).get(host.name)!
  const run = await runDeploy(options, connect, true)
  const hosts = [...remotes.values()].map((r) => ({ host: r.name, phases: r.phases.map((p) => ({ phase: stepsOf(p.script) + (p.upload ? ' (then the upload, a tar, on stdin)' : ''), command: `bash -s <<'SCRIPT'\n${p.script}SCRIPT` })) }))
  const runner = run.result.smoke.filter((r) => !r.host).map((r) => ({ phase: `smoke ${r.name}`, command: r.detail }))
  if (run.result.bake) runner.push({ phase: 'bake', command: describeBake(run.spec) })
  return runner.length ? [...hosts, { host: 'runner', phases: runner }] : hosts
}

/** The deploy steps a recorded script carries, from its step lines. */
function stepsOf(script: string): string {
  const names = new Set(DEPLOY.map((s) => s.name).concat('smoke'))
  return [...new Set(stepLabels(script).map((label) => label.replace(/^smoke .*/, 'smoke')).filter((n) => names.has(n)))].join(', ')
}

async function runDeploy(options: DeployOptions, connect: Connector, dry: boolean, reuse?: string): Promise<DeployRun> {
  const op = operation({ ...options, spec: shardOf(options.spec, options.two?.shard) })
  const entries = (await preflight(op.spec, { source: true, credentials: connect === sshConnector, warn: (m) => op.reporter.warn(m) })) ?? []
  // The source is hashed while the connections are made: the lock step sends its directory digests.
  const hashing = localManifest(op.spec, entries)
  const sessions = await op.reporter.group('Connect', () => openSessions(op.spec, connect, op.reporter)).catch(async (error: unknown) => {
    await hashing.catch(() => undefined)
    throw error
  })
  const local = await hashing.catch(async (error: unknown) => {
    await closeSessions(sessions)
    throw error
  })
  const hosts = sessions.map((s) => s.host.name)
  const result: DeployResult = { release: '', hosts, rolledBack: false, removed: {}, smoke: [], uploaded: {}, ledger: newLedger(hosts) }
  const run: DeployRun = { op, spec: op.spec, owner: lockOwner(op, 'deploy'), sessions, dry, reuse, holders: sessions.map(() => null), states: [], id: '', entries, local, uploads: [], plans: [], driver: driverFor(op.spec), at: migrateHostIndex(op.spec), result, rollout: newRollout(op.spec), two: options.two }
  if (run.rollout.batches.length > 1) result.rollout = { strategy: op.spec.strategy.kind, batches: run.rollout.batches.map((b) => b.map((i) => hosts[i])), timeline: run.rollout.timeline, dropped: [] }
  const stop = dry ? () => undefined : keepAlive(op, sessions, run.owner)
  try {
    const steps = execute(run, STEPS[options.two?.phase ?? 'all'], (trip: Trip) => (trip.kind === 'hosts' ? TITLES[trip.steps[0].name]?.(run) ?? trip.steps[0].name : trip.step.name))
    await forceable(op, sessions, run.owner, steps, (why) => new DeployError(`deploy ${run.id} stopped at once (${why}, a second time): the lock is released, nothing was undone — the release may be unfinished and this run's migrations may stay applied; check with: slipway releases`, result))
    const split = droppedError(run)
    if (split) throw split
    op.reporter.info(`${dry ? 'Planned' : options.two?.phase === 'prepare' ? 'Prepared' : 'Deployed'} ${run.id} to ${result.hosts.join(', ')}`)
    return run
  } finally {
    stop()
    removePacks(run)
    await closeSessions(sessions)
  }
}
