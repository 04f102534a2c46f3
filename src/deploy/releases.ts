/** Reading the release history, and breaking a stale lock; both repair what an interrupted run left. */
import { parseState, readState, type HostState, type ReleaseRecord } from '../commands/history.js'
import { ALIVE, breakLock } from '../commands/lock.js'
import { InputError } from '../errors.js'
import { describeHolder, onEach, operation, type Operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector, type Session } from './session.js'
import { settleInterrupted, type Settled } from './settle.js'

/** One release as listed: its record and whether it is current. */
export interface ReleaseRow extends ReleaseRecord {
  current: boolean
}

/** The history of every host, newest first; with `repair`, what an interrupted run left and what became of it. */
export interface ReleaseListing {
  hosts: Array<{ host: string; releases: ReleaseRow[]; lock?: string }>
  /** What was repaired (releases left building by a run that stopped), or why it was left alone. */
  repair?: Settled
}

/**
 * Lists the releases on every host (one read-only round trip per host; no lock taken). With `repair`, a release
 * an interrupted run left is repaired first when no live run holds the lock (see {@link settleInterrupted}).
 */
export async function listReleases(options: OperationOptions & { repair?: boolean }): Promise<ReleaseListing> {
  const op = operation(options)
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  try {
    let states = await readStates(op, sessions)
    const repair = options.repair ? await settleInterrupted(op, sessions, states) : {}
    if (repair.repaired) states = await readStates(op, sessions)
    const hosts = states.map((state, i) => {
      const releases = state.records.map((r) => ({ ...r, current: r.id === state.current })).reverse()
      return { host: sessions[i].host.name, releases, lock: state.lock ? describeHolder(state.lock) : undefined }
    })
    return { hosts, ...(repair.repaired || repair.left ? { repair } : {}) }
  } finally {
    await closeSessions(sessions)
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

/** Every host's history, read without the lock. */
function readStates(op: Operation, sessions: Session[]): Promise<HostState[]> {
  return onEach(sessions, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data))
}
