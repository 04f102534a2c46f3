import type { CheckResult } from '../types.js'

/** The machine report: `{ version: 1, exitCode, counts, files, findings, suppressed, verify?, verifyRollback? }`, pretty-printed. */
export function formatJson(result: CheckResult): string {
  const { exitCode, counts, files, findings, suppressed, verify, verifyRollback } = result
  return `${JSON.stringify({ version: 1, exitCode, counts, files, findings, suppressed, ...(verify ? { verify } : {}), ...(verifyRollback ? { verifyRollback } : {}) }, null, 2)}\n`
}
