/** Writes a command's results where the runner reads them: step outputs and the job summary. */
import * as core from '@actions/core'
import type { Outcome } from './context.js'

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY); a no-op outside a runner. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}

/** Sets every output of the outcome (GITHUB_OUTPUT). */
export function writeOutputs(outcome: Pick<Outcome, 'outputs'>): void {
  for (const [name, value] of Object.entries(outcome.outputs)) core.setOutput(name, value)
}
