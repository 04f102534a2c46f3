/**
 * The Action's {@link Reporter}: log groups, annotations and debug lines on @actions/core. Text that may
 * come from a host (remote output, release ids, notes) is written between `::stop-commands::<token>` and
 * `::<token>::` with a random per-run token, so a remote process cannot issue workflow commands
 * (`::add-mask::`, `::error::`, `::set-env::`, legacy `##[…]`), however it spells them.
 */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { EOL } from 'node:os'
import type { Reporter } from '../reporter.js'

/** A Reporter that can also go back to normal command processing (call before any later workflow command). */
export interface ActionLog extends Reporter {
  /** Ends a stop-commands region if one is open; our own workflow commands work again. */
  resume(): void
  /** Writes workflow-command lines of our own (e.g. check annotations) in normal mode. */
  commands(text: string): void
}

/** Creates the Action's log; `write` is where raw lines go (stdout, like every @actions/core call). */
export function actionLog(write: (s: string) => void = (s) => process.stdout.write(s), token = randomBytes(16).toString('hex')): ActionLog {
  let stopped = false
  let depth = 0
  const resume = () => {
    if (stopped) write(`::${token}::${EOL}`)
    stopped = false
  }
  const text = (s: string) => {
    if (!stopped) write(`::stop-commands::${token}${EOL}`)
    stopped = true
    for (const line of s.split(/\r?\n/)) write(`${line}${EOL}`)
  }
  const command = (fn: () => void) => {
    resume()
    fn()
  }
  return {
    resume,
    commands: (s) => command(() => write(s.endsWith('\n') ? s : `${s}${EOL}`)),
    info: text,
    warn: (m) => command(() => core.warning(m)),
    error: (m) => command(() => core.error(m)),
    debug: (m) => command(() => core.debug(m)),
    line: (host, line, stream) => text(`[${host}]${stream === 'stderr' ? ' (stderr)' : ''} ${line}`),
    async group(title, fn) {
      // GitHub does not nest groups: an inner group is a heading line inside the outer one.
      if (depth > 0) {
        text(`── ${title}`)
        return fn()
      }
      command(() => core.startGroup(title))
      depth++
      try {
        return await fn()
      } finally {
        depth--
        command(() => core.endGroup())
      }
    }
  }
}
