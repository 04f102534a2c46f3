/** `command: rollback` — activate an earlier release (a given one, or the newest healthy before current). */
import type { HostState } from '../commands/history.js'
import type { ReleaseListing } from '../deploy/releases.js'
import { rollback } from '../deploy/rollback.js'
import { planFleetRollback } from '../deploy/rollback-plan.js'
import { UntouchedError } from '../errors.js'
import { LockedError } from '../deploy/run.js'
import { escapeCell, releasesMarkdown, rollbackMarkdown } from '../report/summary.js'
import type { Context, Outcome } from './context.js'
import { environmentUrl, migrationsOutput } from './deploy.js'

/** Rolls back, records the deployment (target success, the release left inactive), reports. */
export async function rollbackCommand(ctx: Context): Promise<Outcome> {
  const { log, actor, runId, settings } = ctx
  const spec = ctx.spec()
  if (settings.dryRun) return plan(ctx)
  ctx.holdLock('rollback')
  const result = await rollback({ spec, reporter: log, actor, runId, lockToken: ctx.lockToken, to: settings.release, db: settings.db, migrations: settings.migrations, signal: ctx.cancel().signal, force: ctx.cancel().force, late: ctx.cancel().late, lockWait: settings.lockWait }).catch(async (error: unknown) => {
    // A failed rollback unlocks before it throws; when every host reads unlocked, the post step has nothing to release.
    const listing = error instanceof LockedError ? undefined : await ctx.listing()
    if (error instanceof LockedError || listing?.hosts.every((h) => h.lock === undefined)) ctx.lockReleased()
    throw error
  })
  ctx.lockReleased()
  const listing = await ctx.listing()
  const url = environmentUrl(spec, settings.url)
  const commit = (id: string) => listing?.hosts[0]?.releases.find((r) => r.id === id)?.commit
  const ref = commit(result.release) ?? ctx.env.GITHUB_SHA
  if (ctx.records && ref) {
    const record = await ctx.records.create(ref, `slipway rollback of ${spec.app} to ${result.release}`, { app: spec.app, release: result.release, rolled_back_from: result.from })
    await ctx.records.status(record, 'success', `rolled back ${result.from} → ${result.release}`, url)
    const left = commit(result.from)
    if (left && left !== ref) await ctx.records.deactivate(left, `rolled back to ${result.release}`)
  }
  const outputs = { release: result.release, 'previous-release': result.from, 'rolled-back': 'true', migrations: migrationsOutput({ ran: [], steppedBack: result.migrations.steppedBack, stillApplied: result.migrations.kept }), url: url ?? '' }
  return { outputs, summary: rollbackMarkdown({ result, listing, url }) }
}

/** The history as the rollback brain ({@link planFleetRollback}) reads it, from one host's listing. */
export function hostState(host: ReleaseListing['hosts'][number]): HostState {
  const records = [...host.releases].reverse().map(({ current: _current, ...r }) => r)
  return { records, current: host.releases.find((r) => r.current)?.id, manifest: [] }
}

async function plan(ctx: Context): Promise<Outcome> {
  const listing = await ctx.listing()
  if (!listing?.hosts.length) throw new Error('dry run: the release history could not be read')
  const lost = listing.hosts.filter((h) => h.unreachable)
  if (lost.length) throw new UntouchedError(`dry run: ${lost.map((h) => `${h.host} (${h.unreachable})`).join('; ')} could not be read. Fix: leave ${lost.length > 1 ? 'them' : 'it'} out with input exclude: ${lost.map((h) => h.host).join(',')}`)
  const fleet = planFleetRollback(listing.hosts.map(hostState), listing.hosts.map((h) => h.host), { to: ctx.settings.release, by: ctx.actor, stamp: new Date().toISOString() })
  const target = { id: fleet.target }
  const from = fleet.plans.find((p) => p)?.from ?? ''
  ctx.log.info(`Dry run: would roll back ${from || '(none)'} → ${target.id}; nothing was changed`)
  return {
    outputs: { release: target.id, 'previous-release': from, 'rolled-back': 'false' },
    summary: `### Dry run: would roll back ${escapeCell(from || '(none)')} → ${escapeCell(target.id)}; nothing was changed\n\n${releasesMarkdown(listing)}\n`
  }
}
