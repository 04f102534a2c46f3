/** Step `upload`: the tar on stdin unpacked into releases/<id>, unchanged files copied from the live release, the manifest written. */
import { createReadStream } from 'node:fs'
import { completeUpload } from '../../commands/delta.js'
import { writeRecord } from '../../commands/history.js'
import { unpack } from '../../commands/release.js'
import { raw } from '../../commands/shell.js'
import { uploadTar } from './pack.js'
import type { Step } from './types.js'

export const upload: Step = {
  name: 'upload',
  where: 'each',
  onFailure: 'mark failed',
  stdin: (run, i) => {
    const file = run.packed?.files[i]
    return file ? createReadStream(file) : uploadTar(run, run.uploads[i])
  },
  commands: (run, i) => {
    const p = run.plans[i]
    return [writeRecord(p.layout, p.record), unpack(p.layout, p.id), raw('exec </dev/null'), ...completeUpload(p.layout, p.id, p.delta ? p.previous : undefined)]
  }
}
