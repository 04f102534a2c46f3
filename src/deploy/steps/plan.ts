/** Step `plan` (runner): the release id, the git commit, and per host what to upload (a delta when the host has a manifest). */
import type { HostState, ReleaseRecord } from '../../commands/history.js'
import type { Spec } from '../../spec/types.js'
import { nextReleaseId } from '../id.js'
import { buildManifest, deltaSafe, diffManifest, usableManifest } from '../manifest.js'
import { gitCommit, type SourceEntry } from '../source.js'
import { forwardOnly, forwardOnlyLine, newMigrations, withoutDown } from '../forward-only.js'
import type { DeployRun, Step, Upload } from './types.js'

/** Per host: what to send, the upload list, and whether it is a delta against the live release. */
export async function planUploads(spec: Spec, entries: SourceEntry[], states: HostState[]): Promise<Upload[]> {
  const local = await buildManifest(spec.source.dir, entries)
  const shared = [...spec.shared.files, ...spec.shared.dirs]
  const always = (path: string) => shared.some((s) => path === s || path.startsWith(`${s}/`))
  const safe = deltaSafe(entries)
  return states.map((st) => {
    const delta = safe && usableManifest(st.manifest)
    const d = diffManifest(entries, local, delta ? st.manifest : [], always)
    return { send: d.send, list: d.upload, delta }
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
    run.id = nextReleaseId(op.now(), states.flatMap((st) => st.records.map((r) => r.id)))
    const stamp = op.now().toISOString()
    const record: ReleaseRecord = { id: run.id, state: 'building', commit, created_at: stamp, updated_at: stamp, by: op.by, run: op.run }
    run.uploads = await planUploads(spec, entries, states)
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
