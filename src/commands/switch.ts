/** Pointing `current` at a release: a new symlink renamed over the old one (atomic), never `ln -sfn`. */
import { type Layout } from './layout.js'
import { and, cmd, type Command } from './shell.js'

/** Atomically points `current` at releases/<id> (relative link, `mv -T` rename). */
export function activate(l: Layout, id: string): Command {
  const tmp = `${l.current}.next`
  return and(cmd('rm', '-f', tmp), cmd('ln', '-s', `releases/${id}`, tmp), cmd('mv', '-T', '-f', tmp, l.current))
}
