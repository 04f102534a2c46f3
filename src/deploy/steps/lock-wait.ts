/** Step `lock wait` (runner): where another run holds a host's lock, wait for it up to --lock-wait seconds, or fail naming it. */
import { waitForLocks } from '../lock-wait.js'
import type { Step } from './types.js'

export const lockWait: Step = {
  name: 'lock wait',
  where: 'runner',
  onFailure: 'unlock',
  run: async (run) => {
    if (run.holders.every((h) => h === undefined)) return
    run.states = await waitForLocks(run.op, run.sessions, run.owner, run.holders)
    run.holders = run.holders.map(() => undefined)
  }
}
