/** The Action's main step: reads inputs, runs one command on the library, writes outputs and the job summary. */
import * as core from '@actions/core'
import { context as github } from '@actions/github'
import { failureMarkdown } from '../report/summary.js'
import { checkCommand } from './check.js'
import { createContext, type Context, type Outcome } from './context.js'
import { maskSecret } from './credentials.js'
import { deployCommand } from './deploy.js'
import { isEntry } from './entry.js'
import { readInputs, type ActionCommand } from './inputs.js'
import { actionLog } from './log.js'
import { releasesCommand } from './releases.js'
import { rollbackCommand } from './rollback.js'
import { writeOutputs, writeSummary } from './summary.js'

const commands: Record<ActionCommand, (ctx: Context) => Promise<Outcome>> = {
  deploy: deployCommand,
  rollback: rollbackCommand,
  releases: releasesCommand,
  check: (ctx) => checkCommand(ctx, github.payload)
}

/**
 * Runs the main step once: inputs in, one command, outputs and summary out; a failure sets the exit code (1)
 * and never throws. The runner starts this file; `@github/local-action` imports it and calls `run()`.
 */
export async function run(): Promise<void> {
  const log = actionLog()
  // Masked before anything can print them, even when they turn out to be invalid.
  maskSecret(core.getInput('ssh-private-key'))
  maskSecret(core.getInput('github-token'))
  let command = core.getInput('command') || 'deploy'
  try {
    const settings = readInputs((name) => core.getInput(name))
    command = settings.command
    const outcome = await commands[settings.command](createContext(settings, log))
    log.resume()
    writeOutputs(outcome)
    await writeSummary(outcome.summary)
    if (outcome.failure && outcome.quiet) {
      core.info(outcome.failure)
      process.exitCode = 1
    } else if (outcome.failure) {
      core.setFailed(outcome.failure)
    }
  } catch (error) {
    log.resume()
    const message = error instanceof Error ? error.message : String(error)
    await writeSummary(failureMarkdown(`slipway ${command}`, message)).catch(() => undefined)
    core.setFailed(message)
    if (error instanceof Error && error.stack) core.debug(error.stack)
  }
}

if (isEntry(import.meta.url)) await run()
