/**
 * The database side of a failed migration, read from the snapshots the host printed: what it left in the schema
 * (as it started and after it failed), and whether the schema read at the end equals the one read before migrating.
 */
import type { HostData } from '../commands/protocol.js'
import { describeItems, judgeLeftovers, type Leftovers } from '../migrations/schema-cleanup.js'
import { describeDiff, diffSchema, isEmpty, parseSchema, type Schema } from '../migrations/schema.js'

/** The schema around a failed migration, as read on the host. */
export interface FailedSchema {
  /** Before the deploy's migrations ran. */
  before: Schema
  leftovers: Leftovers
}

/** The labelled snapshots in `schema` data lines. */
function snapshots(data: HostData): Record<string, Schema> {
  const out: Record<string, Schema> = {}
  for (const line of data.schema ?? []) {
    const space = line.indexOf(' ')
    out[line.slice(0, space)] = parseSchema(line.slice(space + 1))
  }
  return out
}

/** What the failed migration did to the schema, or why it is not known (a sentence). */
export function readFailedSchema(data: HostData): FailedSchema | string {
  let s: Record<string, Schema>
  try {
    s = snapshots(data)
  } catch (e) {
    return (e as Error).message
  }
  const unread = [s.before, s.start, s.after].find((x) => x?.error)?.error
  if (unread) return `the schema could not be read (${unread})`
  if (!s.before || !s.start || !s.after) return 'the schema was not read as it started and after it failed'
  return { before: s.before, leftovers: judgeLeftovers(s.start, s.after) }
}

/** The restore command a report gives when a failed migration destroyed what existed. */
export function restoreCommand(release: string): string {
  return `slipway db restore ${release}`
}

/** What the failed migration left, in one sentence (observed: the snapshots as it started and after it failed). */
export function leftoverNote(failed: string, release: string, f: FailedSchema): string {
  const l = f.leftovers
  if (l.kind === 'none') return `migration ${failed} failed and left no trace in the schema (read as it started and after it failed: they are equal)`
  if (l.kind === 'added') return `migration ${failed} failed and left: ${describeItems(l.diff.added)}`
  const added = l.diff.added.length ? `; it also added ${describeItems(l.diff.added)} (left in place: it may hold what was moved)` : ''
  return `migration ${failed} failed after it REMOVED or CHANGED what existed before (${describeDiff({ ...l.diff, added: [] })})${added}. ` +
    `Slipway does not repair that by guessing. To restore the database from the restore point taken before this deploy: ${restoreCommand(release)} (writes made since that restore point would be lost)`
}

/** The schema read at the end of the failure path (`check`) against the one read before migrating: equal or not, in one sentence. */
export function schemaCheck(before: Schema, data: HostData): { equal: boolean; said: string } {
  let check: Schema | undefined
  try {
    check = snapshots(data).check
  } catch (e) {
    return { equal: false, said: `the schema could not be read again (${(e as Error).message})` }
  }
  if (!check || check.error) return { equal: false, said: `the schema could not be read again${check?.error ? ` (${check.error})` : ''}` }
  const diff = diffSchema(before, check)
  if (isEmpty(diff)) return { equal: true, said: 'the schema now equals the one read before migrating (tables, columns, indexes, foreign keys)' }
  return { equal: false, said: `the schema does NOT equal the one read before migrating: ${describeDiff(diff)}` }
}
