/** One command over one SSH channel: streamed lines, stdin, total and idle timeouts. */
import type { Client, ClientChannel } from 'ssh2'
import { SlipwayError } from '../errors.js'
import { timeouts } from './clock.js'
import { lineCollector } from './lines.js'
import type { ExecOptions, ExecResult } from './types.js'

/** Runs a command on an open ssh2 client. Resolves with the exit code (124 after a timeout, with the reason as the last stderr line); rejects only on channel errors. */
export function exec(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    // The clock runs from the request: a host that never answers it (frozen) times out like a silent command.
    let expired: string | undefined
    const early = timeouts(options, (message) => {
      expired = message
      options.onLine?.(`${message} (the host did not open the command channel)`, 'stderr')
      resolve({ code: 124, stdout: '', stderr: `${message} (the host did not open the command channel)\n` })
    })
    client.exec(command, (err, channel) => {
      early.clear()
      if (expired) return channel?.close()
      if (err) return reject(new SlipwayError(`cannot open a command channel: ${err.message}`))
      run(channel, options, resolve, reject)
    })
  })
}

/** Streams one opened channel: output lines, stdin, time limits, exit code. */
function run(channel: ClientChannel, options: ExecOptions, resolve: (r: ExecResult) => void, reject: (e: Error) => void): void {
  const lines = lineCollector(options.onLine)
  const out = lines.text
  let code: number | null = null
  let finished = false
  const fail = (message: string, timedOut = false) => {
    if (finished) return
    finished = true
    clock.clear()
    channel.signal('TERM')
    channel.close()
    if (!timedOut) return reject(new SlipwayError(message))
    options.onLine?.(message, 'stderr')
    resolve({ code: 124, stdout: out.stdout, stderr: `${out.stderr}${message}\n` })
  }
  const clock = timeouts(options, (message) => fail(message, true))
  const take = (stream: 'stdout' | 'stderr') => {
    const collect = lines.take(stream)
    return (data: Buffer) => {
      if (finished) return // output after a timeout must not re-arm the idle timer and keep the process alive
      clock.touch()
      collect(data)
    }
  }
  channel.on('data', take('stdout'))
  channel.stderr.on('data', take('stderr'))
  channel.on('exit', (exitCode: number | null, signal?: string) => {
    code = exitCode ?? (signal ? 128 + 15 : 255)
  })
  channel.on('close', () => {
    if (finished) return
    finished = true
    clock.clear()
    lines.flush()
    resolve({ code: code ?? 255, ...out })
  })
  if (options.stdin === undefined) channel.end()
  else if (typeof options.stdin === 'string') channel.end(options.stdin)
  else {
    options.stdin.on('error', (e) => fail(`upload stream failed: ${e.message}`))
    options.stdin.pipe(channel)
  }
}

