/**
 * A claim between two sides that may both want to act on the same thing (the run and a detached watcher on the
 * host): an atomic rename of one file, so exactly one of them acts. The watcher fires (`<file>.fired`); the run
 * claims (`<file>.claimed`, then removed).
 */
import { cmd, printLine, raw, sh, when, type Command } from './shell.js'

/** Claims `file`; when the watcher has fired it first, prints `said` on stderr and exits `code`. A file never armed is claimed as is. */
export function claim(file: string, said: string, code: number): Command {
  const late = [sh`${printLine(said)} >&2`, raw(`exit ${code}`)]
  return when(sh`[ -e ${file} ] && mv -T ${file} ${`${file}.claimed`} 2>/dev/null`, [cmd('rm', '-f', `${file}.claimed`)], [when(sh`[ -e ${`${file}.fired`} ]`, late)])
}

/** The watcher's side: runs `act` unless the run has claimed `file` first. */
export function fire(file: string, act: Command[]): Command {
  return when(sh`mv -T ${file} ${`${file}.fired`} 2>/dev/null`, act)
}
