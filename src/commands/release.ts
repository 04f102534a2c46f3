/** Building a release on the host: directory, upload, shared links, writable dirs, build steps. */
import { posix } from 'node:path'
import { type Layout, releaseDir } from './layout.js'
import { and, cmd, inDir, printLine, raw, render, sh, when, type Command, type Raw } from './shell.js'
import { dataMark, statMark, stepMark, type Markers } from './protocol.js'

/** Exit code of the shared-files check when one is missing. */
export const MISSING_SHARED = 3

/** Removes what an earlier attempt of this release left in its directory (a rerun, `deploy --only-failed`, builds it afresh). */
export function clearRelease(l: Layout, id: string): Command {
  return cmd('rm', '-rf', '--', releaseDir(l, id))
}

/** The command that unpacks a tar stream (on stdin) into a fresh release directory. */
export function unpack(l: Layout, id: string): Command {
  const dir = releaseDir(l, id)
  return and(cmd('mkdir', '-p', dir), cmd('tar', '-x', '-f', '-', '-C', dir, '--no-same-owner', '-m'))
}

/** A relative link target from `from` (a path inside the release) to `to` (under shared/). */
function relativeTarget(linkPath: string, target: string): string {
  return posix.relative(posix.dirname(linkPath), target)
}

/**
 * Fails (exit {@link MISSING_SHARED}) before anything else when a shared file is missing,
 * with the command that creates it.
 */
export function checkSharedFiles(l: Layout, files: string[], ssh: string): Command[] {
  return files.map((f) => {
    const path = posix.join(l.shared, f)
    const create = render(sh`${raw(ssh)} ${render(and(cmd('mkdir', '-p', posix.dirname(path)), sh`cat > ${path}`))} < ${posix.basename(f)}`)
    const help = `shared file ${path} is missing on the host. Create it once before deploying, e.g.: ${create}`
    return when(sh`[ ! -f ${path} ]`, [sh`${printLine(help)} >&2`, raw(`exit ${MISSING_SHARED}`)])
  })
}

/** Links shared files and directories into the release (dirs are created, seeded from the release the first time). */
export function linkShared(l: Layout, id: string, shared: { files: string[]; dirs: string[] }): Command[] {
  const dir = releaseDir(l, id)
  const out: Command[] = []
  for (const d of shared.dirs) {
    const inShared = posix.join(l.shared, d)
    const inRelease = posix.join(dir, d)
    const seed = when(sh`[ -d ${inRelease} ] && [ ! -L ${inRelease} ]`, [cmd('cp', '-a', '--', inRelease, inShared)], [cmd('mkdir', '-p', '--', inShared)])
    out.push(when(sh`[ ! -d ${inShared} ]`, [cmd('mkdir', '-p', '--', posix.dirname(inShared)), seed]))
    out.push(link(inRelease, inShared))
  }
  for (const f of shared.files) out.push(link(posix.join(dir, f), posix.join(l.shared, f)))
  return out
}

function link(inRelease: string, inShared: string): Command {
  return and(cmd('rm', '-rf', '--', inRelease), cmd('mkdir', '-p', '--', posix.dirname(inRelease)), cmd('ln', '-s', '--', relativeTarget(inRelease, inShared), inRelease))
}

/** Exit code when a path of the spec leads through a symlink or out of the release on the host. */
export const UNSAFE_PATH = 4

/**
 * Before anything is written, deleted or chmod'ed: each spec path's parent in the release must resolve to itself
 * under the resolved release dir — no symlinked component, nothing outside the release — or the step exits
 * {@link UNSAFE_PATH}, naming the path.
 */
export function guardPaths(l: Layout, id: string, paths: string[]): Command[] {
  const dir = releaseDir(l, id)
  const parents = [...new Set(paths.map((p) => posix.dirname(posix.normalize(p))).filter((d) => d !== '.'))]
  return parents.map((d) => {
    const why = `refusing to touch ${d}/… in the release: ${d} is a symlink or leads outside the release on the host; nothing was written. Fix: make ${d} a plain directory in the source`
    return when(sh`[ "$(realpath -m -- ${posix.join(dir, d)})" != "$(realpath -m -- ${dir})"/${d} ]`, [sh`${printLine(why)} >&2`, raw(`exit ${UNSAFE_PATH}`)])
  })
}

/** Creates the writable directories and makes them group-writable. */
export function makeWritable(l: Layout, id: string, dirs: string[]): Command[] {
  return dirs.map((d) => {
    const path = posix.join(releaseDir(l, id), d)
    return and(cmd('mkdir', '-p', '--', path), cmd('chmod', '-R', 'ug+rwX', '--', path))
  })
}

/** Copies directories from the live release into the new one (a copy, so the old release never changes). */
export function copyFromPrevious(l: Layout, id: string, previous: string | undefined, dirs: string[]): Command[] {
  if (!previous) return []
  return dirs.map((d) => {
    const from = posix.join(releaseDir(l, previous), d)
    const to = posix.join(releaseDir(l, id), d)
    return when(sh`[ -d ${from} ] && [ ! -e ${to} ]`, [and(cmd('mkdir', '-p', '--', posix.dirname(to)), cmd('cp', '-a', '--', from, to))])
  })
}

/** User commands run in a directory, each announced as a step `<phase> N: <command>`. */
export function hooks(m: Markers, phase: string, dir: string | Raw, commands: string[]): Command[] {
  return commands.flatMap((c, i) => [stepMark(m, `${phase} ${i + 1}: ${c}`), inDir(dir, raw(c))])
}

/** Reports the KiB free for this user on the deploy root's filesystem (data `free`). */
export function freeSpace(m: Markers, l: Layout): Command {
  return dataMark(m, 'free', sh`$(df -P -k ${l.root} | awk 'NR == 2 { print $4 }')`)
}

/** Reports each shared file's modification time as data `shared`: `<epoch seconds> <index in files>` (missing files say nothing). */
export function sharedTimes(m: Markers, l: Layout, files: string[]): Command[] {
  return files.map((f, i) => {
    const path = posix.join(l.shared, f)
    return when(sh`[ -e ${path} ]`, [statMark(m, 'shared', `%Y ${i}`, path)])
  })
}
