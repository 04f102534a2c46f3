/** Step `plan` (runner): the release id, the git commit, and per host what to upload (a delta when the host has a manifest). */
import type { HostState, ReleaseRecord } from '../../commands/history.js'
import { UntouchedError } from '../../errors.js'
import type { Spec } from '../../spec/types.js'
import { nextReleaseId } from '../id.js'
import { checkRerun } from '../rerun.js'
import { SPLIT_COPY } from '../../commands/delta.js'
import { changedDirs, dirDigests, dirOf, usableDigests } from '../dirs.js'
import { cacheFile, openHashCache } from '../hash-cache.js'
import { buildManifest, deltaSafe, diffManifest, usableManifest } from '../manifest.js'
import { gitCommit, type SourceEntry } from '../source.js'
import { forwardOnly, forwardOnlyLine, newMigrations, withoutDown } from '../forward-only.js'
import type { DeployRun, LocalManifest, Step, Upload } from './types.js'

/** Paths always sent whole and never kept in a manifest: the shared ones (replaced by links on the host). */
function alwaysSent(spec: Spec): (path: string) => boolean {
  const shared = [...spec.shared.files, ...spec.shared.dirs]
  return (path) => shared.some((s) => path === s || path.startsWith(`${s}/`))
}

/** The source's manifest, and the directory digests of the lines a host will keep (none when the tree cannot be a delta). */
export async function localManifest(spec: Spec, entries: SourceEntry[]): Promise<LocalManifest> {
  const cache = openHashCache(cacheFile(spec.source.dir))
  const lines = await buildManifest(spec.source.dir, entries, cache)
  cache.save()
  const always = alwaysSent(spec)
  return { lines, digests: deltaSafe(entries) ? dirDigests(lines.filter((_, i) => !always(entries[i].path))) : undefined }
}

/** Whether a directory's owner may write into it (a split copy makes the directories first: see completeUpload). */
const ownerWrites = (e: SourceEntry) => e.type !== 'dir' || (e.mode & 0o200) !== 0

/**
 * Per host: what to send, the upload list, and whether it is a delta against the live release. With the host's
 * directory digests, the entries of directories whose digest matches are the same on both sides and neither sent
 * nor listed; only the changed directories' lines (all the host sent) are compared.
 */
export function planUploads(spec: Spec, entries: SourceEntry[], local: LocalManifest, states: HostState[]): Upload[] {
  const always = alwaysSent(spec)
  const splittable = entries.every(ownerWrites)
  return states.map((st) => {
    const byDir = local.digests && st.dirs && usableDigests(st.dirs) && (!st.manifest.length || usableManifest(st.manifest))
    const delta = Boolean(byDir) || (local.digests !== undefined && usableManifest(st.manifest))
    const changed = byDir ? changedDirs(local.digests!, st.dirs!) : undefined
    const same = changed && ((path: string) => !changed.has(dirOf(path)))
    const d = diffManifest(entries, local.lines, delta ? st.manifest : [], always, same)
    return { send: d.send, list: d.upload, delta, split: delta && splittable && entries.length - d.send.length >= SPLIT_COPY }
  })
}

export const plan: Step = {
  name: 'plan',
  where: 'runner',
  onFailure: 'unlock',
  run: async (run) => {
    const { op, spec, sessions, states } = run
    const { entries } = run
    const commit = await gitCommit(spec.source.dir)
    run.commit = commit
    if (run.reuse) checkRerun(states, sessions.map((s) => s.host.name), run.reuse)
    const known = states.flatMap((st) => st.records.map((r) => r.id))
    if (run.two && known.includes(run.two.release)) throw new UntouchedError(`release ${run.two.release} already exists on ${sessions.filter((_, i) => states[i].records.some((r) => r.id === run.two!.release)).map((s) => s.host.name).join(', ')}; nothing was uploaded. Fix: give each two-phase deploy a new --release id`)
    run.id = run.reuse ?? run.two?.release ?? nextReleaseId(op.now(), known)
    const stamp = op.now().toISOString()
    const record: ReleaseRecord = { id: run.id, state: 'building', commit, created_at: stamp, updated_at: stamp, by: op.by, run: op.run, ...(run.reuse ? { note: 'rerun (deploy --only-failed)' } : {}) }
    run.local ??= await localManifest(spec, entries)
    run.uploads = planUploads(spec, entries, run.local, states)
    run.plans = sessions.map((s, i) => ({ spec, host: s.host, layout: s.layout, id: run.id, owner: run.owner, previous: states[i].current, delta: run.uploads[i].delta, record }))
    Object.assign(run.result, { release: run.id, previous: states[0].current, commit, uploaded: Object.fromEntries(sessions.map((s, i) => [s.host.name, { sent: run.uploads[i].send.length, delta: run.uploads[i].delta }])) })
    const how = sessions.map((s, i) => `${s.host.name}: ${run.uploads[i].delta ? `delta, ${run.uploads[i].send.length} sent` : 'full upload'}`)
    op.reporter.info(`Release ${run.id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}: ${entries.length} entries; ${how.join(', ')}`)
    if (forwardOnly(spec)) await sayForwardOnly(run)
  }
}

/** check.policy: forward-only: the new migrations without a usable down(), said (and kept for the record) before migrating. */
async function sayForwardOnly(run: DeployRun): Promise<void> {
  const live = run.states[run.at]?.manifest ?? []
  const found = await withoutDown(run.spec.source.dir, newMigrations(run.entries, live))
  if (!found.length) return
  run.result.forwardOnly = found.map((f) => f.name)
  run.op.reporter.warn(forwardOnlyLine(found, usableManifest(live)))
}
