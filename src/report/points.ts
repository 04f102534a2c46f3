/** The restore points table (`slipway db points`). */
import type { PointRow } from '../deploy/db.js'
import { formatSize } from '../deploy/points.js'
import { textTable } from './table.js'

/** One row per restore point: the release it was taken before, engine, size, time taken, when, file. */
export function pointRows(points: PointRow[]): string[][] {
  return points.map((p) => [p.current ? '*' : '', p.release, p.state, p.engine, p.at.replace('T', ' '), p.onHost === undefined ? (p.engine === 'command' ? 'no file' : 'MISSING') : formatSize(p.onHost), `${(p.ms / 1000).toFixed(1)} s`, p.restored_at ? `restored ${p.restored_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : '', p.file])
}

/** Column names for {@link pointRows}. */
export const pointHeader = ['cur', 'taken before', 'state', 'engine', 'taken at (UTC)', 'size', 'took', 'restored', 'file']

/** The restore points of the migrating host, for a terminal. */
export function formatPoints(listing: { host: string; points: PointRow[] }): string {
  return `${listing.host}\n${listing.points.length ? textTable(pointHeader, pointRows(listing.points)) : '(no restore points)'}`
}
