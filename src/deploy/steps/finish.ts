/** Step `finish`: the release marked healthy, an audit line, the lock released. */
import { advance, audit, writeRecord } from '../../commands/history.js'
import { journalFile } from '../../commands/layout.js'
import { release } from '../../commands/lock.js'
import { cmd } from '../../commands/shell.js'
import { auditLine } from '../audit.js'
import type { Step } from './types.js'

export const finish: Step = {
  name: 'finish',
  where: 'each',
  onFailure: 'switch back',
  commands: (run, i) => {
    const p = run.plans[i]
    p.record = advance(p.record, 'healthy')
    return [writeRecord(p.layout, p.record), cmd('rm', '-f', journalFile(p.layout, run.id)), audit(p.layout, auditLine(run.op, 'deploy', run.id, run.commit, 'ok')), release(p.layout, run.owner)]
  }
}
