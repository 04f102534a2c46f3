/** Checks of the CLI's flags that need no spec: refused before anything is read or connected. */
import { isReleaseId } from '../deploy/id.js'
import type { TwoPhase } from '../deploy/phases.js'
import { InputError } from '../errors.js'

/** Refuses a `--to` that is not a release id (or is given to another command) before anything is read or connected. */
export function checkTo(command: string, to: string | undefined): void {
  if (to === undefined) return
  if (command !== 'rollback') throw new InputError('--to is only for rollback. Fix: remove it')
  if (!isReleaseId(to)) throw new InputError(`--to ${JSON.stringify(to)} is not a release id. Fix: give an id from slipway releases (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave --to out for the newest healthy release before current`)
}

/** `--lock-wait`: whole seconds, for deploy and rollback only; refused before anything is read or connected. */
export function lockWaitOf(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (command !== 'deploy' && command !== 'rollback') throw new InputError('--lock-wait is only for deploy and rollback. Fix: remove it')
  if (!/^\d{1,5}$/.test(value) || Number(value) > 86400) throw new InputError(`--lock-wait ${JSON.stringify(value)} is not a number of seconds. Fix: give whole seconds from 0 to 86400, e.g. --lock-wait 600`)
  return Number(value)
}

/** --strategy (checked by the deploy, which knows the kinds) and the two-phase flags: for deploy only. */
export async function deployArgs(command: string, v: { strategy?: string; phase?: string; release?: string; shard?: string }): Promise<TwoPhase | undefined> {
  const given = (['strategy', 'phase', 'release', 'shard'] as const).find((k) => v[k] !== undefined)
  if (command !== 'deploy') {
    if (given) throw new InputError(`--${given} is only for deploy. Fix: remove it`)
    return undefined
  }
  return (await import('../deploy/phases.js')).twoPhase(v.phase, v.release, v.shard)
}
