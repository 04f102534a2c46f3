/** The migrate step of a deploy, and stepping back exactly what a release ran. */
import type { MigrationRecord, ReleaseRecord } from '../commands/history.js'
import { stepBack } from '../migrations/commands.js'
import type { HostData } from '../commands/protocol.js'
import type { Command } from '../commands/shell.js'
import { canStepBack, ranBetween, stillApplied } from '../migrations/step-back.js'
import type { MigrationDriver, MigrationState } from '../migrations/types.js'
import { describeItem } from '../migrations/schema.js'
import { leftoverNote, readFailedSchema, restoreCommand, type FailedSchema } from './leftovers.js'
import type { MigrationsResult } from './result.js'
import type { Operation } from './run.js'
import type { Session } from './session.js'

/** What the migrate step did. */
export interface MigrateOutcome {
  record: MigrationRecord
  /** The state right after migrating (for step-back guards). */
  after: MigrationState
  /** Set when migrating failed. */
  failed: boolean
  /** When a migration failed: what it did to the schema, or why that is not known. */
  schema?: FailedSchema | string
}

/** What ran, from the `before`/`after` data of the migrate commands (`failed` when the phase failed while migrating). */
export function outcome(op: Operation, driver: MigrationDriver, data: HostData, failed: boolean, release: string): MigrateOutcome {
  const before = driver.parse(data.before?.[0])
  const after = data.after?.[0] ? driver.parse(data.after[0]) : before
  const record = ranBetween(driver.name, before, after, failed)
  op.reporter.info(`migrations: ${record.ran.length ? `ran ${record.ran.join(', ')}${record.batch !== undefined ? ` (batch ${record.batch})` : ''}` : 'none to run'}`)
  if (!record.failed) return { record, after, failed }
  const schema = driver.snapshot ? readFailedSchema(data) : undefined
  record.note = typeof schema === 'object' ? leftoverNote(record.failed, release, schema) : `migration ${record.failed} failed: ${failureMeaning(after.driver)}${schema ? ` (${schema})` : ''}`
  op.reporter.error(record.note)
  return { record, after, failed, ...(schema ? { schema } : {}) }
}

/** The result's account of a failed migration's schema: what it left, or what it destroyed and the fix. */
export function schemaResult(m: MigrateOutcome, release: string): Partial<MigrationsResult> {
  const l = typeof m.schema === 'object' ? m.schema.leftovers : undefined
  if (!l) return {}
  if (l.kind === 'none') return { left: [] }
  if (l.kind === 'added') return { left: l.diff.added.map(describeItem) }
  return { left: l.diff.added.map(describeItem), destroyed: [...l.diff.removed, ...l.diff.changed].map((i) => `${describeItem(i)} ${l.diff.removed.includes(i) ? 'removed' : 'changed'}`), restore: restoreCommand(release) }
}

/**
 * What a failed migration leaves behind. Laravel wraps a migration in a transaction only where the schema
 * grammar supports transactional DDL (PostgreSQL, SQL Server), and a migration can opt out.
 */
function failureMeaning(driver: string | undefined): string {
  if (driver === 'pgsql' || driver === 'sqlsrv') return `on ${driver} Laravel runs a migration in a transaction (unless it sets $withinTransaction = false), so its changes were most likely rolled back`
  return `on ${driver ?? 'this database'} Laravel does not run migrations in a transaction, so the statements it ran before failing stay applied (its schema changes may be PARTLY APPLIED); inspect the tables it touches before retrying`
}

/** Why a release deployed under check.policy: forward-only cannot be stepped back. */
export function noDownReason(names: string[]): string {
  return `${names.join(', ')} ${names.length > 1 ? 'have' : 'has'} no usable down() (check.policy: forward-only, said when it was deployed): its schema cannot be stepped back`
}

/** The step-back commands for a release's migrations, or the reason it is refused. */
export function planStepBack(s: Session, driver: MigrationDriver, release: ReleaseRecord, state: MigrationState, stamp: string): { commands: Command[]; names: string[]; how?: string } | { refused: string } {
  const m = release.migrations
  if (!m) return { refused: 'this release ran no migrations' }
  if (m.no_down?.length) return { refused: noDownReason(m.no_down) }
  const verdict = canStepBack(m, state)
  if (!verdict.ok) return { refused: verdict.reason }
  const ok: ReleaseRecord = { ...release, migrations: { ...m, stepped_back: verdict.names, stepped_back_at: stamp } }
  const failed: ReleaseRecord = { ...release, note: `${release.note ?? ''}${release.note ? '; ' : ''}migration step-back failed` }
  return { commands: stepBack(s, s.layout, release.id, driver.stepBack(verdict.names, verdict.batch, state), driver, ok, failed), names: verdict.names, how: driver.describeStepBack?.(verdict.names, verdict.batch, state) }
}

/** Reads the outcome of step-back commands: names still applied after an `ok`, or a failure. */
export function checkStepBack(op: Operation, driver: MigrationDriver, data: HostData, record: MigrationRecord): { ok: boolean; stillApplied: string[] } {
  const ok = (data.stepback ?? []).every((line) => line.endsWith(' ok')) && (data.stepback ?? []).length > 0
  const verify = data.verify?.length ? driver.parse(data.verify[data.verify.length - 1]) : undefined
  const left = verify ? stillApplied(record, verify) : record.ran
  if (!ok || left.length) op.reporter.error(`stepping back migrations did not complete: still applied: ${left.join(', ') || '(unknown)'}`)
  return { ok: ok && left.length === 0, stillApplied: left }
}
