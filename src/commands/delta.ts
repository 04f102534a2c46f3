/**
 * Host side of a delta upload: the tar on stdin carries the changed entries and `.slipway-upload.tsv`;
 * unchanged paths are copied (real copies, never hard links) from the live release, and the new
 * release's manifest is written from the old one plus the changes.
 */
import { posix } from 'node:path'
import { type Layout, releaseDir } from './layout.js'
import { cmd, mkdirs, raw, sh, when, type Command } from './shell.js'
import { dataPrefix, type DataKey, type Markers } from './protocol.js'

/** Name of the upload list inside the tar stream. */
export const UPLOAD_LIST = '.slipway-upload.tsv'

/** Name of the new release's directory digests inside the tar stream (kept as {@link dirsFile}). */
export const DIRS_LIST = '.slipway-dirs.tsv'

/** Where a release's manifest is kept. */
export function manifestFile(l: Layout, id: string): string {
  return posix.join(l.meta, 'manifests', `${id}.tsv`)
}

/** Where a release's directory digests are kept (`dir \t digest` per directory of its manifest). */
export function dirsFile(l: Layout, id: string): string {
  return posix.join(l.meta, 'manifests', `${id}.dirs`)
}

/**
 * Unchanged paths at or above this count are copied by two tar pipelines at once (by directory): creating files is
 * the copy's cost (open with O_CREAT, ~50 µs a file on ext4) and two processes create them on two cores. Below it
 * the second pipeline's processes would cost more than they save. The directories are made first, by one tar: a tar
 * that finds a directory it is to create already made by the other one (made on the way to a file) may remove it
 * again, under that file (seen as "Cannot open: No such file or directory" as a non-root user).
 */
export const SPLIT_COPY = 2000

/**
 * After unpacking: copy unchanged entries from `previous` (when given) and write this release's manifest. `split`
 * (decided by the runner, which knows how many paths stay the same: {@link SPLIT_COPY}) copies them in two halves,
 * after their directories; only for trees whose directories all let their owner write (a tar makes a directory
 * with its final mode at its end, and the other tars then write into it).
 */
export function completeUpload(l: Layout, id: string, previous: string | undefined, split = false): Command[] {
  const dir = releaseDir(l, id)
  const list = posix.join(dir, UPLOAD_LIST)
  const keep = posix.join(dir, '.slipway-keep.tsv')
  const out = manifestFile(l, id)
  const tab = raw(`$'\\t'`)
  const dirs = cmd('mv', '-f', posix.join(dir, DIRS_LIST), dirsFile(l, id))
  if (!previous) {
    return [mkdirs(posix.dirname(out)), sh`awk -F'\\t' 'NF && $1 != "X"' ${list} > ${out}`, dirs, cmd('rm', '-f', list)]
  }
  const copy = (paths: Command) => sh`(cd ${releaseDir(l, previous)} && tar -c -f - --no-recursion --verbatim-files-from -T ${paths}) | tar -x -f - -C ${dir} --no-same-owner`
  // The live release's lines not in the upload list are kept (to a file), and their paths copied.
  // (File names go to awk through the environment: -v would read backslashes in them as escapes.)
  const kept = (print: string, env = '') => sh`K=${keep} ${raw(env)}awk -F'\\t' ${`NR==FNR { seen[$4] = 1; next } !($4 in seen) { print > ENVIRON["K"]; ${print} }`} ${list} ${manifestFile(l, previous)}`
  const part = (name: string) => raw(`"$P"${name}`)
  const copies = split
    ? [
        sh`P=${posix.join(dir, '.slipway-copy')}; : > "$P"d; : > "$P"0; : > "$P"1`,
        // The directories to list d; the rest of a directory's paths all to one half (two tars never create files in
        // one directory): a directory seen for the first time goes to the half with fewer paths so far.
        kept('if ($1 == "D") { print $4 > (ENVIRON["P"] "d"); next } d = $4; if (!sub(/\\/[^\\/]*$/, "", d)) d = "."; if (!(d in h)) h[d] = (n[0] > n[1]); n[h[d]]++; print $4 > (ENVIRON["P"] h[d])', 'P="$P" '),
        copy(part('d')),
        sh`{ ${copy(part('0'))}; } & p0=$!; ${copy(part('1'))} && s1=0 || s1=$?; wait "$p0" && s0=0 || s0=$?; rm -f "$P"d "$P"0 "$P"1; [ "$s0$s1" = 00 ]`
      ]
    : [sh`${kept('print $4')} | ${copy(raw('-'))}`]
  return [
    mkdirs(posix.dirname(out)),
    ...copies,
    sh`: >> ${keep}`,
    sh`K=${keep} awk -F'\\t' 'FILENAME == ENVIRON["K"] || (NF && $1 != "X")' ${keep} ${list} | sort -t ${tab} -k4,4 > ${out}`,
    dirs,
    cmd('rm', '-f', list, keep)
  ]
}

/**
 * Reports what a delta needs of the live release's manifest. Without `digests` (or when the live release has no
 * digest file, written by an older version): every line, as data `manifest`. With the runner's own directory digests:
 * the live release's digests (data `dir`) and only the manifest lines of the directories whose digest differs from
 * the runner's, so a one-file change reads one directory's lines instead of the whole manifest.
 */
export function readLiveManifest(m: Markers, l: Layout, digests?: string[]): Command {
  const line = (key: DataKey) => dataPrefix(m, key).replace(/[/&\\]/g, '\\$&')
  const all = sh`sed -e ${`s/^/${line('manifest')}/`} "$m"`
  // The runner's digests on stdin, the host's (each printed as data), then the manifest: lines of directories whose digests differ.
  const some = [sh`printf '%s\\n' ${digests?.join('\n') ?? ''} | awk -F'\\t' -v p=${dataPrefix(m, 'manifest')} -v q=${dataPrefix(m, 'dir')} ${FILTER} - "$d" "$m"`]
  const read = digests ? [when(raw('[ -s "$d" ]'), some, [all])] : [all]
  return when(sh`[ -L ${l.current} ]`, [
    // `live` is the target readState has just read in this phase, when it has.
    sh`t=\${live:-$(readlink ${l.current})}; m=${posix.join(l.meta, 'manifests')}/"\${t##*/}".tsv; d="\${m%.tsv}.dirs"`,
    when(raw('[ -f "$m" ]'), read)
  ])
}

/** awk: remember the runner's digests, print the host's and mark those that differ, print their directories' manifest lines. */
const FILTER = [
  'FNR == 1 { f++ }',
  'f == 1 { mine[$1] = $2; next }',
  'f == 2 { print q $0; if (mine[$1] != $2) changed[$1] = 1; next }',
  '{ dir = $4; if (!sub(/\\/[^\\/]*$/, "", dir)) dir = "."; if (dir in changed) print p $0 }'
].join(' ')
