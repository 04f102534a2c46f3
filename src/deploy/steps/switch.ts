/** Step `switch`: `current` renamed atomically to the new release (every host ready first); the release is live. */
import { advance, writeRecord } from '../../commands/history.js'
import { activate } from '../../commands/switch.js'
import { watched } from './restore.js'
import type { Step } from './types.js'

export const switchRelease: Step = {
  name: 'switch',
  rollout: true,
  where: 'each',
  onFailure: 'switch back',
  // Every host ready first: a round trip of its own, unless the watchdog armed before it has started one.
  barrier: (run) => !watched(run),
  commands: (run, i) => {
    const p = run.plans[i]
    p.record = advance(p.record, 'live')
    return [activate(p.layout, p.id), writeRecord(p.layout, p.record)]
  }
}
