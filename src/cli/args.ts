/** The CLI's option checks: each refuses a bad value before anything is read or connected. */
import { isReleaseId } from '../deploy/id.js'
import type { TwoPhase } from '../deploy/phases.js'
import { InputError } from '../errors.js'
import { parseNames, type HostSelection } from '../spec/select.js'

/** Refuses a `--to` that is not a release id (or is given to another command). */
export function checkTo(command: string, to: string | undefined): void {
  if (to === undefined) return
  if (command !== 'rollback') throw new InputError('--to is only for rollback. Fix: remove it')
  if (!isReleaseId(to)) throw new InputError(`--to ${JSON.stringify(to)} is not a release id. Fix: give an id from slipway releases (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave --to out for the newest healthy release before current`)
}

/** `--lock-wait`: whole seconds, for deploy and rollback only. */
export function lockWaitOf(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (command !== 'deploy' && command !== 'rollback') throw new InputError('--lock-wait is only for deploy and rollback. Fix: remove it')
  if (!/^\d{1,5}$/.test(value) || Number(value) > 86400) throw new InputError(`--lock-wait ${JSON.stringify(value)} is not a number of seconds. Fix: give whole seconds from 0 to 86400, e.g. --lock-wait 600`)
  return Number(value)
}

const SELECTING = ['deploy', 'rollback', 'releases', 'unlock']

/** `--hosts a,b`, `--exclude c`, `--roles web`: for deploy, rollback, releases and unlock (names are checked against the spec later, still before connecting). */
export function selectionOf(command: string, v: { hosts?: string; exclude?: string; roles?: string }): HostSelection | undefined {
  const given = (['hosts', 'exclude', 'roles'] as const).filter((k) => v[k] !== undefined)
  if (!given.length) return undefined
  if (!SELECTING.includes(command)) throw new InputError(`--${given[0]} is only for ${SELECTING.join(', ')}. Fix: remove it`)
  const empty = given.find((k) => !parseNames(v[k]))
  if (empty) throw new InputError(`--${empty} needs a comma-separated list of names, e.g. --${empty} ${empty === 'roles' ? 'web' : 'h01,h02'}`)
  return { hosts: parseNames(v.hosts), exclude: parseNames(v.exclude), roles: parseNames(v.roles) }
}

/** `--only-failed`: for deploy only. */
export function checkOnlyFailed(command: string, value: boolean): void {
  if (value && command !== 'deploy') throw new InputError('--only-failed is only for deploy. Fix: remove it')
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
