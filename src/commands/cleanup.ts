/** keep_releases: which releases to delete, chosen from the history (pure), and the command. */
import type { ReleaseRecord } from './history.js'
import { type Layout, recordFile, releaseDir } from './layout.js'
import { manifestFile } from './delta.js'
import { cmd, type Command } from './shell.js'

/**
 * The releases beyond the newest `keep`, by history order, never `current` and never the
 * newest healthy release (the rollback target of last resort).
 */
export function pickExpired(records: ReleaseRecord[], keep: number, current: string | undefined): string[] {
  const ordered = [...records].sort((a, b) => (a.id < b.id ? 1 : -1))
  const lastHealthy = ordered.find((r) => r.state === 'healthy' && r.id !== current)?.id
  return ordered.slice(keep).map((r) => r.id).filter((id) => id !== current && id !== lastHealthy)
}

/** Deletes releases and their records. */
export function removeReleases(l: Layout, ids: string[]): Command[] {
  return ids.map((id) => cmd('rm', '-rf', releaseDir(l, id), recordFile(l, id), manifestFile(l, id)))
}
