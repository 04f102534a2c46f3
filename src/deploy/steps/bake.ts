/**
 * Step `bake` (runner, with `smoke.bake`): after the smoke checks first pass, they are polled again every
 * {@link BAKE_EVERY} s for the bake's length; only then is the release confirmed, marked healthy and old
 * releases pruned. A failing round fails the deploy like a smoke failure (switch back, step back, mark failed).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Reporter } from '../../reporter.js'
import type { Spec } from '../../spec/types.js'
import { runSmoke } from '../smoke.js'
import { activeSessions } from './active.js'
import { smokeFailed } from './smoke.js'
import type { Step } from './types.js'

/** Seconds between two rounds of the bake. */
export const BAKE_EVERY = 2

/** What the bake will do, as the dry-run plan prints it. */
export function describeBake(spec: Spec): string {
  return `after the smoke checks first pass: ${spec.smoke.map((c) => c.name).join(', ')} again every ${BAKE_EVERY} s for ${spec.bake} s; a failure rolls back like a smoke failure; confirm, prune and finish only after the bake`
}

/** The bake reports failures and its summary; passing rounds and the checks' output go to debug. */
const quiet = (r: Reporter): Reporter => ({
  info: (m) => r.debug(m),
  warn: (m) => r.warn(m),
  error: (m) => r.error(m),
  debug: (m) => r.debug(m),
  line: (host, text) => r.debug(`[${host}] ${text}`),
  group: (title, fn) => r.group(title, fn)
})

export const bake: Step = {
  name: 'bake',
  where: 'runner',
  onFailure: 'switch back',
  rollout: true,
  when: (run) => run.spec.smoke.length > 0 && run.spec.bake > 0,
  run: async (run) => {
    const { op, spec } = run
    run.result.bake = { seconds: spec.bake, rounds: 0 }
    if (run.dry) return
    const started = Date.now()
    const end = started + spec.bake * 1000
    await op.reporter.group(`Bake ${spec.bake} s`, async () => {
      for (;;) {
        await sleep(Math.max(0, Math.min(BAKE_EVERY * 1000, end - Date.now())), undefined, { signal: op.signal }).catch(() => undefined)
        // A cancel is undone by the pipeline before the next step, like any other.
        if (op.signal?.aborted) return
        const results = await runSmoke({ ...op, reporter: quiet(op.reporter) }, activeSessions(run), spec.smoke)
        run.result.bake!.rounds++
        const failed = results.filter((r) => !r.ok)
        if (failed.length) {
          run.result.smoke = results
          await smokeFailed(run, failed, ` during the bake (${Math.round((Date.now() - started) / 1000)} s of ${spec.bake} s after the checks first passed)`)
        }
        if (Date.now() >= end) break
      }
      op.reporter.info(`baked ${spec.bake} s: ${run.result.bake!.rounds} rounds of the smoke checks, all passed`)
    })
  }
}
