/** Step `upload`: (for a rerun, the release directory emptied first) the tar on stdin unpacked into releases/<id>, unchanged files copied from the live release, the manifest written. */
import { createReadStream } from 'node:fs'
import { completeUpload } from '../../commands/delta.js'
import { writeRecord } from '../../commands/history.js'
import { clearRelease, unpack } from '../../commands/release.js'
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
    // A rerun (--only-failed) reuses an id this host does not serve: what an earlier attempt left there goes first.
    return [...(run.reuse ? [clearRelease(p.layout, p.id)] : []), writeRecord(p.layout, p.record), unpack(p.layout, p.id), raw('exec </dev/null'), ...completeUpload(p.layout, p.id, p.delta ? p.previous : undefined, run.uploads[i].split)]
  }
}
