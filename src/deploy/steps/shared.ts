/** Step `shared`: shared files must exist; shared files and dirs linked in, writable dirs made, dirs seeded from the live release. */
import { checkSharedFiles, copyFromPrevious, guardPaths, linkShared, makeWritable } from '../../commands/release.js'
import type { Step } from './types.js'

export const shared: Step = {
  name: 'shared files',
  where: 'each',
  onFailure: 'mark failed',
  commands: (run, i) => {
    const { spec, layout: l, id, host, previous } = run.plans[i]
    return [
      ...guardPaths(l, id, [...spec.shared.files, ...spec.shared.dirs, ...spec.writable, ...spec.copy_from_previous]),
      ...checkSharedFiles(l, spec.shared.files, `ssh${host.port === 22 ? '' : ` -p ${host.port}`} ${host.user}@${host.host}`),
      ...linkShared(l, id, spec.shared),
      ...makeWritable(l, id, spec.writable),
      ...copyFromPrevious(l, id, previous, spec.copy_from_previous)
    ]
  }
}
