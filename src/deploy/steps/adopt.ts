/**
 * Step `adopt` (runner, the switch phase of a two-phase deploy): every host must have the release prepared by a
 * prepare phase; otherwise nothing is touched and the hosts that lack it are named. The plans are its records.
 */
import { UntouchedError } from '../../errors.js'
import type { Step } from './types.js'

export const adopt: Step = {
  name: 'adopt',
  where: 'runner',
  onFailure: 'unlock',
  run: async (run) => {
    const id = run.two!.release
    const found = run.states.map((st) => st.records.find((r) => r.id === id))
    const missing = run.sessions.flatMap((s, i) => (found[i]?.state === 'prepared' ? [] : [`${s.host.name} (${found[i]?.state ?? 'not there'})`]))
    if (missing.length && !run.dry) throw new UntouchedError(`release ${id} is not prepared on ${missing.join(', ')}; nothing was switched. Fix: run slipway deploy --phase prepare --release ${id} for the shards of those hosts, then --phase switch again`)
    run.id = id
    run.commit = found[0]?.commit
    const stamp = run.op.now().toISOString()
    run.plans = run.sessions.map((s, i) => ({ spec: run.spec, host: s.host, layout: s.layout, id, owner: run.owner, previous: run.states[i].current, delta: false, record: found[i] ?? { id, state: 'prepared', created_at: stamp, updated_at: stamp, by: run.op.by } }))
    Object.assign(run.result, { release: id, previous: run.states[0].current, commit: run.commit })
    run.op.reporter.info(`Release ${id} is prepared on ${run.sessions.map((s) => s.host.name).join(', ')}: switching`)
  }
}
