/**
 * Host side of a delta upload: the tar on stdin carries the changed entries and `.slipway-upload.tsv`;
 * unchanged paths are copied (real copies, never hard links) from the live release, and the new
 * release's manifest is written from the old one plus the changes.
 */
import { posix } from 'node:path'
import { type Layout, releaseDir } from './layout.js'
import { cmd, raw, sh, when, type Command } from './shell.js'
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
  const tab = raw(`$'\\t'`)
  if (!previous) {
    return [cmd('mkdir', '-p', posix.dirname(out)), sh`awk -F'\\t' '$1 != "X"' ${list} > ${out}`, cmd('rm', '-f', list)]
  }
  const prevDir = releaseDir(l, previous)
  return [
    cmd('mkdir', '-p', posix.dirname(out)),
    sh`awk -F'\\t' 'NR==FNR { seen[$4] = 1; next } !($4 in seen)' ${list} ${manifestFile(l, previous)} > ${keep}`,
    sh`cut -f4 ${keep} | (cd ${prevDir} && tar -c -f - --no-recursion --verbatim-files-from -T -) | tar -x -f - -C ${dir} --no-same-owner`,
    sh`{ cat ${keep}; awk -F'\\t' '$1 != "X"' ${list}; } | sort -t ${tab} -k4,4 > ${out}`,
    cmd('rm', '-f', list, keep)
  ]
}

/** Reports the manifest of the live release (if it has one) as data lines `manifest`. */
export function readLiveManifest(m: Markers, l: Layout): Command {
  const prefix = dataPrefix(m, 'manifest')
  const print = when(raw('[ -f "$m" ]'), [sh`sed -e ${`s/^/${prefix.replace(/[/&\\]/g, '\\$&')}/`} "$m"`])
  return when(sh`[ -L ${l.current} ]`, [sh`m=${posix.join(l.meta, 'manifests')}/$(basename "$(readlink ${l.current})").tsv`, print])
}
