import type { CheckResult, Finding, Severity } from '../types.js'
import { byWorst, plural } from './rank.js'

/** Options of {@link formatGithub}. */
export interface GithubFormatOptions {
  /** At most this many annotations per level, worst first (GitHub shows 10 errors and 10 warnings per step). Default 10. */
  limit?: number
}

/** Escapes a workflow command's message, as @actions/core does: `%`, `\r`, `\n`. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow command's property value: `%`, `\r`, `\n`, `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** One `::error file=…,line=…,col=…,endLine=…,title=…::message` command for a finding. */
export function annotation(f: Finding): string {
  const props: Array<[string, string | number | undefined]> = [
    ['file', f.file], ['line', f.line], ['col', f.column], ['endLine', f.endLine], ['title', `${f.ruleId}: ${f.reason}`]
  ]
  const list = props.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')
  return `::${f.severity} ${list}::${escapeData(`${f.message}${f.detail ? `\n${f.detail}` : ''}\nFix: ${f.fix}`)}`
}

/**
 * GitHub workflow annotations: the worst `limit` findings of each level as `::error`/`::warning`/`::notice`
 * commands, then a plain line counting what was left out (the job summary has the full table).
 */
export function formatGithub(result: CheckResult, options: GithubFormatOptions = {}): string {
  const limit = options.limit ?? 10
  const lines: string[] = []
  const left: string[] = []
  for (const level of ['error', 'warning', 'notice'] as Severity[]) {
    const all = result.findings.filter((f) => f.severity === level).sort(byWorst)
    for (const f of all.slice(0, limit)) lines.push(annotation(f))
    if (all.length > limit) left.push(plural(all.length - limit, level))
  }
  if (left.length > 0) lines.push(`slipway check: ${left.join(', ')} not annotated (GitHub shows ${limit} per level); see the full report.`)
  return lines.length > 0 ? `${lines.join('\n')}\n` : ''
}
