/**
 * LocalRemote: the Remote interface on a local bash, for tests and for trying a spec on this machine.
 * It runs exactly the scripts an SSH host would get (same channel protocol, same stdin), so the pipeline's
 * logic is exercised with real file effects at unit speed.
 */
import { spawnExec } from './spawn.js'
import type { ExecOptions, ExecResult, Remote } from './types.js'

/** A "host" that is this machine, as the current user. */
export class LocalRemote implements Remote {
  constructor(readonly name = 'local') {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return spawnExec('bash', ['-c', command], options)
  }

  async close(): Promise<void> {}
}
