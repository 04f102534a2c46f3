/**
 * A full disk on a host, told apart from other failures by what was observed: the failing step's output says
 * "No space left on device", or the deploy root's filesystem has (almost) nothing free right after it failed.
 */
import { stepMark } from '../commands/protocol.js'
import { freeSpace } from '../commands/release.js'
import { runPhase, StepError } from './session.js'
import type { DeployRun } from './steps/types.js'

/** Below this many KiB free for the deploy user, a failed step counts as having run out of space. */
export const FULL_KIB = 1024

/** Where the disk ran full: the host, the step, and the KiB free read back after the failure. */
export interface DiskFull {
  host: string
  step: string
  free?: number
}

/** The failed step ran out of space on its host, or undefined (also when free space cannot be read). */
export async function diskFull(run: DeployRun, error: unknown): Promise<DiskFull | undefined> {
  if (!(error instanceof StepError)) return undefined
  const s = run.sessions.find((x) => x.host.name === error.host)
  if (!s) return undefined
  const said = /no space left on device/i.test(error.tail.join('\n'))
  const read = await runPhase({ ...s, channel: undefined }, run.spec, run.op.reporter, 'free space', [stepMark(s, 'free space'), freeSpace(s, s.layout)]).catch(() => undefined)
  const text = read?.data.free?.[0]
  const free = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined
  return said || (free !== undefined && free < FULL_KIB) ? { host: error.host, step: error.step, free } : undefined
}

/** The report's words for it. */
export function describeFull(full: DiskFull): string {
  return `no space left on device on ${full.host} during ${full.step}${full.free !== undefined ? ` (${full.free} KiB free after it failed)` : ''}`
}
