import { finding } from './catalog.js'
import { CheckInputError } from './errors.js'
import { matchesGlob } from './glob.js'
import type { CheckConfig, Finding, SuppressedFinding } from './types.js'

/** An inline `slipway-ignore rule-id[, rule-id]: reason` comment and the lines it covers. */
export interface Directive { rules: string[]; reason: string; line: number; from: number; to: number }

/** A statement's first and last line, for deciding what a comment above it covers. */
export type LineRange = [number, number]

const PATTERN = /(\/\/|#|--|\/\*|^\s*\*)\s*slipway-ignore(-file)?\s+([\w*-]+(?:\s*,\s*[\w*-]+)*)(.*)$/

/**
 * Reads the inline suppressions of a file. A comment alone on its line covers the statement that follows it
 * (all of it), a comment after code covers its own line, `slipway-ignore-file` covers the whole file.
 * A suppression without a reason suppresses nothing and is itself a finding.
 */
export function readDirectives(file: string, text: string, statements: LineRange[]): { directives: Directive[]; findings: Finding[] } {
  const directives: Directive[] = []
  const findings: Finding[] = []
  const lines = text.split('\n')
  lines.forEach((content, i) => {
    if (!content.includes('slipway-ignore')) return
    const m = PATTERN.exec(content)
    if (!m) return
    const line = i + 1
    const rules = (m[3] as string).split(',').map((r) => r.trim())
    const reason = /^\s*:/.test(m[4] ?? '') ? (m[4] as string).replace(/^\s*:/, '').replace(/\*\/.*$/, '').trim() : ''
    if (!reason) {
      findings.push(finding('suppression-without-reason', { file, line, column: (m.index ?? 0) + 1 },
        `slipway-ignore ${rules.join(', ')} has no reason, so it suppresses nothing`))
      return
    }
    if (m[2]) { directives.push({ rules, reason, line, from: 1, to: lines.length }); return }
    const trailing = content.slice(0, m.index).trim() !== '' && !/^\s*\*/.test(content)
    directives.push({ rules, reason, line, from: line, to: trailing ? line : coveredUntil(line, statements) })
  })
  return { directives, findings }
}

function coveredUntil(line: number, statements: LineRange[]): number {
  let first = Infinity
  let end = line
  for (const [start, stop] of statements) {
    if (start <= line) continue
    if (start < first) { first = start; end = stop } else if (start === first) end = Math.max(end, stop)
  }
  return end
}

/** Checks the config's `ignore` and `rules`: an unknown rule id, a missing reason or a bad level is bad input. */
export function validateConfig(config: CheckConfig, known: (id: string) => boolean): void {
  if (config.policy !== undefined && config.policy !== 'forward-only') throw new CheckInputError(`check.policy: ${String(config.policy)} is not forward-only`)
  for (const [i, entry] of (config.ignore ?? []).entries()) {
    if (!entry.rule) throw new CheckInputError(`check.ignore[${i}]: rule is required`)
    if (entry.rule !== '*' && !known(entry.rule)) throw new CheckInputError(`check.ignore[${i}]: unknown rule ${entry.rule}`)
    if (!entry.reason || !entry.reason.trim()) throw new CheckInputError(`check.ignore[${i}] (${entry.rule}): a reason is required`)
  }
  for (const [id, level] of Object.entries(config.rules ?? {})) {
    if (!known(id)) throw new CheckInputError(`check.rules: unknown rule ${id}`)
    if (!['error', 'warning', 'notice', 'off'].includes(level)) throw new CheckInputError(`check.rules.${id}: ${String(level)} is not error, warning, notice or off`)
  }
}

/** Splits findings into kept and suppressed (by an inline directive first, then by the config's ignore list). */
export function applySuppressions(findings: Finding[], directives: Directive[], ignores: CheckConfig['ignore']):
  { kept: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = []
  const suppressed: SuppressedFinding[] = []
  for (const f of findings) {
    if (f.ruleId === 'suppression-without-reason') { kept.push(f); continue }
    const d = directives.find((x) => matches(x.rules, f.ruleId) && f.line >= x.from && f.line <= x.to)
    if (d) { suppressed.push({ ...f, suppression: { kind: 'inline', reason: d.reason, line: d.line } }); continue }
    const entry = (ignores ?? []).find((x) => matches([x.rule], f.ruleId) && (!x.path || matchesGlob(f.file, x.path)))
    if (entry) { suppressed.push({ ...f, suppression: { kind: 'config', reason: entry.reason } }); continue }
    kept.push(f)
  }
  return { kept, suppressed }
}

function matches(rules: string[], id: string): boolean {
  return rules.includes(id) || rules.includes('*')
}
