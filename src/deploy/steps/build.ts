/** Step `build`: the spec's build commands in the new release; the release is then ready. */
import { hooksFor } from '../../spec/roles.js'
import { advance, writeRecord } from '../../commands/history.js'
import { releaseDir } from '../../commands/layout.js'
import { hooks } from '../../commands/release.js'
import type { Step } from './types.js'

export const build: Step = {
  name: 'build',
  where: 'each',
  onFailure: 'mark failed',
  commands: (run, i) => {
    const p = run.plans[i]
    p.record = advance(p.record, 'ready')
    return [...hooks(run.sessions[i], 'build', releaseDir(p.layout, p.id), hooksFor(run.sessions[i].host.roles, run.spec.build)), writeRecord(p.layout, p.record)]
  }
}
