/** `--events <file>`: every message a command reports, also appended to a file as JSON lines. */
import { appendFileSync, writeFileSync } from 'node:fs'
import { InputError } from '../errors.js'
import { withEvents, type Reporter } from '../reporter.js'

/** With a path: every message also appended to it as one JSON line (time, kind, group, host, text). */
export function eventsTo(path: string | undefined, reporter: Reporter): Reporter {
  if (path === undefined) return reporter
  try {
    writeFileSync(path, '', { flag: 'a' })
  } catch (error) {
    throw new InputError(`--events ${path}: cannot write: ${(error as Error).message}. Fix: give a writable file path`)
  }
  return withEvents(reporter, (e) => appendFileSync(path, `${JSON.stringify(e)}\n`))
}
