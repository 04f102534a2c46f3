/**
 * The one rollback brain: which release to go back to, which records change, and which releases are
 * rolled over. Manual rollbacks (one host or many), automatic ones and dry-runs all decide here, in
 * TypeScript, on the history read from the host; the host only executes what it is sent.
 */
import { advance, type HostState, type ReleaseRecord } from '../commands/history.js'
import { isReleaseId } from '../commands/layout.js'
import { InputError, UntouchedError } from '../errors.js'

/** What a rollback will do on one host. */
export interface RollbackPlan {
  /** The release to switch to; undefined means remove `current` (a first deploy undone). */
  target?: string
  /** The release live before the rollback. */
  from?: string
  /** The records to write: the release left behind, in its new state. */
  updates: ReleaseRecord[]
  /** Releases rolled over (newest first) whose migrations are still applied. */
  over: ReleaseRecord[]
}

/** A manual rollback: `to`, else the newest healthy release older than current. */
export interface ManualRequest {
  to?: string
  by: string
  stamp: string
}

/** An automatic rollback of a deploy that failed after its switch: back to the release live before it. */
export interface AutomaticRequest {
  automatic: true
  /** The release live before the deploy (undefined on a first deploy). */
  previous?: string
  note: string
  stamp: string
}

/** Picks the rollback target from one host's history, or explains why there is none. */
export function pickTarget(state: Pick<HostState, 'records' | 'current'>, to: string | undefined): ReleaseRecord {
  const current = state.current
  if (to !== undefined) {
    const found = state.records.find((r) => r.id === to)
    if (!found) throw new InputError(`release ${to} is not in the history. Fix: pick one of: ${state.records.map((r) => r.id).join(', ') || '(none)'} (slipway releases)`)
    if (found.id === current) throw new InputError(`release ${to} is already current`)
    if (found.state === 'failed') throw new InputError(`release ${to} is marked failed (${found.note ?? 'no note'}); rollback skips failed releases. Fix: choose a healthy release (slipway releases)`)
    return found
  }
  if (!current) throw new InputError('there is no current release to roll back from')
  const target = state.records.filter((r) => r.id < current && r.state === 'healthy').pop()
  if (!target) throw new InputError(`no healthy release older than ${current} to roll back to. Fix: deploy a fixed release instead`)
  return target
}

/** Plans a rollback on one host's history. */
export function planRollback(state: HostState, request: ManualRequest | AutomaticRequest): RollbackPlan {
  const left = state.records.find((r) => r.id === state.current)
  if ('automatic' in request) {
    const updates = left ? [advance(left, 'failed', { note: request.note, updated_at: request.stamp })] : []
    return { target: request.previous, from: state.current, updates, over: [] }
  }
  if (request.to !== undefined && !isReleaseId(request.to)) throw new InputError(`"${request.to}" is not a release id (UTC YYYYMMDDHHMMSS, optionally .NN). Fix: pick one from slipway releases`)
  const target = pickTarget(state, request.to).id
  const note = `rolled back to ${target} by ${request.by}`
  const updates = left ? [advance(left, left.state === 'failed' ? 'failed' : 'rolled-back', { note, updated_at: request.stamp })] : []
  const from = state.current
  const over = from ? rolledOver(state, target, from) : []
  return { target, from, updates, over }
}

/** The releases between the target and the one left, newest first, whose migrations are still applied. */
function rolledOver(state: HostState, target: string, from: string): ReleaseRecord[] {
  return state.records.filter((r) => r.id > target && r.id <= from && r.state !== 'failed' && r.migrations?.ran.length && !r.migrations.stepped_back?.length).reverse()
}

/** A rollback of several hosts: one target, and each host's plan (undefined where the host already serves it). */
export interface FleetRollback {
  target: string
  plans: Array<RollbackPlan | undefined>
}

/**
 * The target every host can go to, and the plan of each. With `to`: that release, on every host that does not
 * serve it yet. Without: the newest release healthy on every host that is no newer than any host's current and
 * older than the newest current — when the hosts agree, the release before theirs; when they disagree (a split
 * fleet), where the hosts behind already are, so those stay and only the others move. None: refused with the
 * per-host table ({@link UntouchedError}); a healthy host is never moved further back because another differs.
 */
export function planFleetRollback(states: HostState[], hosts: string[], request: ManualRequest): FleetRollback {
  if (request.to !== undefined && !isReleaseId(request.to)) throw new InputError(`"${request.to}" is not a release id (UTC YYYYMMDDHHMMSS, optionally .NN). Fix: pick one from slipway releases`)
  const target = request.to ?? commonTarget(states, hosts)
  if (states.every((st) => st.current === target)) throw new InputError(`release ${target} is already current${hosts.length > 1 ? ' on every host' : ''}`)
  const plans = states.map((st, i) => {
    if (st.current === target) return undefined
    try {
      return planRollback(st, { ...request, to: target })
    } catch (error) {
      throw hosts.length > 1 && error instanceof InputError ? new InputError(`${hosts[i]}: ${error.message}`) : error
    }
  })
  return { target, plans }
}

/** The newest release healthy on every host, at or below every current and below the newest; or a refusal. */
function commonTarget(states: HostState[], hosts: string[]): string {
  if (states.length === 1) return pickTarget(states[0], undefined).id
  const currents = states.map((st) => st.current)
  if (currents.some((c) => !c)) throw new UntouchedError(`${hosts[currents.indexOf(undefined)]} has no current release, so there is no release to go back to on every host. Nothing was changed.\n${fleetTable(states, hosts)}\nFix: leave it out (--exclude ${hosts[currents.indexOf(undefined)]}), or deploy a fixed release`)
  const sorted = (currents as string[]).slice().sort()
  const [low, high] = [sorted[0], sorted[sorted.length - 1]]
  const healthyEverywhere = states[0].records.filter((r) => r.state === 'healthy' && r.id <= low && r.id < high && states.every((st) => st.records.some((o) => o.id === r.id && o.state === 'healthy')))
  const target = healthyEverywhere.map((r) => r.id).sort().pop()
  if (!target) throw new UntouchedError(`no release to roll back to that every host has healthy (at or below each host's current). Nothing was changed.\n${fleetTable(states, hosts)}\nFix: roll back the hosts that share a release (--hosts or --exclude), or pick one with --to`)
  return target
}

/** Per host: its current release and its healthy ones (newest first), for a refusal. */
export function fleetTable(states: HostState[], hosts: string[]): string {
  const width = Math.max(...hosts.map((h) => h.length))
  return states.map((st, i) => {
    const healthy = st.records.filter((r) => r.state === 'healthy').map((r) => r.id).reverse()
    return `  ${hosts[i].padEnd(width)}  current ${st.current ?? '(none)'}  healthy: ${healthy.join(', ') || '(none)'}`
  }).join('\n')
}
