/**
 * Restore points on the host: who takes them (the driver's built-in provider, or the spec's db.snapshot/db.restore
 * commands), the commands that take one before migrating and restore one, and reading what the host reported.
 */
import type { RestorePoint } from '../commands/history.js'
import { pointBase, pointFile, releaseDir, type Layout } from '../commands/layout.js'
import { dataMark, dataPrefix, stepMark, type Markers } from '../commands/protocol.js'
import { inDir, mkdirs, raw, sh, when, type Command } from '../commands/shell.js'
import type { Spec } from '../spec/types.js'
import type { MigrationDriver } from './types.js'

/** Who takes and restores the points: the driver itself, or the spec's commands. */
export type PointProvider = { kind: 'builtin' } | { kind: 'command'; snapshot: string; restore: string }

/** The provider a spec and driver give, or undefined when this deploy takes no restore points. */
export function pointProvider(spec: Spec, driver: MigrationDriver | undefined): PointProvider | undefined {
  if (spec.db.restore_points === 'off') return undefined
  if (spec.db.snapshot && spec.db.restore) return { kind: 'command', snapshot: spec.db.snapshot, restore: spec.db.restore }
  return driver?.runTracked && driver.restorePoint ? { kind: 'builtin' } : undefined
}

/** Fills {release}, {file} and {time} in a db command (literally, wherever they stand, quotes included). */
export function fillPoint(command: string, values: { release: string; file: string; time: string }): string {
  return command.replaceAll('{release}', values.release).replaceAll('{file}', values.file).replaceAll('{time}', values.time)
}

/**
 * db.snapshot in the deploy root, timed, reported as data `point`. {time} is the host's clock just before it
 * runs, filled in on the host (so a point-in-time restore gets the moment the point stands for).
 */
export function snapshotByCommand(m: Markers, l: Layout, id: string, command: string): Command[] {
  const file = pointFile(l, id, 'command')
  const text = fillPoint(command, { release: id, file, time: '{time}' })
  return [
    stepMark(m, 'restore point'),
    mkdirs(l.points),
    raw('SLIPWAY_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ); export SLIPWAY_TIME; slipway_t0=$(date +%s%N)'),
    sh`slipway_cmd=${text}; slipway_cmd=\${slipway_cmd//'{time}'/$SLIPWAY_TIME}`,
    inDir(l.root, raw('eval "$slipway_cmd"')),
    sh`slipway_ms=$(( ($(date +%s%N) - slipway_t0) / 1000000 )); slipway_size=$(stat -c %s ${file} 2>/dev/null || echo 0)`,
    sh`point=$(printf '{"engine":"command","file":"%s","size":%s,"at":"%s","ms":%s}' ${file} "$slipway_size" "$SLIPWAY_TIME" "$slipway_ms")`,
    dataMark(m, 'point', raw('$point'))
  ]
}

/** The built-in provider's argument for the driver's tracked migrate run: where the point goes, and its data prefix. */
export function builtinPoint(m: Markers, l: Layout, id: string): { base: string; prefix: string } {
  return { base: pointBase(l, id), prefix: dataPrefix(m, 'point') }
}

/**
 * Restores `point` (taken before release `id`), then runs `onOk` (records) only when it worked; reports data
 * `restored` either way. The built-in provider runs in release `appRelease` (it boots the app to read its config).
 */
export function restorePointCommands(m: Markers, l: Layout, id: string, point: RestorePoint, provider: PointProvider, driver: MigrationDriver | undefined, appRelease: string, onOk: Command[]): Command[] {
  const label = stepMark(m, `restore the database to the point taken before ${id} (${point.at})`)
  if (provider.kind === 'command') {
    const run = inDir(l.root, raw(fillPoint(provider.restore, { release: id, file: point.file, time: point.at })))
    const said = (ok: boolean) => [sh`restored=${JSON.stringify(ok ? { ok, engine: 'command' } : { ok, error: 'db.restore failed (its output is above)' })}`, dataMark(m, 'restored', raw('$restored'))]
    return [label, when(run, [...said(true), ...onOk], said(false))]
  }
  if (!driver?.restorePoint) throw new Error('the built-in restore needs the Laravel migration driver (migrate.preset: laravel)')
  const restore = driver.restorePoint(point.file, Object.keys(point.tables ?? {}), dataPrefix(m, 'restored'))
  return [label, when(inDir(releaseDir(l, appRelease), restore), onOk)]
}

/** What the host said about a point it took: the point, a reason none was taken, or the error that stopped it. */
export type PointReport = { point: RestorePoint } | { skipped: string } | { error: string }

/** Reads data `point`. */
export function readPoint(line: string | undefined): PointReport | undefined {
  if (!line) return undefined
  const p = JSON.parse(line) as Partial<RestorePoint> & { skipped?: string; error?: string }
  if (p.error) return { error: p.error }
  if (p.skipped) return { skipped: p.skipped }
  return { point: { engine: p.engine!, file: p.file!, size: Number(p.size ?? 0), at: p.at!, ms: Number(p.ms ?? 0), ...(p.tables ? { tables: p.tables } : {}) } }
}

/** What a restore reported: row counts per table just before and just after (built-in), or only whether it worked. */
export interface RestoreReport {
  ok: boolean
  error?: string
  before?: Record<string, number>
  after?: Record<string, number>
  ms?: number
}

/** Reads data `restored` (the last line). */
export function readRestore(lines: string[] | undefined): RestoreReport | undefined {
  const line = lines?.[lines.length - 1]
  return line ? (JSON.parse(line) as RestoreReport) : undefined
}
