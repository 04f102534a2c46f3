/** Migration commands on the host: run with the state read before and after, and step back one batch. */
import { builtinPoint, snapshotByCommand, type PointProvider } from './points.js'
import type { MigrationDriver } from './types.js'
import { dataMark, dataPrefix, stepMark, type Markers } from '../commands/protocol.js'
import { type ReleaseRecord, writeRecord } from '../commands/history.js'
import { journalFile, type Layout, releaseDir } from '../commands/layout.js'
import { inDir, mkdirs, raw, seq, sh, when, type Command } from '../commands/shell.js'

/**
 * Optional backup, then: state → data `before`; when something is pending, migrate (exit code kept) and
 * state → data `after`; exit with migrate's code. Nothing pending: no second framework boot at all.
 * The run's output is also kept in the release's journal, so a run that stops half-way leaves, on the host,
 * what was applied before it (the next operation steps back the rest).
 */
export function runMigrations(m: Markers, l: Layout, id: string, driver: MigrationDriver, backup?: string, points?: PointProvider): Command[] {
  const dir = releaseDir(l, id)
  const first = backup ? [stepMark(m, 'backup'), inDir(l.root, raw(backup.replaceAll('{release}', id)))] : []
  const builtin = points?.kind === 'builtin' ? builtinPoint(m, l, id) : undefined
  const snapshot = points?.kind === 'command' ? snapshotByCommand(m, l, id, points.snapshot) : []
  const schema = driver.snapshot ? dataPrefix(m, 'schema') : undefined
  const run = driver.runTracked && !snapshot.length ? [stepMark(m, builtin ? 'restore point and migrate' : 'migrate'), inDir(dir, driver.runTracked(dataPrefix(m, 'before'), dataPrefix(m, 'after'), schema, builtin))] : tracked(m, dir, driver, snapshot)
  return [...first, mkdirs(l.journal), sh`{ ${seq(...run)}; } | tee ${journalFile(l, id)}`]
}

/** Migrating with the state read before and after by the driver's own commands (a db.snapshot first when something is pending). */
function tracked(m: Markers, dir: string, driver: MigrationDriver, snapshot: Command[]): Command[] {
  return [
    stepMark(m, 'read migration state'),
    sh`before=$( ${inDir(dir, driver.state())} )`,
    dataMark(m, 'before', raw('$before')),
    stepMark(m, 'migrate'),
    raw('rc=0; after=$before'),
    when(driver.hasPending('before'), [...snapshot, sh`${inDir(dir, driver.run())} || rc=$?`, sh`after=$( ${inDir(dir, driver.state())} ) || after=''`]),
    dataMark(m, 'after', raw('$after')),
    raw('[ "$rc" -eq 0 ] || exit "$rc"')
  ]
}

/** Reads the migration state in a release's directory, as data `state`. */
export function readMigrationState(m: Markers, l: Layout, id: string, driver: MigrationDriver): Command[] {
  return [sh`state=$( ${inDir(releaseDir(l, id), driver.state())} )`, dataMark(m, 'state', raw('$state'))]
}

/**
 * Steps back one release's migrations from that release's own directory (only it has those
 * files), writes the record that matches the outcome, and reports `ok|failed` as data
 * `stepback` and the state afterwards as data `verify`.
 */
export function stepBack(m: Markers, l: Layout, releaseId: string, command: Command, driver: MigrationDriver, ok: ReleaseRecord, failed: ReleaseRecord): Command[] {
  const dir = releaseDir(l, releaseId)
  return [
    stepMark(m, `step back migrations of ${releaseId}`),
    when(inDir(dir, command), [writeRecord(l, ok), dataMark(m, 'stepback', raw(`${releaseId} ok`))], [writeRecord(l, failed), dataMark(m, 'stepback', raw(`${releaseId} failed`))]),
    sh`state=$( ${inDir(dir, driver.state())} ) || state=''`,
    dataMark(m, 'verify', raw('$state'))
  ]
}

/** Runs the statements that remove what a failed migration added, in the release's directory (data `cleanup`). */
export function removeLeftovers(m: Markers, l: Layout, id: string, driver: MigrationDriver, statements: string[]): Command[] {
  if (!driver.exec || !statements.length) return []
  return [stepMark(m, 'remove what the failed migration added'), sh`${inDir(releaseDir(l, id), driver.exec(dataPrefix(m, 'cleanup'), statements))} || true`]
}

/** Reads the schema again in the release's directory, as data `schema` labelled `label`; a failed read prints nothing and fails nothing. */
export function readSchema(m: Markers, l: Layout, id: string, driver: MigrationDriver, label: string): Command[] {
  if (!driver.snapshot) return []
  return [stepMark(m, 'read the schema again'), sh`${inDir(releaseDir(l, id), driver.snapshot(dataPrefix(m, 'schema'), label))} || true`]
}
