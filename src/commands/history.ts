/** Release history on the host: one JSON record per release, plus an audit log. */
import { type Layout, recordFile } from './layout.js'
import { appendLine, cmd, writeFile, type Command } from './shell.js'
import { dataMark, type Markers } from '../remote/script.js'

/** Where a release is in its life. */
export type ReleaseState = 'building' | 'ready' | 'live' | 'healthy' | 'failed' | 'rolled-back'

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
}

/** Writes (or replaces) a release record atomically. */
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
    `for f in ${cmd(l.records)}/*.json; do [ -e "$f" ] || continue; ${dataMark(m, 'record', '$(cat "$f")')}; done`,
    `if [ -L ${cmd(l.current)} ]; then ${dataMark(m, 'current', `$(readlink ${cmd(l.current)})`)}; fi`,
    `if [ -d ${cmd(l.lock)} ]; then ${dataMark(m, 'lock', `$(cat ${cmd(l.lock)}/owner.json 2>/dev/null || true)`)}; fi`
  ]
}

/** The history as read back: records in id order, the current release id, the lock owner text. */
export interface HostState {
  records: ReleaseRecord[]
  current?: string
  lock?: string
  /** The live release's manifest lines, when it has one. */
  manifest: string[]
}

/** Parses the data lines of {@link readState}. */
export function parseState(data: Record<string, string[]>): HostState {
  const records = (data.record ?? []).map((line) => JSON.parse(line) as ReleaseRecord).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const target = data.current?.[0]
  return { records, current: target ? target.replace(/\/+$/, '').split('/').pop() : undefined, lock: data.lock?.[0], manifest: data.manifest ?? [] }
}
