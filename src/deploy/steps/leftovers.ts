/**
 * The failure path's part for a failed migration, on the migrating host: remove what it added (before the step-back,
 * so the batch's earlier migrations step back from the state they left), read the schema again (after it), report.
 */
import type { HostData } from '../../commands/protocol.js'
import type { Command } from '../../commands/shell.js'
import { readSchema, removeLeftovers } from '../../migrations/commands.js'
import { describeItem } from '../../migrations/schema.js'
import { schemaCheck } from '../leftovers.js'
import type { DeployRun } from './types.js'

/** Commands around the step-back on the migrating host: remove what the failed migration added (first, so that the batch's earlier migrations step back from the state they left), then read the schema again (last). */
export function leftoverCommands(run: DeployRun): { first: Command[]; last: Command[] } {
  const f = run.migrated?.schema
  const { driver } = run
  if (!driver || !f || typeof f === 'string') return { first: [], last: [] }
  const s = run.sessions[run.at]
  const l = run.plans[run.at].layout
  const first = f.leftovers.kind === 'added' ? removeLeftovers(s, l, run.id, driver, f.leftovers.sql) : []
  return { first, last: readSchema(s, l, run.id, driver, 'check') }
}

/** Reads what the cleanup did and the schema read afterwards; reports it and records it in the result. */
export function checkLeftovers(run: DeployRun, data: HostData): void {
  const f = run.migrated?.schema
  const m = run.result.migrations
  if (!f || typeof f === 'string' || !m) return
  const l = f.leftovers
  if (l.kind === 'added') {
    const done = new Map((data.cleanup ?? []).map((line) => line.split(' ')).map(([ok, i, msg]) => [Number(i), ok === 'ok' ? '' : Buffer.from(msg ?? '', 'base64').toString('utf8')]))
    m.removed = l.items.filter((_, i) => done.get(i) === '').map(describeItem)
    const failed = l.items.flatMap((item, i) => (done.get(i) === '' ? [] : [`${describeItem(item)} (${done.get(i) || 'not run'})`]))
    m.notRemoved = [...failed, ...l.kept.map((i) => `${describeItem(i)} (the database cannot drop it on its own)`)]
    if (m.removed.length) run.op.reporter.info(`removed what the failed migration added: ${m.removed.join(', ')}`)
    if (m.notRemoved.length) run.op.reporter.error(`NOT removed: ${m.notRemoved.join(', ')}`)
  }
  const check = schemaCheck(f.before, data)
  m.schemaCheck = check.said
  m.schemaRestored = check.equal
  if (check.equal) run.op.reporter.info(check.said)
  else run.op.reporter.error(check.said)
}
