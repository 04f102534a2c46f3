/**
 * The Action's post step (runs even when the job failed or was cancelled): releases a deploy lock the main
 * step still holds (it was killed mid-operation), removes the temporary key, closes connections.
 * Nothing here fails the job: every problem is a warning.
 */
import * as core from '@actions/core'
import { releaseHeldLock } from '../deploy/release-lock.js'
import { describeHolder } from '../deploy/run.js'
import { removePaths } from './credentials.js'
import { isEntry } from './entry.js'
import { actionLog, type ActionLog } from './log.js'
import { loadActionSpec } from './spec.js'
import { readPostState, type LockState } from './state.js'

async function releaseLeftLock(lock: LockState, log: ActionLog): Promise<void> {
  const spec = loadActionSpec(lock.spec, lock.environment, lock.keyFile, lock.knownHosts)
  const results = await log.group('Release the deploy lock left by this run', () => releaseHeldLock({ spec, reporter: log, held: lock.held }))
  for (const r of results) {
    log.info(r.outcome === 'held by another' ? `${r.host}: lock held by another operation, left alone: ${describeHolder(r.holder)}` : `${r.host}: ${r.outcome}`)
  }
}

/** Runs the post step once (the runner starts this file; `@github/local-action --post` imports it and calls `run()`). */
export async function run(): Promise<void> {
  const log = actionLog()
  const state = readPostState()
  try {
    if (state.lock) await releaseLeftLock(state.lock, log)
  } catch (error) {
    log.warn(`post step: could not release the deploy lock: ${(error as Error).message}. If a host stays locked, run: slipway unlock`)
  }
  for (const problem of removePaths(state.paths)) log.warn(`post step: ${problem}`)
  log.resume()
  core.debug(`post step: removed ${state.paths.length} temporary path(s)`)
}

if (isEntry(import.meta.url)) await run()
