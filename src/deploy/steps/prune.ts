/** Step `prune`: releases beyond keep_releases removed, chosen from the history (never current, never the last healthy one). */
import { pickExpired, removeReleases } from '../../commands/cleanup.js'
import { watched } from './restore.js'
import type { Step } from './types.js'

export const prune: Step = {
  name: 'prune',
  where: 'each',
  onFailure: 'switch back',
  // After a rollout of several batches, a round trip of its own (not the last batch's switch).
  barrier: (run) => run.rollout.batches.length > 1 && !watched(run),
  commands: (run, i) => {
    const p = run.plans[i]
    const expired = pickExpired([...run.states[i].records, { ...p.record, state: 'healthy' }], run.spec.keep_releases, run.id)
    run.result.removed[run.sessions[i].host.name] = expired
    return removeReleases(p.layout, expired, p.owner.token)
  }
}
