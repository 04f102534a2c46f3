/**
 * A driver for any framework from three commands: `run`, `status` (prints one applied migration
 * name per line, oldest first) and `step_back` (with {count} and {migrations} filled in).
 */
import { cmd, raw, render, sh } from '../commands/shell.js'
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
    // The status lines travel base64-encoded on one line; without batches, every name is batch 0.
    state: () => (c.status ? sh`(${raw(c.status)}) | base64 -w0` : raw('true')),
    parse: (line) => ({ ran: Buffer.from(line ?? '', 'base64').toString('utf8').split('\n').map((n) => n.trim()).filter(Boolean).map((n): [string, number] => [n, 0]), pending: [], undo: {} }),
    run: () => raw(c.run),
    hasPending: () => raw('true'),
    stepBack: (names) => raw((c.step_back ?? 'false').replaceAll('{count}', String(names.length)).replaceAll('{migrations}', render(cmd(...names))))
  }
}
