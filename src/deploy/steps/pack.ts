/**
 * Step `pack` (runner): hosts that get the same upload share one tar, packed once into a private temp file and
 * read back for each of them, instead of the source being read and packed once per host.
 */
import { createHash } from 'node:crypto'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { DIRS_LIST, UPLOAD_LIST } from '../../commands/delta.js'
import { tarStream } from '../source.js'
import type { DeployRun, Step, Upload } from './types.js'

/** Lines as file text. (The upload list always has a line, even empty: the host's awk reads it as its first file.) */
const lines = (xs: string[]) => xs.map((l) => `${l}\n`).join('')

/** The tar of one upload: the list the host checks and the source's directory digests, then the entries sent. */
export function uploadTar(run: DeployRun, u: Upload) {
  return tarStream(run.spec.source.dir, u.send, { [UPLOAD_LIST]: u.list.join('\n') + '\n', [DIRS_LIST]: lines(run.local?.digests ?? []) })
}

/** Hosts whose uploads are the same, by index (a key of what is sent and what is listed). */
function groups(uploads: Upload[]): number[][] {
  const byKey = new Map<string, number[]>()
  uploads.forEach((u, i) => {
    const key = createHash('sha256').update(JSON.stringify([u.send.map((e) => e.path), u.list])).digest('hex')
    byKey.set(key, [...(byKey.get(key) ?? []), i])
  })
  return [...byKey.values()]
}

export const pack: Step = {
  name: 'pack',
  where: 'runner',
  onFailure: 'unlock',
  when: (run) => run.sessions.length > 1,
  run: async (run) => {
    const all = groups(run.uploads)
    const shared = all.filter((g) => g.length > 1)
    run.result.packs = all.length
    if (!shared.length) return
    const dir = mkdtempSync(join(tmpdir(), 'slipway-pack-'))
    run.packed = { dir, files: [] }
    for (const [n, group] of shared.entries()) {
      const file = join(dir, `${n}.tar`)
      await pipeline(uploadTar(run, run.uploads[group[0]]), createWriteStream(file, { mode: 0o600 }))
      for (const i of group) run.packed.files[i] = file
      run.op.reporter.info(`Packed once for ${group.map((i) => run.sessions[i].host.name).join(', ')}: ${run.uploads[group[0]].send.length} entries`)
    }
  }
}

/** Removes the packed tars (after the deploy, whatever its outcome). */
export function removePacks(run: DeployRun): void {
  if (run.packed) rmSync(run.packed.dir, { recursive: true, force: true })
}
