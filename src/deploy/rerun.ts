/**
 * `deploy --only-failed`: rerun the last release on the hosts that did not reach it, with the same release id.
 * Decided in TypeScript on the hosts' histories (read without the lock, before the deploy takes it).
 */
import { parseState, readState, type HostState } from '../commands/history.js'
import { InputError, SlipwayError } from '../errors.js'
import type { Spec } from '../spec/types.js'
import { onEach, operation, type OperationOptions } from './run.js'
import { closeSessions, openSessions, runPhase, sshConnector } from './session.js'
import { gitCommit } from './source.js'

/** What to rerun: the release, and the hosts (by name) that do not serve it. */
export interface Rerun {
  release: string
  hosts: string[]
}

/**
 * The last release is the newest one that some host serves and has marked healthy; it is rerun on every host that
 * does not serve it. Refused (nothing touched) when no host serves a healthy release, when every host serves it,
 * when a host serves a newer release, or when the source is not the commit it was built from (`commit`, the source's
 * own; a release with no recorded commit cannot be told apart from another, so it is refused too).
 */
export function planRerun(states: HostState[], hosts: string[], commit: string | undefined): Rerun {
  const healthy = states.flatMap((st) => st.records.filter((r) => r.id === st.current && r.state === 'healthy'))
  const last = healthy.sort((a, b) => a.id.localeCompare(b.id)).pop()
  if (!last) throw new InputError('--only-failed: no host serves a healthy release, so there is no last release to rerun. Fix: deploy without --only-failed')
  const newer = states.findIndex((st) => st.current !== undefined && st.current > last.id)
  if (newer >= 0) throw new InputError(`--only-failed: ${hosts[newer]} serves ${states[newer].current}, newer than the last healthy release ${last.id}; a rerun would take it back. Fix: check it with slipway releases, then deploy without --only-failed`)
  const behind = hosts.filter((_, i) => states[i].current !== last.id)
  if (!behind.length) throw new InputError(`--only-failed: every host already serves ${last.id}; nothing to rerun`)
  if (!last.commit) throw new InputError(`--only-failed: release ${last.id} has no recorded commit (its source was not a git checkout), so this source cannot be shown to be the one it was built from. Fix: deploy without --only-failed`)
  if (last.commit !== commit) throw new InputError(`--only-failed: release ${last.id} was built from commit ${last.commit.slice(0, 12)}, the source is at ${commit?.slice(0, 12) ?? '(no commit)'}; a rerun must send the same source. Fix: check out ${last.commit.slice(0, 12)}, or deploy a new release without --only-failed`)
  return { release: last.id, hosts: behind }
}

/**
 * Under the lock, again: a rerun must not build over the release a host serves (another run may have deployed it
 * since the histories were read); throws naming the host.
 */
export function checkRerun(states: Array<Pick<HostState, 'current'>>, hosts: string[], id: string): void {
  const live = states.findIndex((st) => st.current === id)
  if (live >= 0) throw new SlipwayError(`--only-failed: ${hosts[live]} serves ${id} now (it changed since the histories were read); nothing was changed there. Fix: check with slipway releases`)
}

/** Reads every (selected) host's history and decides the rerun; returns the spec narrowed to those hosts and the release id. */
export async function findRerun(options: OperationOptions): Promise<{ spec: Spec; release: string }> {
  const op = operation(options)
  const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter)
  let states: HostState[]
  try {
    states = await onEach(sessions, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data))
  } finally {
    await closeSessions(sessions)
  }
  const rerun = planRerun(states, sessions.map((s) => s.host.name), await gitCommit(op.spec.source.dir))
  op.reporter.info(`--only-failed: rerunning release ${rerun.release} on ${rerun.hosts.join(', ')} (the other hosts serve it)`)
  return { spec: { ...op.spec, hosts: op.spec.hosts.filter((h) => rerun.hosts.includes(h.name)) }, release: rerun.release }
}
