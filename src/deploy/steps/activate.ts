/** Step `activate`: the spec's activate hooks in the new current release. */
import { hooksFor } from '../../spec/roles.js'
import { releaseDir } from '../../commands/layout.js'
import { hooks } from '../../commands/release.js'
import type { Step } from './types.js'

export const activateHooks: Step = {
  name: 'activate',
  rollout: true,
  where: 'each',
  onFailure: 'switch back',
  when: (run) => run.spec.activate.length > 0,
  commands: (run, i) => hooks(run.sessions[i], 'activate', releaseDir(run.plans[i].layout, run.id), hooksFor(run.sessions[i].host.roles, run.spec.activate))
}
