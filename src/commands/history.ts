/** Release history on the host: one JSON record per release, plus an audit log. */
import { type Layout, type PointEngine, recordFile } from './layout.js'
import { appendLine, raw, readFirstLine, sh, when, writeFile, type Command } from './shell.js'
import { dataMark, releaseIdFrom, type HostData, type Markers } from './protocol.js'

/**
 * Where a release is in its life: building → ready → live → healthy | failed | rolled-back; a two-phase deploy's
 * prepare phase leaves it `prepared` (ready, and handed over to the switch phase: not an interrupted run's).
 */
export type ReleaseState = 'building' | 'ready' | 'prepared' | 'live' | 'healthy' | 'failed' | 'rolled-back'

/** The states a release may move to from each state (staying is always allowed: a note or migrations change). */
const NEXT: Record<ReleaseState, ReleaseState[]> = {
  building: ['ready', 'failed'],
  ready: ['live', 'failed', 'prepared'],
  prepared: ['live', 'failed'],
  live: ['healthy', 'failed', 'rolled-back'],
  healthy: ['rolled-back', 'failed'],
  'rolled-back': [],
  failed: []
}

/** What a deploy's migrations did, recorded with the release. */
export interface MigrationRecord {
  /** Driver that ran them (e.g. laravel). */
  driver: string
  /** Batch number this deploy created, if any. */
  batch?: number
  /** Names of the migrations this deploy ran, in order. */
  ran: string[]
  /** Names stepped back later, and when. */
  stepped_back?: string[]
  stepped_back_at?: string
  /** A migration that failed part-way (its changes may be partly applied). */
  failed?: string
  /** What the failure means for the schema (e.g. partly applied on MySQL). */
  note?: string
  /** Migrations it ran that have no usable down() (check.policy: forward-only, read at plan time): never stepped back. */
  no_down?: string[]
}

/** A restore point: the database as it was just before a deploy migrated. */
export interface RestorePoint {
  engine: PointEngine
  /** The file on the host (the command provider may write none). */
  file: string
  /** Bytes on disk when taken (0 when no file was written). */
  size: number
  /** UTC time just before it was taken (ISO 8601): writes after it are not in the point. */
  at: string
  /** How long taking it took, milliseconds. */
  ms: number
  /** Rows per table in the point, where the engine counts them. */
  tables?: Record<string, number>
  /** When it was last restored, and by whom. */
  restored_at?: string
  restored_by?: string
}

/** One release in the host's history. */
export interface ReleaseRecord {
  id: string
  state: ReleaseState
  commit?: string
  created_at: string
  updated_at: string
  /** Who deployed it (user, or actor on CI). */
  by: string
  /** CI run id, if any. */
  run?: string
  /** Why it ended in its state (failed step, smoke check, rollback). */
  note?: string
  migrations?: MigrationRecord
  /** The restore point taken just before this release's migrations ran. */
  restore_point?: RestorePoint
}

/** The record moved to `state` (with the given changes); throws on a transition the lifecycle does not allow. */
export function advance(r: ReleaseRecord, state: ReleaseState, changes: Partial<Pick<ReleaseRecord, 'note' | 'migrations' | 'updated_at'>> = {}): ReleaseRecord {
  if (state !== r.state && !NEXT[r.state].includes(state)) throw new Error(`release ${r.id} cannot go from ${r.state} to ${state}`)
  return { ...r, ...changes, state }
}

/** Writes (or replaces) a release record atomically: the only writer of release records. */
export function writeRecord(l: Layout, record: ReleaseRecord): Command {
  return writeFile(recordFile(l, record.id), JSON.stringify(record))
}

/** Appends a line to the host's audit log. */
export function audit(l: Layout, line: string): Command {
  return appendLine(l.audit, line)
}

/** Reports every release record, the `current` target and the lock owner as data lines. */
export function readState(m: Markers, l: Layout): Command[] {
  return [
    // Shell builtins only (`read`, not `cat`): the one process this starts is `readlink`, where there is a current.
    sh`for f in ${l.records}/*.json; do [ -e "$f" ] || continue; IFS= read -r rec < "$f" || true; ${dataMark(m, 'record', raw('$rec'))}; done`,
    raw('live='),
    when(sh`[ -L ${l.current} ]`, [sh`live=$(readlink ${l.current})`, dataMark(m, 'current', raw('$live'))]),
    when(sh`[ -d ${l.lock} ]`, [readFirstLine('holder', `${l.lock}/owner.json`), dataMark(m, 'lock', raw('$holder'))]),
    sh`for f in ${l.journal}/*.log; do [ -e "$f" ] || continue; ${dataMark(m, 'journal', raw(`$(basename "$f" .log) $(grep -a -m1 -o 'data:before:.*' "$f" | cut -c13- | base64 -w0)`))}; done`
  ]
}

/** The history as read back: records in id order, the current release id, the lock owner text. */
export interface HostState {
  records: ReleaseRecord[]
  current?: string
  lock?: string
  /** The live release's manifest lines, when it has one (all, or only those of the directories whose digest differs). */
  manifest: string[]
  /** The live release's directory digests, when they were read (then `manifest` holds only the changed directories' lines). */
  dirs?: string[]
  /** Per release that left a migrate journal: the migration state (driver text) before its run. */
  journals?: Record<string, string>
}

/** Parses the data lines of {@link readState}. */
export function parseState(data: HostData): HostState {
  const records = (data.record ?? []).map((line) => JSON.parse(line) as ReleaseRecord).map((r) => ({ ...r, id: releaseIdFrom(r.id) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const target = data.current?.[0]
  const journals = Object.fromEntries((data.journal ?? []).map((line) => [releaseIdFrom(line.split(' ')[0]), Buffer.from(line.split(' ')[1] ?? '', 'base64').toString('utf8')]))
  return { records, current: target ? releaseIdFrom(target) : undefined, lock: data.lock?.[0], manifest: data.manifest ?? [], dirs: data.dir, journals }
}
