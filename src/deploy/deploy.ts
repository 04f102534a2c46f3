/** The deploy pipeline: lock → prepare everywhere → migrate (one host) → switch everywhere → smoke → finish. */
import { pickExpired, removeReleases } from '../commands/cleanup.js'
import { parseState, type HostState, type ReleaseRecord } from '../commands/history.js'
import { LOCKED, type LockOwner } from '../commands/lock.js'
import { SlipwayError } from '../errors.js'
import { driverFor, migrateHostIndex } from '../migrations/driver.js'
import { auditLine } from './audit.js'
import { nextReleaseId } from './id.js'
import { migrate, migrateCommands, outcome, type MigrateOutcome } from './migrate.js'
import { beginPhase, failPhase, finishPhase, preparePhase, switchPhase, type HostPlan } from './plan.js'
import { restore } from './restore.js'
import { LockedError, lockOwner, onEach, operation, releaseLocks, type Operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector, StepError, type Session } from './session.js'
import { runSmoke, type SmokeResult } from './smoke.js'
import { gitCommit, listSource, tarStream, type SourceEntry } from './source.js'
import { buildManifest, deltaSafe, diffManifest, usableManifest } from './manifest.js'
import { UPLOAD_LIST } from '../commands/delta.js'
import { preflight } from '../spec/preflight.js'
import type { Spec } from '../spec/types.js'

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
  smoke: SmokeResult[]
  /** Per host: entries sent in the upload, and whether it was a delta against the live release. */
  uploaded: Record<string, { sent: number; delta: boolean }>
  /** Migrations this deploy ran, and which of them were stepped back. */
  migrations?: { ran: string[]; steppedBack: string[]; failed?: string; refused?: string; stillApplied?: string[] }
}

/** A deploy that failed; `result` says how far it got (and whether it was rolled back). */
export class DeployError extends SlipwayError {
  constructor(message: string, readonly result: DeployResult) {
    super(message)
    this.name = 'DeployError'
  }
}

const first = (error: unknown) => String((error as Error).message).split('\n')[0]

/** Deploys the spec's source to every host as a new release and switches to it atomically. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const op = operation(options)
  const { spec, reporter } = op
  const owner = lockOwner(op, 'deploy')
  await preflight(spec, { source: true, credentials: !options.connect, warn: (m) => reporter.warn(m) })
  const sessions = await reporter.group('Connect', () => openSessions(spec, options.connect ?? sshConnector, reporter))
  try {
    const states = await reporter.group('Lock and read history', () => onEach(sessions, (s) => lockAndRead(op, s, owner)))
    const [entries, commit] = await Promise.all([listSource(spec.source.dir, spec.source.exclude), gitCommit(spec.source.dir)])
    const id = nextReleaseId(op.now(), states.flatMap((st) => st.records.map((r) => r.id)))
    const stamp = op.now().toISOString()
    const record: ReleaseRecord = { id, state: 'building', commit, created_at: stamp, updated_at: stamp, by: op.by, run: op.run }
    const uploads = await planUploads(spec, entries, states)
    const plans: HostPlan[] = sessions.map((s, i) => ({ spec, host: s.host, layout: s.layout, markers: s, id, owner, previous: states[i].current, delta: uploads[i].delta, record }))
    const result: DeployResult = { release: id, previous: states[0].current, commit, hosts: sessions.map((s) => s.host.name), rolledBack: false, removed: {}, smoke: [], uploaded: Object.fromEntries(sessions.map((s, i) => [s.host.name, { sent: uploads[i].send.length, delta: uploads[i].delta }])) }
    const failBeforeSwitch = async (error: unknown): Promise<never> => {
      await onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'record failure', failPhase(plans[i], first(error), auditLine(op, 'deploy', id, commit, 'failed before switch')))).catch(() => undefined)
      throw new DeployError(`deploy of ${id} failed before the switch; current is unchanged.\n${(error as Error).message}`, result)
    }
    reporter.info(`Release ${id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}: ${entries.length} entries; ${sessions.map((s, i) => `${s.host.name}: ${uploads[i].delta ? `delta, ${uploads[i].send.length} sent` : 'full upload'}`).join(', ')}`)

    // With one host, migrating rides on the prepare round trip; with several, it waits until every host is ready.
    const driver = driverFor(spec)
    const at = migrateHostIndex(spec)
    const fold = driver !== undefined && sessions.length === 1
    let migrated: MigrateOutcome | undefined
    await reporter.group(`Prepare release ${id}`, () => onEach(sessions, async (s, i) => {
      const commands = [...preparePhase(plans[i]), ...(fold ? migrateCommands(op, s, id, driver) : [])]
      const stdin = tarStream(spec.source.dir, uploads[i].send, { [UPLOAD_LIST]: uploads[i].list.join('\n') + '\n' })
      try {
        const r = await runPhase(s, spec, reporter, 'prepare', commands, { stdin })
        if (fold) migrated = outcome(op, driver, r.data)
      } catch (error) {
        if (!fold || !(error instanceof StepError) || !error.data.before) throw error
        migrated = outcome(op, driver, error.data, error)
      }
    })).catch(failBeforeSwitch)
    if (driver && !fold) migrated = await reporter.group(`Migrate on ${sessions[at].host.name}`, () => migrate(op, sessions[at], id, driver)).catch(failBeforeSwitch)
    if (migrated) {
      for (const p of plans) p.record = { ...p.record, migrations: migrated.record }
      result.migrations = { ran: migrated.record.ran, steppedBack: [], failed: migrated.record.failed }
      if (migrated.error) {
        await restore(op, sessions, plans, `migration failed: ${first(migrated.error)}`, migrated, result, false)
        throw new DeployError(`deploy of ${id} failed while migrating; current is unchanged.\n${migrated.record.note ?? ''}\n${migrated.error.message}${stepBackNote(result)}`, result)
      }
    }

    // Finishing (healthy, prune, audit, unlock) rides on the switch's round trip when there are no smoke checks.
    const finish = (s: Session, i: number) => {
      const expired = pickExpired([...states[i].records, { ...plans[i].record, state: 'healthy' }], spec.keep_releases, id)
      result.removed[s.host.name] = expired
      return finishPhase(plans[i], removeReleases(s.layout, expired), auditLine(op, 'deploy', id, commit, 'ok'))
    }
    const together = spec.smoke.length === 0
    try {
      await reporter.group(`Switch to ${id}`, () => onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'switch', [...switchPhase(plans[i]), ...(together ? finish(s, i) : [])])))
    } catch (error) {
      await restore(op, sessions, plans, `switch or activate hook failed: ${first(error)}`, migrated, result, true)
      throw new DeployError(`deploy of ${id} failed after the switch and was rolled back to ${result.previous ?? '(no release)'}.\n${(error as Error).message}${stepBackNote(result)}`, result)
    }

    if (spec.smoke.length) {
      result.smoke = await reporter.group('Smoke tests', () => runSmoke(op, sessions, spec.smoke))
      const failed = result.smoke.filter((r) => !r.ok)
      if (failed.length) {
        const why = `smoke check failed: ${failed.map((f) => `${f.name}${f.host ? ` on ${f.host}` : ''}: ${f.detail}`).join('; ')}`
        if (!spec.rollback.on_smoke_failure) {
          await onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'record failure', finishPhase({ ...plans[i], record: { ...plans[i].record, state: 'live', note: why } }, [], auditLine(op, 'deploy', id, commit, 'live, smoke failed, not rolled back (rollback.on_smoke_failure: false)'), 'live')))
          throw new DeployError(`deploy of ${id} is live but its ${why}\nrollback.on_smoke_failure is false: roll back by hand with slipway rollback`, result)
        }
        await restore(op, sessions, plans, why, migrated, result, true)
        throw new DeployError(`deploy of ${id} was rolled back to ${result.previous ?? '(no release)'}: ${why}${stepBackNote(result)}`, result)
      }
    }

    if (!together) await reporter.group('Finish', () => onEach(sessions, (s, i) => runPhase(s, spec, reporter, 'finish', finish(s, i))))
    reporter.info(`Deployed ${id} to ${result.hosts.join(', ')}`)
    return result
  } catch (error) {
    await releaseLocks(op, sessions, owner)
    throw error
  } finally {
    await closeSessions(sessions)
  }
}

/** Per host: what to send, the upload list, and whether it is a delta against the live release. */
async function planUploads(spec: Spec, entries: SourceEntry[], states: HostState[]): Promise<Array<{ send: SourceEntry[]; list: string[]; delta: boolean }>> {
  const local = await buildManifest(spec.source.dir, entries)
  const shared = [...spec.shared.files, ...spec.shared.dirs]
  const always = (path: string) => shared.some((s) => path === s || path.startsWith(`${s}/`))
  const safe = deltaSafe(entries)
  return states.map((st) => {
    const delta = safe && usableManifest(st.manifest)
    const d = diffManifest(entries, local, delta ? st.manifest : [], always)
    return { send: d.send, list: d.upload, delta }
  })
}

function stepBackNote(result: DeployResult): string {
  const m = result.migrations
  if (!m || !m.ran.length) return ''
  if (m.steppedBack.length) return `\nmigrations stepped back: ${m.steppedBack.join(', ')}`
  return `\nmigrations NOT stepped back (still applied): ${m.ran.join(', ')}${m.refused ? ` — ${m.refused}` : ''}`
}

/** Takes the lock on one host and reads its history; throws {@link LockedError} when it is held. */
export async function lockAndRead(op: Operation, s: Session, owner: LockOwner): Promise<HostState> {
  const r = await runPhase(s, op.spec, op.reporter, 'lock', beginPhase(s, s.layout, owner), { okCodes: [LOCKED] })
  if (r.code === LOCKED) throw new LockedError(s.host.name, r.data.holder?.[0] ?? '')
  return parseState(r.data)
}
