/**
 * Confirm or revert, on the host: at the switch a detached watchdog is armed with the commands that revert
 * the release; unless the run claims the release first (to confirm it, or to revert it itself), the watchdog
 * claims it when its time is up and runs them. A claim is an atomic rename, so exactly one side acts.
 */
import { posix } from 'node:path'
import type { Layout } from './layout.js'
import { claim, fire } from './claim.js'
import { cmd, mkdirs, nap, NAPPER, NOW, render, seq, sh, type Command } from './shell.js'

/** Exit code of a claim when the watchdog has already reverted the release. */
export const REVERTED = 76

const armed = (l: Layout, id: string) => posix.join(l.watchdog, id)

/**
 * Arms the watchdog of release `id`: after `seconds`, unless claimed, it runs `revert` (best effort, every command).
 * While it waits it runs `beat` every second (the run's lock heartbeat): the lock of a run that died after its
 * switch stays with the watchdog, so no other operation takes it over and deploys before the watchdog has decided.
 */
export function armWatchdog(l: Layout, id: string, seconds: number, revert: Command[], beat: Command): Command[] {
  const file = armed(l, id)
  const wait = seq(NAPPER, sh`end=$(( ${NOW} + ${String(seconds)} )); while [ ${NOW} -lt "$end" ]; do [ -e ${file} ] || exit 0; ${beat}; ${nap(1)}; done`)
  const script = render(seq(wait, fire(file, revert)))
  return [mkdirs(l.watchdog), sh`: > ${file}`, sh`setsid ${cmd('bash', '-c', script)} </dev/null >/dev/null 2>&1 &`]
}

/** Claims release `id` before its watchdog does; exits {@link REVERTED} when the watchdog already has. A release never armed is claimed as is. */
export function claimRelease(l: Layout, id: string): Command {
  return claim(armed(l, id), `the host's watchdog had already reverted release ${id}: the run did not confirm it in time`, REVERTED)
}
