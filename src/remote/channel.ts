/** One command over one SSH channel: streamed lines, stdin, total and idle timeouts. */
import type { Client } from 'ssh2'
import { SlipwayError } from '../errors.js'
import type { ExecOptions, ExecResult } from './types.js'

/** Runs a command on an open ssh2 client. Resolves with the exit code (124 after a timeout, with the reason as the last stderr line); rejects only on channel errors. */
export function exec(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(new SlipwayError(`cannot open a command channel: ${err.message}`))
      const out = { stdout: '', stderr: '' }
      const partial = { stdout: '', stderr: '' }
      let code: number | null = null
      let finished = false
      let idleTimer: NodeJS.Timeout | undefined
      const fail = (message: string, timedOut = false) => {
        if (finished) return
        finished = true
        clearTimers()
        channel.signal('TERM')
        channel.close()
        if (!timedOut) return reject(new SlipwayError(message))
        options.onLine?.(message, 'stderr')
        resolve({ code: 124, stdout: out.stdout, stderr: `${out.stderr}${message}\n` })
      }
      const totalTimer = options.timeoutMs ? setTimeout(() => fail(`timed out after ${options.timeoutMs! / 1000}s`, true), options.timeoutMs) : undefined
      const touch = () => {
        if (!options.idleMs) return
        clearTimeout(idleTimer)
        idleTimer = setTimeout(() => fail(`no output for ${options.idleMs! / 1000}s (idle timeout)`, true), options.idleMs)
      }
      const clearTimers = () => {
        clearTimeout(totalTimer)
        clearTimeout(idleTimer)
      }
      const take = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
        touch()
        const text = data.toString('utf8')
        out[stream] += text
        if (!options.onLine) return
        const lines = (partial[stream] + text).split('\n')
        partial[stream] = lines.pop() ?? ''
        for (const line of lines) options.onLine(line, stream)
      }
      touch()
      channel.on('data', take('stdout'))
      channel.stderr.on('data', take('stderr'))
      channel.on('exit', (exitCode: number | null, signal?: string) => {
        code = exitCode ?? (signal ? 128 + 15 : 255)
      })
      channel.on('close', () => {
        if (finished) return
        finished = true
        clearTimers()
        for (const stream of ['stdout', 'stderr'] as const) if (partial[stream] && options.onLine) options.onLine(partial[stream], stream)
        resolve({ code: code ?? 255, ...out })
      })
      if (options.stdin === undefined) channel.end()
      else if (typeof options.stdin === 'string') channel.end(options.stdin)
      else {
        options.stdin.on('error', (e) => fail(`upload stream failed: ${e.message}`))
        options.stdin.pipe(channel)
      }
    })
  })
}
