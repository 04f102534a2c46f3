/**
 * Phases that start a host job (`src/commands/detach.ts`): when the connection is lost while the job runs, the
 * host finishes it anyway; the runner connects again (a few tries, 1 + 2 + 4 s apart) and follows the job's log
 * from its start to its end, so the phase's result is the job's, as if nothing had happened.
 */
import { unlessAborted } from './abort.js'
import { followJob, NO_JOB } from '../commands/detach.js'
import type { Command } from '../commands/shell.js'
import { SlipwayError } from '../errors.js'
import type { Reporter } from '../reporter.js'
import type { ScriptResult } from '../remote/script.js'
import type { Spec } from '../spec/types.js'
import { runPhase, StepError, type Session } from './session.js'

const RETRIES = [1, 2, 4]

/** Runs a phase whose commands start host job `job`; a lost connection is made again and the job followed to its end. */
export async function runJobPhase(s: Session, spec: Spec, reporter: Reporter, phase: string, commands: Command[], job: string, extra: Parameters<typeof runPhase>[5] = {}): Promise<ScriptResult> {
  try {
    return await runPhase(s, spec, reporter, phase, commands, extra)
  } catch (error) {
    if (!(error instanceof StepError) || !error.lost || !s.reopen) throw error
    return followAgain(s, spec, reporter, phase, job, error, extra.okCodes)
  }
}

/** The run stopped following a host job (the cancel's time limit): the host finishes it, and it releases the lock. */
export class LeftToHost extends SlipwayError {
  constructor(readonly host: string, readonly job: string) {
    super(`${host}: stopped following the host job ${job} to exit within CI's grace; the host finishes it on its own and it releases the lock (its log: .slipway/jobs/${job}.log)`)
    this.name = 'LeftToHost'
  }
}

/**
 * An undo as a host job: `first` and the job's start in one phase, then the job followed to its end — unless
 * `late` aborts first (a cancel's time limit): then {@link LeftToHost} is thrown and the host finishes alone.
 */
export async function undoOnHost(s: Session, spec: Spec, reporter: Reporter, phase: string, first: Command[], start: Command[], job: string, late?: AbortSignal): Promise<ScriptResult> {
  await runJobPhase(s, spec, reporter, phase, [...first, ...start], job)
  const follow = runJobPhase(s, spec, reporter, phase, followJob(s.layout, job), job)
  return late ? unlessAborted(follow, late, () => new LeftToHost(s.host.name, job)) : follow
}

/**
 * Connects again (the session goes on over the new connection) and follows job `job`; throws `lost` when the host
 * has no such job (it never started), when no try connects, or when the session is closed meanwhile.
 */
async function followAgain(s: Session, spec: Spec, reporter: Reporter, phase: string, job: string, lost: StepError, okCodes?: number[]): Promise<ScriptResult> {
  for (const wait of RETRIES) {
    if (!s.reopen) break
    reporter.warn(`${s.host.name}: the connection was lost during "${phase}"; the host finishes its job ${job} on its own; connecting again in ${wait} s to follow it`)
    await new Promise((r) => setTimeout(r, wait * 1000))
    if (!s.reopen || !(await reconnect(s, reporter))) continue
    try {
      return await runPhase(s, spec, reporter, `${phase} (followed again)`, followJob(s.layout, job), { okCodes })
    } catch (error) {
      if (!(error instanceof StepError)) throw error
      if (error.code === NO_JOB) throw lost
      if (!error.lost) throw error
    }
  }
  throw lost
}

/** A new connection for the session, unless it was closed meanwhile (then the new one is closed too). */
async function reconnect(s: Session, reporter: Reporter): Promise<boolean> {
  const remote = await s.reopen!().catch((e: Error) => {
    reporter.warn(`${s.host.name}: cannot connect again: ${e.message}`)
    return undefined
  })
  if (!remote) return false
  if (!s.reopen) {
    await remote.close().catch(() => undefined)
    return false
  }
  await s.channel?.close().catch(() => undefined)
  await s.remote.close().catch(() => undefined)
  s.remote = remote
  s.channel = undefined
  return true
}
