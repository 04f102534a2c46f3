/**
 * The host protocol: what a script prints besides its users' output. Every such line starts with a
 * per-run marker: `<marker>step:<label>` announces a step, `<marker>data:<key>:<value>` reports a value,
 * `<marker>end:<code>` closes one phase of a channel. This module is the only one that knows the format.
 */
import { randomBytes } from 'node:crypto'
import { isReleaseId } from './layout.js'
import { cmd, printLine, sh, type Command } from './shell.js'

/** The per-run marker a script's protocol lines start with. */
export interface Markers {
  marker: string
}

/** A fresh marker for one run's protocol lines: `@@slipway-<12 hex>@@`. */
export function newMarker(): string {
  return `@@slipway-${randomBytes(6).toString('hex')}@@`
}

/** The labels of the step lines in a script's text (a recorded phase), in order. */
export function stepLabels(script: string): string[] {
  return [...script.matchAll(/@@slipway-[0-9a-f]+@@step:([^'\n]*)/g)].map((m) => m[1])
}

/** Every data key a script reports, and what its values are. */
export interface HostData {
  /** The lock's owner JSON when acquiring found it held. */
  holder?: string[]
  /** Seconds since the lock holder's last sign of life (unlock). */
  age?: string[]
  /** `<seconds since its last heartbeat> <owner JSON>` of a dead holder's lock that was taken over. */
  takeover?: string[]
  /** One release record JSON per line. */
  record?: string[]
  /** The `current` link's target. */
  current?: string[]
  /** The lock owner JSON while the lock is held. */
  lock?: string[]
  /** `<release> <base64 of the state before its migrate run>`, per migrate journal left on the host. */
  journal?: string[]
  /** The live release's manifest lines (all of them, or those of the directories whose digest differs). */
  manifest?: string[]
  /** The live release's directory digests, `dir \t digest`. */
  dir?: string[]
  /** Migration state (driver JSON) before and after migrating. */
  before?: string[]
  after?: string[]
  /** `<label> <schema JSON>`: the schema before migrating, as a failed migration started and left it, and after cleaning up (`before`, `start`, `after`, `check`). */
  schema?: string[]
  /** `ok <i>` or `failed <i> <base64 message>` per statement that removes what a failed migration added. */
  cleanup?: string[]
  /** `<release> ok|failed` per step-back, and the state read afterwards. */
  stepback?: string[]
  verify?: string[]
  /** Migration state read on its own. */
  state?: string[]
  /** `<exit> <base64>` of a smoke check from the host. */
  http?: string[]
  run?: string[]
  /** A restore point just taken (JSON: engine, file, size, at, ms, tables), or why none was (`{"skipped":…}`). */
  point?: string[]
  /** A restore point restored (JSON: engine, ok, before/after row counts per table), or `{"ok":false,"error":…}`. */
  restored?: string[]
  /** `<epoch seconds> <index>` per shared file of the spec (its last change). */
  shared?: string[]
  /** `<size> <file name>` per file in the restore points directory. */
  points?: string[]
  /** The lock owner JSON read by the post step. */
  owner?: string[]
  /** KiB free for the deploy user on the deploy root's filesystem. */
  free?: string[]
}

/** A data key. */
export type DataKey = keyof HostData

/** The prefix of a data line for `key` (for programs that print data lines themselves, such as the PHP probe). */
export function dataPrefix(m: Markers, key: DataKey): string {
  return `${m.marker}data:${key}:`
}

/** A command that announces the step about to run. */
export function stepMark(m: Markers, label: string): Command {
  return printLine(`${m.marker}step:${label}`)
}

/** A command that reports a value computed on the host (evaluated there, inside double quotes). */
export function dataMark(m: Markers, key: DataKey, value: Command): Command {
  return sh`printf '%s%s\\n' ${dataPrefix(m, key)} "${value}"`
}

/** A data line that `stat` prints itself (`format`: its `%` fields of `path`), with no subshell to capture its output. */
export function statMark(m: Markers, key: DataKey, format: string, path: string): Command {
  return cmd('stat', '-c', `${dataPrefix(m, key)}${format}`, path)
}

/** The command that closes a phase, reporting its exit status `$?`. */
export function endMark(m: Markers): Command {
  return sh`printf '%s%s\\n' ${`${m.marker}end:`} "$?"`
}

/** One protocol line, parsed. */
export type ProtocolLine = { kind: 'step'; label: string } | { kind: 'data'; key: DataKey; value: string } | { kind: 'end'; code: number }

/** Parses a line of output: a protocol line, or undefined for user output. */
export function parseLine(m: Markers, line: string): ProtocolLine | undefined {
  if (!line.startsWith(m.marker)) return undefined
  const rest = line.slice(m.marker.length)
  if (rest.startsWith('step:')) return { kind: 'step', label: rest.slice(5) }
  if (rest.startsWith('end:')) return { kind: 'end', code: Number(rest.slice(4)) }
  if (!rest.startsWith('data:')) return undefined
  const body = rest.slice(5)
  const colon = body.indexOf(':')
  return colon < 0 ? undefined : { kind: 'data', key: body.slice(0, colon) as DataKey, value: body.slice(colon + 1) }
}

/** A release id as the host reports it; anything else is refused (it would reach paths and shells). */
export function releaseIdFrom(text: string): string {
  const id = text.replace(/\/+$/, '').split('/').pop() ?? ''
  if (!isReleaseId(id)) throw new Error(`the host reported a release id that is not one: ${JSON.stringify(text.slice(0, 100))}`)
  return id
}
