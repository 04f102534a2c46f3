/** `--dry-run`: the exact scripts each host would receive, computed without connecting anywhere. */
import { layout } from '../commands/layout.js'
import { bash, script } from '../commands/shell.js'
import { nextReleaseId } from './id.js'
import { beginPhase, finishPhase, preparePhase, switchPhase, type HostPlan } from './plan.js'
import { lockOwner, operation, type OperationOptions } from './run.js'

/** One host's planned phases: name → the command line sent over SSH. */
export interface PlannedHost {
  host: string
  phases: Array<{ phase: string; command: string }>
}

/** Plans a deploy without touching any host. Values read from the host at run time (previous release, expired releases) are left out. */
export function planDeploy(options: OperationOptions): PlannedHost[] {
  const op = operation(options)
  const owner = lockOwner(op, 'deploy')
  const id = nextReleaseId(op.now(), [])
  const stamp = op.now().toISOString()
  const markers = { marker: '@@slipway-dryrun@@' }
  return op.spec.hosts.map((host) => {
    const l = layout(op.spec.path)
    const p: HostPlan = { spec: op.spec, host, layout: l, markers, id, owner, record: { id, state: 'building', created_at: stamp, updated_at: stamp, by: op.by, run: op.run } }
    const phases: Array<[string, string[], boolean?]> = [
      ['lock and read history', beginPhase(markers, l, owner)],
      ['upload (tar on stdin) and prepare', preparePhase(p), true],
      ['switch and activate', switchPhase(p)],
      ['finish', finishPhase(p, [], `<time> ${op.spec.app} deploy ${id} by ${op.by}: ok`)]
    ]
    return { host: host.name, phases: phases.map(([phase, commands, stdin]) => ({ phase, command: bash(script(commands, stdin)) })) }
  })
}
