/** One command as a local child process (bash for LocalRemote, ssh for the OpenSSH transport): lines, stdin, time limits. */
import { spawn } from 'node:child_process'
import { timeouts } from './clock.js'
import { lineCollector } from './lines.js'
import type { ExecOptions, ExecResult } from './types.js'

/** Runs `file args`; resolves with its exit code (124 after a time limit, with the reason as the last stderr line). */
export function spawnExec(file: string, args: string[], options: ExecOptions = {}, env?: NodeJS.ProcessEnv): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env })
    const lines = lineCollector(options.onLine)
    let expired = ''
    const clock = timeouts(options, (message) => { expired = message; child.kill('SIGTERM') })
    const take = (stream: 'stdout' | 'stderr') => {
      const collect = lines.take(stream)
      return (data: Buffer) => { clock.touch(); collect(data) }
    }
    child.stdout.on('data', take('stdout'))
    child.stderr.on('data', take('stderr'))
    child.on('error', (error) => { clock.clear(); reject(error) })
    child.on('close', (code, signal) => {
      clock.clear()
      lines.flush()
      if (expired) options.onLine?.(expired, 'stderr')
      const text = expired ? { ...lines.text, stderr: `${lines.text.stderr}${expired}\n` } : lines.text
      resolve({ code: expired ? 124 : code ?? (signal ? 128 + 15 : 255), ...text })
    })
    child.stdin.on('error', () => undefined)
    const stdin = options.stdin
    if (stdin === undefined) child.stdin.end()
    else if (typeof stdin === 'string') child.stdin.end(stdin)
    else stdin.pipe(child.stdin)
  })
}
