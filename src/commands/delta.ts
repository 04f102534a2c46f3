/**
 * Host side of a delta upload: the tar on stdin carries the changed entries and `.slipway-upload.tsv`;
 * unchanged paths are copied (real copies, never hard links) from the live release, and the new
 * release's manifest is written from the old one plus the changes.
 */
import { posix } from 'node:path'
import { type Layout, releaseDir } from './layout.js'
import { cmd, quote, type Command } from './shell.js'
import { dataPrefix, type Markers } from './protocol.js'

/** Name of the upload list inside the tar stream. */
export const UPLOAD_LIST = '.slipway-upload.tsv'

/** Where a release's manifest is kept. */
export function manifestFile(l: Layout, id: string): string {
  return posix.join(l.meta, 'manifests', `${id}.tsv`)
}

/** After unpacking: copy unchanged entries from `previous` (when given) and write this release's manifest. */
export function completeUpload(l: Layout, id: string, previous: string | undefined): Command[] {
  const dir = releaseDir(l, id)
  const list = posix.join(dir, UPLOAD_LIST)
  const keep = posix.join(dir, '.slipway-keep.tsv')
  const out = manifestFile(l, id)
  const tab = `$'\\t'`
  if (!previous) {
    return [cmd('mkdir', '-p', posix.dirname(out)), `awk -F'\\t' '$1 != "X"' ${quote(list)} > ${quote(out)}`, cmd('rm', '-f', list)]
  }
  const prevDir = releaseDir(l, previous)
  return [
    cmd('mkdir', '-p', posix.dirname(out)),
    `awk -F'\\t' 'NR==FNR { seen[$4] = 1; next } !($4 in seen)' ${quote(list)} ${quote(manifestFile(l, previous))} > ${quote(keep)}`,
    `cut -f4 ${quote(keep)} | (cd ${quote(prevDir)} && tar -c -f - --no-recursion --verbatim-files-from -T -) | tar -x -f - -C ${quote(dir)} --no-same-owner`,
    `{ cat ${quote(keep)}; awk -F'\\t' '$1 != "X"' ${quote(list)}; } | sort -t ${tab} -k4,4 > ${quote(out)}`,
    cmd('rm', '-f', list, keep)
  ]
}

/** Reports the manifest of the live release (if it has one) as data lines `manifest`. */
export function readLiveManifest(m: Markers, l: Layout): Command {
  const prefix = dataPrefix(m, 'manifest')
  return `if [ -L ${quote(l.current)} ]; then m=${quote(posix.join(l.meta, 'manifests'))}/$(basename "$(readlink ${quote(l.current)})").tsv; if [ -f "$m" ]; then sed -e ${quote(`s/^/${prefix.replace(/[/&\\]/g, '\\$&')}/`)} "$m"; fi; fi`
}
