/**
 * Runs one phase as one script over one channel. The script marks its steps and data with
 * lines that start with a per-run marker; they are taken out of the output shown to users.
 */
import { bash, cmd, quote, script, type Command } from '../commands/shell.js'
import type { Remote } from './types.js'

/** Marker lines: `<marker>step:<label>` and `<marker>data:<key>:<value>`. */
export interface Markers {
  marker: string
}

/** A command that announces the step about to run. */
export function stepMark(m: Markers, label: string): Command {
  return cmd('printf', '%s\n', `${m.marker}step:${label}`)
}

/** A command that reports a value computed on the host (shell text that is evaluated there). */
export function dataMark(m: Markers, key: string, valueExpr: Command): Command {
  return `printf '%s%s\\n' ${quote(`${m.marker}data:${key}:`)} "${valueExpr}"`
}

/** The outcome of one phase. */
export interface ScriptResult {
  code: number
  /** The last step announced before the script ended. */
  step?: string
  /** Values reported with {@link dataMark}, by key, in order. */
  data: Record<string, string[]>
  /** The last lines of user-visible output (stdout and stderr). */
  tail: string[]
}

/** Options for {@link runScript}. */
export interface RunOptions extends Markers {
  /** Standard input for the script; the script then closes it itself after reading it. */
  stdin?: import('node:stream').Readable
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  timeoutMs?: number
  idleMs?: number
}

const TAIL = 20

/** Sends the commands as one strict-mode bash script and collects steps, data and an output tail. */
export async function runScript(remote: Remote, commands: Command[], options: RunOptions): Promise<ScriptResult> {
  const result: ScriptResult = { code: 0, data: {}, tail: [] }
  const stepPrefix = `${options.marker}step:`
  const dataPrefix = `${options.marker}data:`
  const { code } = await remote.exec(bash(script(commands, options.stdin !== undefined)), {
    stdin: options.stdin,
    timeoutMs: options.timeoutMs,
    idleMs: options.idleMs,
    onLine: (line, stream) => {
      if (line.startsWith(stepPrefix)) {
        result.step = line.slice(stepPrefix.length)
        return
      }
      if (line.startsWith(dataPrefix)) {
        const rest = line.slice(dataPrefix.length)
        const colon = rest.indexOf(':')
        const key = rest.slice(0, colon)
        ;(result.data[key] ??= []).push(rest.slice(colon + 1))
        return
      }
      result.tail.push(line)
      if (result.tail.length > TAIL) result.tail.shift()
      options.onLine?.(line, stream)
    }
  })
  result.code = code
  return result
}
