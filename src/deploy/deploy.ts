/** The deploy pipeline: lock → prepare (upload, shared, build) on every host → switch everywhere → finish. */
import { pickExpired, removeReleases } from '../commands/cleanup.js'
import { parseState, type HostState, type ReleaseRecord } from '../commands/history.js'
import { LOCKED } from '../commands/lock.js'
import { SlipwayError } from '../errors.js'
import { nextReleaseId } from './id.js'
import { beginPhase, failPhase, finishPhase, preparePhase, restorePhase, switchPhase, type HostPlan } from './plan.js'
import { LockedError, lockOwner, onEach, operation, releaseLocks, type Operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector, type Session } from './session.js'
import { gitCommit, listSource, tarStream } from './source.js'
import { auditLine } from './audit.js'

/** Options for {@link deploy}. */
export type DeployOptions = OperationOptions

/** What a deploy did. */
export interface DeployResult {
  /** The new release id (the same on every host). */
  release: string
  /** The release that was live before, if any. */
  previous?: string
  commit?: string
  hosts: string[]
  /** True when the deploy was switched back after the switch. */
  rolledBack: boolean
  /** Releases removed by keep_releases, per host. */
  removed: Record<string, string[]>
}

/** A deploy that failed; `result` says how far it got (and whether it was rolled back). */
export class DeployError extends SlipwayError {
  constructor(message: string, readonly result: DeployResult) {
    super(message)
    this.name = 'DeployError'
  }
}

/** Deploys the spec's source to every host as a new release and switches to it atomically. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const op = operation(options)
  const { spec, reporter } = op
  const owner = lockOwner(op, 'deploy')
  const sessions = await reporter.group('Connect', () => openSessions(spec, options.connect ?? sshConnector, reporter))
  try {
    const states = await reporter.group('Lock and read history', () => onEach(sessions, (s) => lockAndRead(op, s, owner)))
    const [entries, commit] = await Promise.all([listSource(spec.source.dir, spec.source.exclude), gitCommit(spec.source.dir)])
    const id = nextReleaseId(op.now(), states.flatMap((st) => st.records.map((r) => r.id)))
    const stamp = op.now().toISOString()
    const record: ReleaseRecord = { id, state: 'building', commit, created_at: stamp, updated_at: stamp, by: op.by, run: op.run }
    const plans: HostPlan[] = sessions.map((s, i) => ({ spec, host: s.host, layout: s.layout, markers: s, id, owner, previous: states[i].current, record }))
    const result: DeployResult = { release: id, previous: states[0].current, commit, hosts: sessions.map((s) => s.host.name), rolledBack: false, removed: {} }
    reporter.info(`Release ${id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}: ${entries.length} entries to ${sessions.length} host(s)`)

    try {
      await reporter.group(`Prepare release ${id}`, () => onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'prepare', preparePhase(plans[i]), { stdin: tarStream(spec.source.dir, entries) })))
    } catch (error) {
      await onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'record failure', failPhase(plans[i], String((error as Error).message).split('\n')[0], auditLine(op, 'deploy', id, commit, 'failed before switch')))).catch(() => undefined)
      throw new DeployError(`deploy of ${id} failed before the switch; current is unchanged.\n${(error as Error).message}`, result)
    }

    try {
      await reporter.group(`Switch to ${id}`, () => onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'switch', switchPhase(plans[i]))))
    } catch (error) {
      await restore(op, sessions, plans, `switch or activate hook failed: ${String((error as Error).message).split('\n')[0]}`)
      result.rolledBack = true
      throw new DeployError(`deploy of ${id} failed after the switch and was rolled back to ${result.previous ?? '(no release)'}.\n${(error as Error).message}`, result)
    }

    await reporter.group('Finish', () => onEach(sessions, async (s, i) => {
      const expired = pickExpired([...states[i].records, { ...record, state: 'healthy' }], spec.keep_releases, id)
      result.removed[s.host.name] = expired
      await runPhase(s, spec, reporter, 'finish', finishPhase(plans[i], removeReleases(s.layout, expired), auditLine(op, 'deploy', id, commit, 'ok')))
    }))
    reporter.info(`Deployed ${id} to ${result.hosts.join(', ')}`)
    return result
  } catch (error) {
    await releaseLocks(op, sessions, owner)
    throw error
  } finally {
    await closeSessions(sessions)
  }
}

/** Takes the lock on one host and reads its history; throws {@link LockedError} when it is held. */
export async function lockAndRead(op: Operation, s: Session, owner: ReturnType<typeof lockOwner>): Promise<HostState> {
  const r = await runPhase(s, op.spec, op.reporter, 'lock', beginPhase(s, s.layout, owner), { okCodes: [LOCKED] })
  if (r.code === LOCKED) throw new LockedError(s.host.name, r.data.holder?.[0] ?? '')
  return parseState(r.data)
}

/** After a failed switch or smoke check: every host back to its previous release, the new one marked failed. */
export async function restore(op: Operation, sessions: Session[], plans: HostPlan[], note: string): Promise<void> {
  await op.reporter.group(`Roll back ${plans[0].id}`, () => onEach(sessions, (s, i) => {
    const p = plans[i]
    const line = auditLine(op, 'rollback', p.previous ?? '(none)', undefined, `automatic, from ${p.id}: ${note}`)
    return runPhase(s, op.spec, op.reporter, 'roll back', restorePhase(s, s.layout, op.spec, p.previous, [{ ...p.record, state: 'failed', note, updated_at: op.now().toISOString() }], line, p.owner))
  }))
}
