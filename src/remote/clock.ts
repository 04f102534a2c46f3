/** The total and idle time limits of one command, shared by every Remote. */
import type { ExecOptions } from './types.js'

/** Arms the limits of `options`; `touch` on output re-arms the idle one, `clear` when the command ends. */
export function timeouts(options: ExecOptions, expire: (message: string) => void): { touch(): void; clear(): void } {
  let idle: NodeJS.Timeout | undefined
  // Unref'd: a limit watches a command, it must not keep the process alive once nothing else does (a channel
  // that a closed connection will never open, after a forced stop).
  const total = options.timeoutMs ? setTimeout(() => expire(`timed out after ${options.timeoutMs! / 1000}s`), options.timeoutMs).unref() : undefined
  const touch = () => {
    if (!options.idleMs) return
    clearTimeout(idle)
    idle = setTimeout(() => expire(`no output for ${options.idleMs! / 1000}s (idle timeout)`), options.idleMs).unref()
  }
  touch()
  return { touch, clear: () => { clearTimeout(total); clearTimeout(idle) } }
}
