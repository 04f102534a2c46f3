/** Which hosts a step acts on now: every host, or during a rollout the batch in progress (less hosts dropped from it). */
import type { Session } from '../session.js'
import type { DeployRun } from './types.js'

/** Host `i` takes part in the steps running now. */
export function isActive(run: DeployRun, i: number): boolean {
  return run.only === undefined || run.only.includes(i)
}

/** The sessions of the hosts taking part now. */
export function activeSessions(run: DeployRun): Session[] {
  return run.sessions.filter((_, i) => isActive(run, i))
}
