/** Reading the release history, and breaking a stale lock; both repair what an interrupted run left. */
import { parseState, readState, type HostState, type ReleaseRecord } from '../commands/history.js'
import { ALIVE, breakLock } from '../commands/lock.js'
import { InputError } from '../errors.js'
import { describeHolder, onEach, operation, type Operation, type OperationOptions } from './run.js'
import { disagreement } from './agree.js'
import { settleLimited } from './limit.js'
import { causeOf, closeSessions, openReachable, openSessions, runPhase, sshConnector, type Session, type Unreachable } from './session.js'
import { settleInterrupted, type Settled } from './settle.js'

/** One release as listed: its record and whether it is current. */
export interface ReleaseRow extends ReleaseRecord {
  current: boolean
}

/** One host's history, newest first; or, for a host that could not be reached or read, the cause. */
export interface HostListing {
  host: string
  releases: ReleaseRow[]
  lock?: string
  /** Why this host is not listed (connection refused, lost, …); its releases are then empty. */
  unreachable?: string
}

/** The history of every host, newest first; with `repair`, what an interrupted run left and what became of it. */
export interface ReleaseListing {
  hosts: HostListing[]
  /** Set when the hosts read serve different releases: each host's current (`none` where none). */
  disagree?: Record<string, string>
  /** What was repaired (releases left building by a run that stopped), or why it was left alone. */
  repair?: Settled
}

/**
 * Lists the releases on every host (one read-only round trip per host; no lock taken). A host that cannot be reached
 * or read is listed with the cause (`unreachable`) and the others still are; hosts that serve different releases
 * are flagged (`disagree`). With `repair`, a release an interrupted run left is repaired first when no live run
 * holds the lock (see {@link settleInterrupted}).
 */
export async function listReleases(options: OperationOptions & { repair?: boolean }): Promise<ReleaseListing> {
  const op = operation(options)
  const { sessions: reached, unreachable } = await openReachable(op.spec, options.connect ?? sshConnector, op.reporter)
  try {
    let read = await readReachable(op, reached)
    const sessions = read.sessions
    const repair = options.repair ? await settleInterrupted(op, sessions, read.states) : {}
    if (repair.repaired) read = await readReachable(op, sessions)
    const lost = new Map([...unreachable, ...read.unreachable].map((u) => [u.host, u.cause]))
    const listed = new Map(read.states.map((state, i) => [read.sessions[i].host.name, state]))
    const hosts = op.spec.hosts.map((h): HostListing => {
      const state = listed.get(h.name)
      if (!state) return { host: h.name, releases: [], unreachable: lost.get(h.name) ?? 'not read' }
      const releases = state.records.map((r) => ({ ...r, current: r.id === state.current })).reverse()
      return { host: h.name, releases, lock: state.lock ? describeHolder(state.lock) : undefined }
    })
    const disagree = disagreement(read.states.map((st, i) => ({ host: read.sessions[i].host.name, current: st.current })))
    return { hosts, ...(disagree ? { disagree } : {}), ...(repair.repaired || repair.left ? { repair } : {}) }
  } finally {
    await closeSessions(reached)
  }
}

/**
 * Breaks the deploy lock on every host; returns who held it and how long ago it last showed life, per host
 * (undefined where none). A holder that is alive is left alone (an {@link InputError}) unless `evenIfAlive`.
 * Then repairs what an interrupted run left (reported as `repaired what an interrupted run left: …`).
 */
export async function unlock(options: OperationOptions & { evenIfAlive?: boolean }): Promise<Record<string, string | undefined>> {
  const op = operation(options)
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  try {
    const held = await onEach(sessions, async (s) => {
      const r = await runPhase(s, op.spec, op.reporter, 'unlock', breakLock(s, s.layout, options.evenIfAlive), { okCodes: [ALIVE] })
      const holder = r.data.holder?.[0]
      const seen = `last sign of life ${r.data.age?.[0] ?? '?'} s ago`
      if (r.code === ALIVE) throw new InputError(`${s.host.name}: the lock is held by a live run: ${describeHolder(holder ?? '')} (${seen}). Breaking it would let two deploys run at once. Fix: wait for it to finish; if you know it is dead, run slipway unlock --force`)
      return holder ? `${describeHolder(holder)} (${seen})` : undefined
    })
    // The lock is free now: what the run that held it left half-done is repaired (and said) before returning.
    await settleInterrupted(op, sessions, await readStates(op, sessions))
    return Object.fromEntries(sessions.map((s, i) => [s.host.name, held[i]]))
  } finally {
    await closeSessions(sessions)
  }
}

/** The histories of the hosts that answer (read without the lock), and the causes where one did not. */
async function readReachable(op: Operation, sessions: Session[]): Promise<{ sessions: Session[]; states: HostState[]; unreachable: Unreachable[] }> {
  const results = await settleLimited(sessions, op.spec.max_connections ?? sessions.length, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data))
  const ok = sessions.flatMap((s, i) => (results[i].status === 'fulfilled' ? [{ s, state: (results[i] as PromiseFulfilledResult<HostState>).value }] : []))
  const unreachable = sessions.flatMap((s, i) => (results[i].status === 'rejected' ? [{ host: s.host.name, cause: causeOf(s.host.name, (results[i] as PromiseRejectedResult).reason) }] : []))
  for (const u of unreachable) op.reporter.warn(`${u.host}: could not read its history, left out: ${u.cause}`)
  return { sessions: ok.map((o) => o.s), states: ok.map((o) => o.state), unreachable }
}

/** Every host's history, read without the lock. */
function readStates(op: Operation, sessions: Session[]): Promise<HostState[]> {
  return onEach(sessions, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data))
}
