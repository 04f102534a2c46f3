/** Step `upload`: the tar on stdin unpacked into releases/<id>, unchanged files copied from the live release, the manifest written. */
import { completeUpload, DIRS_LIST, UPLOAD_LIST } from '../../commands/delta.js'
import { writeRecord } from '../../commands/history.js'
import { unpack } from '../../commands/release.js'
import { raw } from '../../commands/shell.js'
import { tarStream } from '../source.js'
import type { Step } from './types.js'

/** Lines as file text. (The upload list always has a line, even empty: the host's awk reads it as its first file.) */
const lines = (xs: string[]) => xs.map((l) => `${l}\n`).join('')

export const upload: Step = {
  name: 'upload',
  where: 'each',
  onFailure: 'mark failed',
  stdin: (run, i) => tarStream(run.spec.source.dir, run.uploads[i].send, { [UPLOAD_LIST]: run.uploads[i].list.join('\n') + '\n', [DIRS_LIST]: lines(run.local?.digests ?? []) }),
  commands: (run, i) => {
    const p = run.plans[i]
    return [writeRecord(p.layout, p.record), unpack(p.layout, p.id), raw('exec </dev/null'), ...completeUpload(p.layout, p.id, p.delta ? p.previous : undefined)]
  }
}
