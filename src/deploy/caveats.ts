/** What a code rollback does not revert, said plainly, with the safe path for each. */
import { hookText } from '../spec/roles.js'
import type { Spec } from '../spec/types.js'

/** One line per thing a rollback leaves as it is. */
export function notReverted(spec: Spec): string[] {
  const out = [
    'the database: schema changes and data written by the newer release stay (use forward-compatible, expand→migrate→contract migrations; step back migrations explicitly if needed)'
  ]
  if (spec.shared.files.length) out.push(`shared files (${spec.shared.files.join(', ')}): edits made for the newer release stay`)
  if (spec.shared.dirs.length) out.push(`shared directories (${spec.shared.dirs.join(', ')}): uploads and files written there stay`)
  out.push('queued jobs serialized by the newer code may fail on the older code: restart workers (e.g. php artisan queue:restart) and watch failed jobs')
  out.push(`caches shared between releases (the application cache, Redis/Memcached, opcache) keep what the newer code wrote: clear them and reload PHP-FPM${spec.rollback_hooks.length ? ` — rollback_hooks ran: ${spec.rollback_hooks.map(hookText).join('; ')}` : ' (add rollback_hooks to do it automatically)'}`)
  return out
}
