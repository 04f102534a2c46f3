/** Pure planning: the exact commands each phase of a deploy sends to one host. */
import { audit, readState, writeRecord, type ReleaseRecord } from '../commands/history.js'
import { type Layout, releaseDir } from '../commands/layout.js'
import { acquire, release, type LockOwner } from '../commands/lock.js'
import { checkSharedFiles, copyFromPrevious, hooks, linkShared, makeWritable, unpack } from '../commands/release.js'
import { cmd, type Command } from '../commands/shell.js'
import { activate } from '../commands/switch.js'
import { completeUpload, readLiveManifest } from '../commands/delta.js'
import { stepMark, type Markers } from '../remote/script.js'
import type { HostSpec, Spec } from '../spec/types.js'

/** What a host's phases need to know. */
export interface HostPlan {
  spec: Spec
  host: HostSpec
  layout: Layout
  markers: Markers
  id: string
  owner: LockOwner
  /** The live release before this deploy, if any. */
  previous?: string
  /** Set when the upload is a delta against the live release's manifest. */
  delta?: boolean
  record: ReleaseRecord
}

/** Phase 1: take the lock and read the history. */
export function beginPhase(m: Markers, l: Layout, owner: LockOwner): Command[] {
  return [...acquire(m, l, owner), ...readState(m, l), readLiveManifest(m.marker, l)]
}

/** Phase 2: unpack the upload (stdin), link shared items, seed caches, run the build; the record goes building → ready. */
export function preparePhase(p: HostPlan): Command[] {
  const { spec, layout: l, markers: m, id } = p
  const at = (state: ReleaseRecord['state']) => writeRecord(l, { ...p.record, state })
  return [
    stepMark(m, 'upload'),
    at('building'),
    unpack(l, id),
    'exec </dev/null',
    ...completeUpload(l, id, p.delta ? p.previous : undefined),
    stepMark(m, 'shared files'),
    ...checkSharedFiles(l, spec.shared.files, `ssh${p.host.port === 22 ? '' : ` -p ${p.host.port}`} ${p.host.user}@${p.host.host}`),
    ...linkShared(l, id, spec.shared),
    ...makeWritable(l, id, spec.writable),
    ...copyFromPrevious(l, id, p.previous, spec.copy_from_previous),
    ...hooks(m, 'build', releaseDir(l, id), spec.build),
    at('ready')
  ]
}

/** Phase 3: the atomic switch, then the activate hooks; the record goes live. */
export function switchPhase(p: HostPlan): Command[] {
  const { spec, layout: l, markers: m, id } = p
  return [stepMark(m, 'switch'), activate(l, id), writeRecord(l, { ...p.record, state: 'live' }), ...hooks(m, 'activate', releaseDir(l, id), spec.activate)]
}

/** Phase 4: mark healthy, prune old releases, audit, unlock. */
export function finishPhase(p: HostPlan, expired: Command[], auditLine: string, state: ReleaseRecord['state'] = 'healthy'): Command[] {
  return [writeRecord(p.layout, { ...p.record, state }), ...expired, audit(p.layout, auditLine), release(p.layout, p.owner)]
}

/** On failure before the switch: mark the release failed, audit, unlock. `current` is not touched. */
export function failPhase(p: HostPlan, note: string, auditLine: string): Command[] {
  return [writeRecord(p.layout, { ...p.record, state: 'failed', note }), audit(p.layout, auditLine), release(p.layout, p.owner)]
}

/**
 * Switches `current` back to `target` (or removes it when there was no live release; not at all
 * with `switchBack` false, for a deploy that failed before its switch), records
 * the new states, steps back migrations (commands that write their own records), audits, runs the rollback hooks in the restored release, and unlocks.
 */
export function restorePhase(m: Markers, l: Layout, spec: Spec, target: string | undefined, updates: ReleaseRecord[], auditLine: string, owner: LockOwner, stepBack: Command[] = [], switchBack = true): Command[] {
  return [
    ...(switchBack ? [stepMark(m, 'switch back'), target ? activate(l, target) : cmd('rm', '-f', l.current)] : []),
    ...updates.map((r) => writeRecord(l, r)),
    ...stepBack,
    audit(l, auditLine),
    ...(switchBack && target ? hooks(m, 'rollback hook', releaseDir(l, target), spec.rollback_hooks) : []),
    release(l, owner)
  ]
}
