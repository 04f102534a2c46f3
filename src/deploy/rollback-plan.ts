/**
 * The one rollback brain: which release to go back to, which records change, and which releases are
 * rolled over. Manual rollbacks (one host or many), automatic ones and dry-runs all decide here, in
 * TypeScript, on the history read from the host; the host only executes what it is sent.
 */
import { advance, type HostState, type ReleaseRecord } from '../commands/history.js'
import { isReleaseId } from '../commands/layout.js'
import { InputError } from '../errors.js'

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

/** Every host must go back to the same release: the plans agree, or this says where they do not. */
export function agreeOnTarget(plans: RollbackPlan[], hosts: string[], states: HostState[]): string | undefined {
  const target = plans[0].target
  states.forEach((st, i) => {
    if (target && !st.records.some((r) => r.id === target)) throw new InputError(`${hosts[i]}: release ${target} is not on this host`)
  })
  return target
}
