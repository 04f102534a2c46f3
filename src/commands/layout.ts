/** Where things live under the deploy root on a host. */
import { posix } from 'node:path'

/** Paths under one deploy root. */
export interface Layout {
  root: string
  releases: string
  shared: string
  current: string
  meta: string
  records: string
  lock: string
  audit: string
  /** What an operation in flight leaves for the next one, should it stop: `<release>.log` of a migrate run. */
  journal: string
  /** `<release>` while the host's watchdog waits for the run to confirm that release. */
  watchdog: string
  /** Host jobs (`<name>.sh`, `.log`, `.status`): what the host finishes on its own, detached from the session. */
  jobs: string
  /** Restore points: `<release>.<ext>`, one per deploy that migrated (db.path). */
  points: string
  /** Pruned release directories, renamed here and deleted by a detached process. */
  trash: string
}

/** The layout for a deploy root: releases/, shared/, current, .slipway/{releases,lock,audit.log}; `points` (db.path) relative to it or absolute. */
export function layout(root: string, points = '.slipway/points'): Layout {
  const r = root.replace(/\/+$/, '') || '/'
  const meta = posix.join(r, '.slipway')
  return {
    root: r,
    releases: posix.join(r, 'releases'),
    shared: posix.join(r, 'shared'),
    current: posix.join(r, 'current'),
    meta,
    records: posix.join(meta, 'releases'),
    lock: posix.join(meta, 'lock'),
    audit: posix.join(meta, 'audit.log'),
    journal: posix.join(meta, 'journal'),
    watchdog: posix.join(meta, 'watchdog'),
    jobs: posix.join(meta, 'jobs'),
    trash: posix.join(meta, 'trash'),
    points: posix.resolve(r, points)
  }
}

/** The directory of one release. */
export function releaseDir(l: Layout, id: string): string {
  return posix.join(l.releases, id)
}

/** The migrate journal of one release: the migrate run's output, whose `before` line says what was applied before it. */
export function journalFile(l: Layout, id: string): string {
  return posix.join(l.journal, `${id}.log`)
}

/** The restore point files a release may have, one per engine (the engine picks one when it takes the point). */
export const POINT_EXTENSIONS = { sqlite: 'sqlite', pgsql: 'pgdump', mysql: 'sql', command: 'point' } as const

/** A restore point's engine. */
export type PointEngine = keyof typeof POINT_EXTENSIONS

/** The restore point of one release without its extension (the built-in provider adds the engine's). */
export function pointBase(l: Layout, id: string): string {
  return posix.join(l.points, id)
}

/** The restore point file of one release for an engine. */
export function pointFile(l: Layout, id: string, engine: PointEngine): string {
  return `${pointBase(l, id)}.${POINT_EXTENSIONS[engine]}`
}

/** The history record file of one release. */
export function recordFile(l: Layout, id: string): string {
  return posix.join(l.records, `${id}.json`)
}

/** A release id: UTC YYYYMMDDHHMMSS, with a .NN suffix when that second was taken. Anything else never names a release directory. */
export function isReleaseId(value: string): boolean {
  return /^\d{14}(\.\d{2,4})?$/.test(value)
}
