/** Step `handoff` (the prepare phase of a two-phase deploy): the built release marked `prepared`, an audit line, the lock released. */
import { advance, audit, writeRecord } from '../../commands/history.js'
import { release } from '../../commands/lock.js'
import { auditLine } from '../audit.js'
import type { Step } from './types.js'

export const handoff: Step = {
  name: 'handoff',
  where: 'each',
  onFailure: 'mark failed',
  commands: (run, i) => {
    const p = run.plans[i]
    p.record = advance(p.record, 'prepared')
    return [writeRecord(p.layout, p.record), audit(p.layout, auditLine(run.op, 'deploy', run.id, run.commit, 'prepared (two-phase: waiting for --phase switch)')), release(p.layout, run.owner)]
  }
}
