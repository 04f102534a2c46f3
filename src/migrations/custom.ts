/**
 * A driver for any framework from three commands: `run`, `status` (prints one applied migration
 * name per line, oldest first) and `step_back` (with {count} and {migrations} filled in).
 */
import { quote, raw, type Command } from '../commands/shell.js'
import type { MigrationDriver } from './types.js'

/** The spec's migrate.commands. */
export interface CustomCommands {
  run: string
  status?: string
  step_back?: string
}

/** Builds a driver from user commands. Without `status` nothing can be tracked, so nothing is stepped back. */
export function customDriver(c: CustomCommands): MigrationDriver {
  return {
    name: 'custom',
    // Wrap the status lines into the state JSON on the host (names become JSON strings via sed escaping).
    state: () => c.status
      ? `{ printf '{"ran":['; (${raw(c.status).raw}) | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' -e 's/.*/["&",0]/' | paste -sd, - | tr -d '\\n'; printf '],"pending":[],"undo":{}}\\n'; }`
      : `printf '%s\\n' '{"ran":[],"pending":[],"undo":{}}'`,
    run: () => raw(c.run).raw,
    stepBack: (names) => raw((c.step_back ?? 'false').replaceAll('{count}', String(names.length)).replaceAll('{migrations}', names.map(quote).join(' '))).raw
  }
}
