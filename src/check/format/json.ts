import type { CheckResult } from '../types.js'

/** The machine report: `{ version: 1, exitCode, counts, files, findings, suppressed, verify? }`, pretty-printed. */
export function formatJson(result: CheckResult): string {
  const { exitCode, counts, files, findings, suppressed, verify } = result
  return `${JSON.stringify({ version: 1, exitCode, counts, files, findings, suppressed, ...(verify ? { verify } : {}) }, null, 2)}\n`
}
