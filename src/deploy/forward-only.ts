/**
 * The deploy side of `check.policy: forward-only`: before anything runs, which of the release's new Laravel
 * migrations have no down() (or an empty one), read by the migration check itself (one brain). Their schema
 * cannot be stepped back; the deploy says so at plan time and records it, and every step-back refuses them.
 */
import { basename } from 'node:path'
import type { Spec } from '../spec/types.js'
import { manifestPaths, usableManifest } from './manifest.js'
import type { SourceEntry } from './source.js'

const MIGRATION = /^database\/migrations\/[^/]+\.php$/

/** The source's Laravel migration files that the live release does not have (all of them when its file list is unknown). */
export function newMigrations(entries: SourceEntry[], live: string[]): string[] {
  const known = usableManifest(live) ? manifestPaths(live) : new Set<string>()
  return entries.filter((e) => e.type === 'file' && MIGRATION.test(e.path) && !known.has(e.path)).map((e) => e.path).sort()
}

/** Whether this deploy reads its migrations for a missing down(): `check.policy: forward-only` with the Laravel driver. */
export function forwardOnly(spec: Spec): boolean {
  return spec.check?.policy === 'forward-only' && spec.migrate?.preset === 'laravel'
}

/** The migrations (names, as Laravel records them) among `files` whose down() is missing or empty, with which. */
export async function withoutDown(dir: string, files: string[]): Promise<Array<{ name: string; why: string }>> {
  if (!files.length) return []
  const { checkMigrations } = await import('../check/index.js')
  const r = await checkMigrations({ cwd: dir, paths: files, config: { policy: 'forward-only' } })
  const found = [...r.findings, ...r.suppressed].filter((f) => f.ruleId === 'missing-down' || f.ruleId === 'empty-down')
  return found.map((f) => ({ name: basename(f.file, '.php'), why: f.ruleId === 'missing-down' ? 'no down()' : 'an empty down()' }))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** The plan-time line: what cannot be stepped back, said before anything is migrated. */
export function forwardOnlyLine(found: Array<{ name: string; why: string }>, knownLive: boolean): string {
  const which = knownLive ? 'new migrations of this release' : 'migrations of this release (no file list of a live release to compare with)'
  return `check.policy: forward-only: ${which} without a usable down(): ${found.map((f) => `${f.name} (${f.why})`).join(', ')}; ` +
    'step-back is impossible for this release: if it is rolled back, the code goes back and these schema changes stay'
}
