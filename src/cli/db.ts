/** `slipway db points | restore <release>`: arguments checked before anything connects, then the library. */
import { listPoints, restoreDatabase } from '../deploy/db.js'
import { isReleaseId } from '../deploy/id.js'
import { InputError } from '../errors.js'
import type { Reporter } from '../reporter.js'
import { formatPoints } from '../report/points.js'
import type { Spec } from '../spec/types.js'
import type { Cancel } from '../deploy/signals.js'

/** `db points` (a table, or JSON) or `db restore <release>`. */
export async function dbCommand([sub, release]: string[], spec: Spec, json: boolean, reporter: Reporter, io: { out(s: string): void; cancel?: () => Cancel }): Promise<number> {
  if (sub === 'points') {
    const listing = await listPoints({ spec })
    io.out(json ? JSON.stringify(listing, null, 2) : formatPoints(listing))
    return 0
  }
  await restoreDatabase({ spec, reporter, release, force: io.cancel?.()?.force })
  return 0
}

/** `db points` or `db restore <release id>`, checked before anything is read or connected. */
export function checkDb(command: string, positionals: string[]): string[] {
  if (command !== 'db') return positionals
  const [sub, id, ...more] = positionals
  if (sub === 'points' && id === undefined) return positionals
  if (sub === 'restore' && id !== undefined && !more.length) {
    if (!isReleaseId(id)) throw new InputError(`db restore ${JSON.stringify(id)}: not a release id. Fix: give an id from slipway db points`)
    return positionals
  }
  throw new InputError('usage: slipway db points [--json] | slipway db restore <release>. Fix: give one of them (slipway help)')
}
