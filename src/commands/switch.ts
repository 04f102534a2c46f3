/** Pointing `current` at a release: a new symlink renamed over the old one (atomic), never `ln -sfn`. */
import { type Layout } from './layout.js'
import { and, cmd, raw, type Command, type Raw } from './shell.js'

/**
 * Atomically points `current` at releases/<id> (relative link, `mv -T` rename); `id` may be shell text such as `"$target"`.
 * The temporary link is made with `ln -sfT` (it replaces a leftover `current.next`, refuses a directory there), so the
 * switch starts two processes; `current` itself is only ever replaced by the rename.
 */
export function activate(l: Layout, id: string | Raw): Command {
  const tmp = `${l.current}.next`
  const target = typeof id === 'string' ? `releases/${id}` : raw(`releases/${id.raw}`)
  return and(cmd('ln', '-sfT', target, tmp), cmd('mv', '-T', '-f', tmp, l.current))
}
