/** `command: releases` — the release table of every host, in the log and the job summary. */
import { listReleases } from '../deploy/releases.js'
import { escapeCell, releasesMarkdown } from '../report/summary.js'
import { formatReleases } from '../report/table.js'
import type { Context, Outcome } from './context.js'

/** Lists the releases; output `release` is the current release on the first host read. A host that could not be read fails the step (the rest are listed). */
export async function releasesCommand(ctx: Context): Promise<Outcome> {
  const spec = ctx.spec()
  const listing = await ctx.log.group('Read the release history', () => listReleases({ spec, reporter: ctx.log, actor: ctx.actor, runId: ctx.runId, repair: true }))
  ctx.log.info(formatReleases(listing))
  const current = listing.hosts.find((h) => !h.unreachable)?.releases.find((r) => r.current)?.id ?? ''
  const lost = listing.hosts.filter((h) => h.unreachable)
  const failure = lost.length ? `${lost.length} of ${listing.hosts.length} hosts could not be read (the others are listed): ${lost.map((h) => `${h.host} (${h.unreachable})`).join('; ')}` : undefined
  return { outputs: { release: current }, summary: `### Releases of ${escapeCell(spec.app)}\n\n${releasesMarkdown(listing)}\n`, failure }
}
