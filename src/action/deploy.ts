/** `command: deploy` — a new release on every host, with a deployment record, outputs and the job summary. */
import { notReverted } from '../deploy/caveats.js'
import { deploy, DeployError, planDeploy, type DeployResult } from '../deploy/deploy.js'
import { deployMarkdown, planMarkdown, type MigrationsView } from '../report/summary.js'
import type { Spec } from '../spec/types.js'
import { withStrategy } from '../deploy/batches.js'
import { LockedError } from '../deploy/run.js'
import type { Context, Outcome } from './context.js'

/** The environment URL: the `url` input, else the origin of the first smoke check run from the runner. */
export function environmentUrl(spec: Spec, input: string | undefined): string | undefined {
  if (input) return input
  for (const check of spec.smoke) {
    if ('http' in check && check.from === 'runner') {
      try {
        return `${new URL(check.http).origin}/`
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** The `migrations` output: JSON of what ran, what was stepped back, and what stays applied. */
export function migrationsOutput(m: MigrationsView | undefined): string {
  return JSON.stringify({ ran: m?.ran ?? [], steppedBack: m?.steppedBack ?? [], stillApplied: m?.stillApplied ?? [] })
}

/** Runs the deploy (or prints its plan with dry-run). */
export async function deployCommand(ctx: Context): Promise<Outcome> {
  const { log, actor, runId } = ctx
  const spec = withStrategy(ctx.spec(), ctx.settings.strategy, 'input "strategy":')
  if (ctx.settings.dryRun) {
    const plan = await planDeploy({ spec, actor, runId })
    for (const host of plan) await log.group(`Plan for ${host.host}`, async () => host.phases.forEach((p) => log.info(`## ${p.phase}\n${p.command}\n`)))
    return { outputs: {}, summary: planMarkdown(plan) }
  }
  const url = environmentUrl(spec, ctx.settings.url)
  const ref = ctx.env.GITHUB_SHA
  const record = ctx.records && ref ? await ctx.records.create(ref, `slipway deploy of ${spec.app}`, { app: spec.app }) : undefined
  await ctx.records?.status(record, 'in_progress', `deploying ${spec.app}`)
  ctx.holdLock('deploy')
  let result: DeployResult
  let failure: string | undefined
  try {
    result = await deploy({ spec, reporter: log, actor, runId, lockToken: ctx.lockToken, signal: ctx.cancel().signal, force: ctx.cancel().force, late: ctx.cancel().late, lockWait: ctx.settings.lockWait })
    ctx.lockReleased()
  } catch (error) {
    if (!(error instanceof DeployError)) {
      if (error instanceof LockedError) ctx.lockReleased() // another run holds it: this run never took it
      await ctx.records?.status(record, 'failure', firstLine(error))
      throw error
    }
    result = error.result
    failure = error.message
  }
  const description = !failure ? `release ${result.release} is live` : result.rolledBack ? `release ${result.release} failed; rolled back to ${result.previous ?? '(none)'}` : `release ${result.release} failed before the switch`
  await ctx.records?.status(record, failure ? 'failure' : 'success', description, failure ? undefined : url)
  const listing = await ctx.listing()
  // A failed deploy unlocks before it throws; when every host reads unlocked, the post step has nothing to release.
  if (failure && listing?.hosts.every((h) => h.lock === undefined)) ctx.lockReleased()
  const outputs = {
    release: result.release,
    'previous-release': result.previous ?? '',
    'rolled-back': String(result.rolledBack),
    migrations: migrationsOutput(result.migrations),
    url: url ?? ''
  }
  return { outputs, failure, summary: deployMarkdown({ result, failure, listing, url, notReverted: notReverted(spec) }) }
}

/** The first line of an error message. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}
