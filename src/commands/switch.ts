/** Pointing `current` at a release: a new symlink renamed over the old one (atomic), never `ln -sfn`. */
import { type Layout } from './layout.js'
import { and, cmd, raw, type Command, type Raw } from './shell.js'

/** Atomically points `current` at releases/<id> (relative link, `mv -T` rename); `id` may be shell text such as `"$target"`. */
export function activate(l: Layout, id: string | Raw): Command {
  const tmp = `${l.current}.next`
  const target = typeof id === 'string' ? `releases/${id}` : raw(`releases/${id.raw}`)
  return and(cmd('rm', '-f', tmp), cmd('ln', '-s', target, tmp), cmd('mv', '-T', '-f', tmp, l.current))
}
