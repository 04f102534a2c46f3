/**
 * LocalRemote: the Remote interface on a local bash, for tests and for trying a spec on this machine.
 * It runs exactly the scripts an SSH host would get (same channel protocol, same stdin), so the pipeline's
 * logic is exercised with real file effects at unit speed.
 */
import { spawn } from 'node:child_process'
import { lineCollector } from './lines.js'
import type { ExecOptions, ExecResult, Remote } from './types.js'

/** A "host" that is this machine, as the current user. */
export class LocalRemote implements Remote {
  constructor(readonly name = 'local') {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] })
      const lines = lineCollector(options.onLine)
      let timedOut = ''
      const timer = options.timeoutMs ? setTimeout(() => { timedOut = `timed out after ${options.timeoutMs! / 1000}s`; child.kill('SIGTERM') }, options.timeoutMs) : undefined
      child.stdout.on('data', lines.take('stdout'))
      child.stderr.on('data', lines.take('stderr'))
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(timer)
        lines.flush()
        if (timedOut) options.onLine?.(timedOut, 'stderr')
        resolve({ code: timedOut ? 124 : code ?? 255, ...lines.text })
      })
      child.stdin.on('error', () => undefined)
      const stdin = options.stdin
      if (stdin === undefined) child.stdin.end()
      else if (typeof stdin === 'string') child.stdin.end(stdin)
      else stdin.pipe(child.stdin)
    })
  }

  async close(): Promise<void> {}
}
