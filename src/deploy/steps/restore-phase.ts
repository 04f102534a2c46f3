/** The host side of any rollback, automatic or manual: switch back, records, step-back, audit, hooks, unlock. */
import { audit, writeRecord, type ReleaseRecord } from '../../commands/history.js'
import { type Layout, releaseDir } from '../../commands/layout.js'
import { release, type LockOwner } from '../../commands/lock.js'
import { stepMark, type Markers } from '../../commands/protocol.js'
import { hooks } from '../../commands/release.js'
import { cmd, type Command } from '../../commands/shell.js'
import { activate } from '../../commands/switch.js'
import { hooksFor } from '../../spec/roles.js'
import type { Spec } from '../../spec/types.js'

/** `current` to `target` (atomic), or removed when there was no live release before. */
export function switchTo(l: Layout, target: string | undefined): Command {
  return target ? activate(l, target) : cmd('rm', '-f', l.current)
}

/**
 * Switches `current` back to `target` (or removes it when there was no live release; not at all
 * with `switchBack` false, for a deploy that failed before its switch), records
 * the new states, steps back migrations (commands that write their own records), audits, runs the rollback hooks in the restored release, and unlocks.
 */
export function restorePhase(m: Markers & { host: { roles: string[] } }, l: Layout, spec: Spec, target: string | undefined, updates: ReleaseRecord[], auditLine: string, owner: LockOwner, stepBack: Command[] = [], switchBack = true): Command[] {
  return [
    ...(switchBack ? [stepMark(m, 'switch back'), switchTo(l, target)] : []),
    ...updates.map((r) => writeRecord(l, r)),
    ...stepBack,
    audit(l, auditLine),
    ...(switchBack && target ? hooks(m, 'rollback hook', releaseDir(l, target), hooksFor(m.host.roles, spec.rollback_hooks)) : []),
    release(l, owner)
  ]
}
