/**
 * Scripts go to the host over stdin: one `bash -s` per channel reads each phase as a subshell, runs it
 * under strict mode, and closes it with an end line carrying its exit code. A channel can carry several
 * phases (the engine decides between them on what the last one reported); an upload phase sends its tar
 * right after its script and ends the channel. Nothing is quoted twice and no script shows in `ps`.
 */
import { PassThrough, Transform, type Readable } from 'node:stream'
import { endMark, parseLine, type HostData, type Markers } from '../commands/protocol.js'
import { render, type Command } from '../commands/shell.js'
import type { Remote } from './types.js'

/** The outcome of one phase. */
export interface ScriptResult {
  code: number
  /** The last step announced before the phase ended. */
  step?: string
  /** Values reported with data lines, by key, in order. */
  data: HostData
  /** The last lines of user-visible output (stdout and stderr). */
  tail: string[]
}

/** Options for a channel. */
export interface ChannelOptions extends Markers {
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** A step line: the host started step `label`. */
  onStep?: (label: string) => void
  /** Time limits for the whole channel. */
  timeoutMs?: number
  idleMs?: number
}

/** The command line that starts a channel on the host. */
export const SHELL = 'bash -s'

const TAIL = 20

/**
 * A phase's session has no terminal. Console tools (Symfony's, so every `php artisan`) ask `stty` for its size
 * unless COLUMNS and LINES say it: three processes per command, a quarter of those a Laravel deploy starts.
 * These are the sizes they fall back to without a terminal; a value the session already has is kept.
 */
const NO_TERMINAL = 'export COLUMNS="${COLUMNS:-80}" LINES="${LINES:-50}"'

/**
 * The text of one phase: the commands in a strict-mode subshell (stdin closed unless it reads the upload),
 * then the end line. The outer braces make bash read the whole phase before running it, so an upload's
 * bytes that follow are read by the phase, never as script. Host jobs started by the phase inherit its environment.
 */
export function phaseText(m: Markers, commands: Command[], readsStdin = false): string {
  return ['{ (', 'set -euo pipefail', NO_TERMINAL, ...commands.map(render), `)${readsStdin ? '' : ' </dev/null'}`, render(endMark(m)), '}', ''].join('\n')
}

const PHASE_END = /printf '%s%s\\n' '?(\S+?)end:'? "\$\?"\n\}\n/

/** The first complete phase at the start of `text` (as {@link phaseText} wrote it), its marker, and whether it reads stdin. */
export function firstPhase(text: string): { script: string; marker: string; readsStdin: boolean } | undefined {
  const m = PHASE_END.exec(text)
  if (!m) return undefined
  const script = text.slice(0, m.index + m[0].length)
  return { script, marker: m[1], readsStdin: !/\) <\/dev\/null\n[^\n]*\n\}\n$/.test(script) }
}

/** A channel that runs phases one after the other. */
export interface Channel {
  /** Sends one phase and resolves when it ends; `stdin` (an upload) follows the script and ends the channel. */
  run(commands: Command[], stdin?: Readable): Promise<ScriptResult>
  /** Ends the channel (the host's shell exits) and waits for it to close. */
  close(): Promise<void>
}

/** Opens a channel on a connected host. */
export function openChannel(remote: Remote, options: ChannelOptions): Channel {
  const input = new PassThrough()
  let phase: { result: ScriptResult; done: (r: ScriptResult) => void; fail: (e: Error) => void } | undefined
  let ended = false
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    const p = parseLine(options, line)
    const result = phase?.result
    if (p?.kind === 'end') {
      const current = phase
      phase = undefined
      if (current) current.done({ ...current.result, code: p.code })
    } else if (p?.kind === 'step') {
      if (result) result.step = p.label
      options.onStep?.(p.label)
    } else if (p?.kind === 'data') {
      if (result) (result.data[p.key] ??= []).push(p.value)
    } else {
      if (result) {
        result.tail.push(line)
        if (result.tail.length > TAIL) result.tail.shift()
      }
      options.onLine?.(line, stream)
    }
  }
  const closed = remote.exec(SHELL, { stdin: input, onLine, timeoutMs: options.timeoutMs, idleMs: options.idleMs })
  closed.then(
    ({ code }) => phase?.done({ ...phase.result, code: code === 0 ? 255 : code }),
    (error: Error) => phase?.fail(error)
  )
  return {
    run(commands, stdin) {
      if (ended) return Promise.reject(new Error('this channel has ended'))
      if (phase) return Promise.reject(new Error('a phase is still running on this channel'))
      return new Promise<ScriptResult>((done, fail) => {
        phase = { result: { code: 0, data: {}, tail: [] }, done, fail }
        input.write(phaseText(options, commands, stdin !== undefined))
        if (!stdin) return
        ended = true
        // The upload goes through a relay: a failing upload (a tar stream destroys what it pipes into) ends the host's
        // input cleanly, so its script ends and nothing waits on it, and the phase fails with the cause. The relay
        // also joins a tar's small pieces (header, file, padding: three per file) into large writes.
        const relay = coalescer()
        relay.on('error', () => undefined)
        relay.pipe(input)
        stdin.on('error', (e) => {
          input.end()
          const current = phase
          phase = undefined
          current?.fail(new Error(`the upload stream failed: ${e.message}`))
        })
        stdin.pipe(relay)
      })
    },
    async close() {
      if (!ended) input.end()
      ended = true
      await closed.catch(() => undefined)
    }
  }
}

/** Joins the chunks written into it into pieces of about 64 KiB (the rest at the end): one SSH packet per piece, not per chunk. */
function coalescer(size = 64 * 1024): Transform {
  let held: Buffer[] = []
  let bytes = 0
  const flush = (t: Transform) => {
    if (bytes) t.push(held.length === 1 ? held[0] : Buffer.concat(held, bytes))
    held = []
    bytes = 0
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      held.push(chunk)
      bytes += chunk.length
      if (bytes >= size) flush(this)
      done()
    },
    flush(done) {
      flush(this)
      done()
    }
  })
}

/** Runs one phase on its own channel. */
export async function runScript(remote: Remote, commands: Command[], options: ChannelOptions & { stdin?: Readable }): Promise<ScriptResult> {
  const channel = openChannel(remote, options)
  try {
    return await channel.run(commands, options.stdin)
  } finally {
    await channel.close()
  }
}
