/** keep_releases: which releases to delete, chosen from the history (pure), and the command. */
import type { ReleaseRecord } from './history.js'
import { type Layout, POINT_EXTENSIONS, pointFile, type PointEngine, recordFile, releaseDir } from './layout.js'
import { dirsFile, manifestFile } from './delta.js'
import { posix } from 'node:path'
import { cmd, mkdirs, raw, sh, type Command } from './shell.js'

/** Whether a release counts toward keep_releases: one that went live and passed (a rollback target). */
export const countsTowardKeep = (r: ReleaseRecord): boolean => r.state === 'healthy'

/**
 * The releases keep_releases removes (newest id first). Healthy releases are kept first, newest first; failed,
 * rolled-back and unfinished ones only fill the slots that are left, so they are pruned first and never push
 * out a healthy one. `current` and the newest healthy release other than it (the rollback target of last
 * resort) are never removed.
 */
export function pickExpired(records: ReleaseRecord[], keep: number, current: string | undefined): string[] {
  const newest = [...records].sort((a, b) => (a.id < b.id ? 1 : -1))
  const ranked = [...newest.filter(countsTowardKeep), ...newest.filter((r) => !countsTowardKeep(r))]
  const lastHealthy = newest.find((r) => countsTowardKeep(r) && r.id !== current)?.id
  return ranked.slice(keep).map((r) => r.id).filter((id) => id !== current && id !== lastHealthy).sort((a, b) => (a < b ? 1 : -1))
}

/**
 * Deletes releases: their records, manifests and restore points at once; each directory is renamed into the trash
 * (atomic: no release is ever seen half deleted) and the trash is emptied by a detached process, so the run does not
 * wait for the unlinks of thousands of files. `token` (the run's) keeps two runs' trash apart.
 */
export function removeReleases(l: Layout, ids: string[], token: string): Command[] {
  if (!ids.length) return []
  const points = (id: string) => (Object.keys(POINT_EXTENSIONS) as PointEngine[]).map((e) => pointFile(l, id, e))
  const tag = token.replace(/[^A-Za-z0-9]/g, '') || 'run'
  return [
    cmd('rm', '-f', '--', ...ids.flatMap((id) => [recordFile(l, id), manifestFile(l, id), dirsFile(l, id), ...points(id)])),
    mkdirs(l.trash),
    ...ids.map((id) => sh`[ ! -e ${releaseDir(l, id)} ] || ${cmd('mv', '-T', '--', releaseDir(l, id), posix.join(l.trash, `${id}.${tag}`))}`),
    sh`setsid rm -rf -- ${l.trash}/${raw('*')} </dev/null >/dev/null 2>&1 &`
  ]
}
