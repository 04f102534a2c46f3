/** Restore point files on the host: listing them (their sizes as they are now). */
import { dataMark, type Markers } from './protocol.js'
import type { Layout } from './layout.js'
import { raw, sh, type Command } from './shell.js'

/** Reports `<size> <file name>` per file in the restore points directory, as data `points`. */
export function listPointFiles(m: Markers, l: Layout): Command {
  return sh`for f in ${l.points}/*; do [ -f "$f" ] || continue; ${dataMark(m, 'points', raw('$(stat -c %s "$f") $(basename "$f")'))}; done`
}
