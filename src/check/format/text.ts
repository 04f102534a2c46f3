import type { CheckResult } from '../types.js'
import { plural } from './rank.js'

/**
 * The human report: findings grouped by file (`line:col  severity  rule  message`, then why and how to fix it),
 * the --verify and --verify-rollback outcomes, and a summary line.
 */
export function formatText(result: CheckResult): string {
  const lines: string[] = []
  let file: string | undefined
  for (const f of result.findings) {
    if (f.file !== file) { if (file !== undefined) lines.push(''); file = f.file; lines.push(f.file) }
    lines.push(`  ${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.ruleId}  ${f.message}`)
    if (f.detail) for (const d of f.detail.split('\n')) lines.push(`      | ${d}`)
    lines.push(`      why: ${f.reason}. fix: ${f.fix}`)
  }
  if (result.verify && result.verify.length > 0) {
    if (lines.length > 0) lines.push('')
    lines.push('verify (up → down → up on a scratch database):')
    for (const v of result.verify) lines.push(`  ${v.status.padEnd(16)}  ${v.file}`)
  }
  if (result.verifyRollback && result.verifyRollback.length > 0) {
    if (lines.length > 0) lines.push('')
    lines.push('verify-rollback (the base revision\'s smoke checks on the new schema):')
    for (const v of result.verifyRollback) lines.push(`  ${v.status.padEnd(16)}  ${v.check}${v.file ? ` (from ${v.file})` : ''}`)
  }
  const skipped = result.skipped ?? []
  if (skipped.length > 0) {
    if (lines.length > 0) lines.push('')
    lines.push('skipped:')
    for (const s of skipped) lines.push(`  ${s.path}  (${s.reason})`)
  }
  if (lines.length > 0) lines.push('')
  const { error, warning, notice } = result.counts
  const suppressed = result.suppressed.length > 0 ? ` (${result.suppressed.length} suppressed)` : ''
  lines.push(`${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(notice, 'notice')} in ${plural(result.files.length, 'file')}${suppressed}`)
  return `${lines.join('\n')}\n`
}
