/**
 * Phases that start a host job (`src/commands/detach.ts`): when the connection is lost while the job runs, the
 * host finishes it anyway; the runner connects again (a few tries, 1 + 2 + 4 s apart) and follows the job's log
 * from its start to its end, so the phase's result is the job's, as if nothing had happened.
 */
import { followJob, NO_JOB } from '../commands/detach.js'
import type { Command } from '../commands/shell.js'
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

/** Connects again and follows job `job`; throws `lost` when the host has no such job (it never started) or no try connects. */
async function followAgain(s: Session, spec: Spec, reporter: Reporter, phase: string, job: string, lost: StepError, okCodes?: number[]): Promise<ScriptResult> {
  for (const wait of RETRIES) {
    if (!s.reopen) break
    reporter.warn(`${s.host.name}: the connection was lost during "${phase}"; the host finishes its job ${job} on its own; connecting again in ${wait} s to follow it`)
    await new Promise((r) => setTimeout(r, wait * 1000))
    const remote = await s.reopen().catch((e: Error) => {
      reporter.warn(`${s.host.name}: cannot connect again: ${e.message}`)
      return undefined
    })
    if (!remote) continue
    const again: Session = { ...s, remote, channel: undefined }
    try {
      const result = await runPhase(again, spec, reporter, `${phase} (followed again)`, followJob(s.layout, job), { okCodes })
      await adopt(s, remote)
      return result
    } catch (error) {
      if (error instanceof StepError && error.code === NO_JOB) {
        await remote.close().catch(() => undefined)
        throw lost
      }
      if (error instanceof StepError && !error.lost) {
        await adopt(s, remote)
        throw error
      }
      await remote.close().catch(() => undefined)
    }
  }
  throw lost
}

/** The session goes on over the new connection (its later phases open their own channels). */
async function adopt(s: Session, remote: Session['remote']): Promise<void> {
  await s.channel?.close().catch(() => undefined)
  await s.remote.close().catch(() => undefined)
  s.remote = remote
  s.channel = undefined
}
