/** Reading the release history, and breaking a stale lock. */
import { parseState, readState, type ReleaseRecord } from '../commands/history.js'
import { ALIVE, breakLock } from '../commands/lock.js'
import { InputError } from '../errors.js'
import { describeHolder, onEach, operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector } from './session.js'

/** One release as listed: its record and whether it is current. */
export interface ReleaseRow extends ReleaseRecord {
  current: boolean
}

/** The history of every host, newest first. */
export interface ReleaseListing {
  hosts: Array<{ host: string; releases: ReleaseRow[]; lock?: string }>
}

/** Lists the releases on every host (one read-only round trip per host; no lock taken). */
export async function listReleases(options: OperationOptions): Promise<ReleaseListing> {
  const op = operation(options)
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  try {
    const hosts = await onEach(sessions, async (s) => {
      const state = parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data)
      const releases = state.records.map((r) => ({ ...r, current: r.id === state.current })).reverse()
      return { host: s.host.name, releases, lock: state.lock ? describeHolder(state.lock) : undefined }
    })
    return { hosts }
  } finally {
    await closeSessions(sessions)
  }
}

/**
 * Breaks the deploy lock on every host; returns who held it and how long ago it last showed life, per host
 * (undefined where none). A holder that is alive is left alone (an {@link InputError}) unless `evenIfAlive`.
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
    return Object.fromEntries(sessions.map((s, i) => [s.host.name, held[i]]))
  } finally {
    await closeSessions(sessions)
  }
}
