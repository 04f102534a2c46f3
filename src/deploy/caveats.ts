/** What a code rollback does not revert, said plainly and, for a rollback that read the host, specifically. */
import type { ReleaseRecord } from '../commands/history.js'
import { hookText } from '../spec/roles.js'
import type { Spec } from '../spec/types.js'
import { formatAge } from './points.js'

/** What one rollback observed: the migrations left applied, the restore point that covers it, shared files' changes. */
export interface RollbackFacts {
  now: Date
  /** The release rolled back to. */
  target?: ReleaseRecord
  /** Migrations of the releases rolled over that stay applied, and those stepped back. */
  kept: string[]
  steppedBack: string[]
  /** The release whose restore point covers this rollback, or why none does. */
  point?: ReleaseRecord
  noPoint?: string
  /** True when this rollback restored that point. */
  restored?: boolean
  /** Per shared file: its last change (ISO), when the host reported it. */
  shared?: Array<{ file: string; changed: string }>
}

/** One line per thing a rollback leaves as it is; specific when `facts` (read on the host) are given. */
export function notReverted(spec: Spec, facts?: RollbackFacts): string[] {
  const out = [facts ? database(facts) : 'the database: schema changes and data written by the newer release stay (use forward-compatible, expand→migrate→contract migrations; step back migrations explicitly if needed)']
  if (spec.shared.files.length) out.push(facts?.shared ? sharedFiles(spec, facts) : `shared files (${spec.shared.files.join(', ')}): edits made for the newer release stay`)
  if (spec.shared.dirs.length) out.push(`shared directories (${spec.shared.dirs.join(', ')}): uploads and files written there stay`)
  out.push('queued jobs serialized by the newer code may fail on the older code: restart workers (e.g. php artisan queue:restart) and watch failed jobs')
  out.push(`caches shared between releases (the application cache, Redis/Memcached, opcache) keep what the newer code wrote: clear them and reload PHP-FPM${spec.rollback_hooks.length ? ` — rollback_hooks ran: ${spec.rollback_hooks.map(hookText).join('; ')}` : ' (add rollback_hooks to do it automatically)'}`)
  return out
}

function database(f: RollbackFacts): string {
  const p = f.point?.restore_point
  if (f.restored && p) return `the database: restored to the point taken before ${f.point!.id} (${p.at}); what was written since is gone (counted above)`
  const migrations = f.kept.length
    ? `migrations that stay applied: ${f.kept.join(', ')} (--db stepback steps them back)`
    : f.steppedBack.length ? `migrations stepped back: ${f.steppedBack.join(', ')}; data written by the newer release stays` : 'no migration of the releases rolled over is still applied; data written by the newer release stays'
  const point = p
    ? `a restore point taken before ${f.point!.id} exists (${p.at}, ${formatAge(p.at, f.now)} old, ${p.engine}): slipway db restore ${f.point!.id} returns the database to it, losing every write since`
    : `no restore point covers this rollback${f.noPoint ? ` (${f.noPoint})` : ''}`
  return `the database: ${migrations}; ${point}`
}

function sharedFiles(spec: Spec, f: RollbackFacts): string {
  const since = f.target?.created_at
  const changed = since ? f.shared!.filter((s) => s.changed > since) : []
  if (!since) return `shared files (${spec.shared.files.join(', ')}): edits made for the newer release stay`
  if (!changed.length) return `shared files (${spec.shared.files.join(', ')}): none changed since ${f.target!.id} was deployed (${since})`
  return `shared files changed since ${f.target!.id} was deployed (${since}) stay as they are: ${changed.map((s) => `${s.file} (changed ${s.changed})`).join(', ')}`
}
