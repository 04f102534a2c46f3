/** `slipway db points` (the restore points per release) and `slipway db restore <release>` (under the deploy lock). */
import { audit, parseState, readState, type ReleaseRecord, type RestorePoint } from '../commands/history.js'
import { release as unlockCommand } from '../commands/lock.js'
import { listPointFiles } from '../commands/points.js'
import { InputError, SlipwayError } from '../errors.js'
import { driverFor, migrateHostIndex } from '../migrations/driver.js'
import { auditLine } from './audit.js'
import { checkRestore, describeLoss, restoreCommands, restoredRecords } from './points.js'
import { forceable, keepAlive, lockOwner, onEach, operation, releaseLocks, type OperationOptions } from './run.js'
import { closeSessions, holdChannels, openSessions, runPhase, sshConnector } from './session.js'
import { lockHosts } from './lock-wait.js'

/** One restore point as listed. */
export interface PointRow extends RestorePoint {
  release: string
  state: ReleaseRecord['state']
  current: boolean
  /** Bytes on the host now (undefined when the file is gone; the command provider may write none). */
  onHost?: number
}

/** The restore points on the migrating host, newest first (one read-only round trip; no lock taken). */
export async function listPoints(options: OperationOptions): Promise<{ host: string; points: PointRow[] }> {
  const op = operation(options)
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  try {
    const s = sessions[migrateHostIndex(op.spec)]
    const r = await runPhase(s, op.spec, op.reporter, 'read restore points', [...readState(s, s.layout), listPointFiles(s, s.layout)])
    const state = parseState(r.data)
    const files = new Map((r.data.points ?? []).map((line) => [line.slice(line.indexOf(' ') + 1), Number(line.split(' ')[0])]))
    const points = state.records.filter((x) => x.restore_point).reverse().map((x) => ({ ...x.restore_point!, release: x.id, state: x.state, current: x.id === state.current, onHost: files.get(x.restore_point!.file.split('/').pop()!) }))
    return { host: s.host.name, points }
  } finally {
    await closeSessions(sessions)
  }
}

/** What `db restore` did: the point, what it discarded, the migrations it undid. */
export interface DbRestoreResult {
  release: string
  point: RestorePoint
  lost: string[]
  /** Migrations recorded as applied that the restore undid (the live code may expect them). */
  undone: string[]
  current?: string
}

/** Restores the restore point taken before `release`, under the deploy lock on every host; reports what it discarded. */
export async function restoreDatabase(options: OperationOptions & { release: string }): Promise<DbRestoreResult> {
  const op = operation(options)
  const owner = lockOwner(op, 'db restore')
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  holdChannels(sessions, op.spec, op.reporter)
  const stop = keepAlive(op, sessions, owner)
  try {
    const work = (async () => {
      const states = await lockHosts(op, sessions, owner, false)
      const at = migrateHostIndex(op.spec)
      const { records, current } = states[at]
      const target = records.find((r) => r.id === options.release)
      if (!target?.restore_point) throw new InputError(`release ${options.release} has no restore point. Fix: pick one from slipway db points (${records.filter((r) => r.restore_point).map((r) => r.id).join(', ') || 'none'})`)
      if (!current) throw new InputError('there is no live release: the built-in restore boots the app of the live release to read its database config')
      const stamp = op.now().toISOString()
      const changed = restoredRecords(records, target.id, stamp, op.by)
      const undone = changed.filter((r) => r.migrations?.stepped_back_at === stamp).flatMap((r) => r.migrations!.ran)
      const commands = restoreCommands(sessions[at], op.spec, driverFor(op.spec), target, changed, current)
      const line = auditLine(op, 'db restore', target.id, undefined, `database restored to the point taken ${target.restore_point.at}`)
      const results = await op.reporter.group(`Restore the database to the point taken before ${target.id}`, () => onEach(sessions, (s, i) => runPhase(s, op.spec, op.reporter, 'db restore', [...(i === at ? [...commands, audit(s.layout, line)] : []), unlockCommand(s.layout, owner)])))
      const lost = describeLoss(target.restore_point, checkRestore(results[at].data, target.id, 'db restore ran under the deploy lock'))
      return report(op.reporter, { release: target.id, point: target.restore_point, lost, undone, current })
    })()
    return await forceable(op, sessions, owner, work, (why) => new SlipwayError(`db restore stopped at once (${why}, a second time): the lock is released; check the database`))
  } catch (error) {
    await releaseLocks(op, sessions, owner)
    throw error
  } finally {
    stop()
    await closeSessions(sessions)
  }
}

function report(reporter: ReturnType<typeof operation>['reporter'], r: DbRestoreResult): DbRestoreResult {
  reporter.info(`database restored to the point taken before ${r.release} (${r.point.at}, ${r.point.file})`)
  reporter.warn(`lost:\n${r.lost.map((l) => `  - ${l}`).join('\n')}`)
  if (r.undone.length) reporter.warn(`migrations undone by the restore: ${r.undone.join(', ')}; the live release ${r.current} ${r.current && r.current >= r.release ? 'ran with them: roll back its code (slipway rollback) or deploy again to re-apply them' : 'did not need them'}`)
  return r
}
