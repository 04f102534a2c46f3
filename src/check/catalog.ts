import { PHP_RULES } from './php/catalog.js'
import { SQL_RULES } from './sql/catalog.js'
import type { Finding, RuleInfo } from './types.js'
import { VERIFY_RULES } from './verify/catalog.js'

/** Every rule the check knows, in documentation order. */
export const RULES: readonly RuleInfo[] = [...PHP_RULES, ...SQL_RULES, ...VERIFY_RULES]

const byId = new Map(RULES.map((r) => [r.id, r]))

/** The rule with this id; throws on an unknown id (a bug, not bad input). */
export function ruleInfo(id: string): RuleInfo {
  const info = byId.get(id)
  if (!info) throw new Error(`unknown rule id ${id}`)
  return info
}

/** Where a finding sits, as the rules see it. */
export interface Site { file: string; line: number; column: number; endLine?: number; endColumn?: number }

/** Builds a finding of rule `id` at `site`, with the rule's severity, reason and fix. */
export function finding(id: string, site: Site, message: string, detail?: string): Finding {
  const info = ruleInfo(id)
  const f: Finding = { ruleId: id, severity: info.severity, file: site.file, line: site.line, column: site.column,
    message, reason: info.reason, fix: info.fix }
  if (site.endLine !== undefined) f.endLine = site.endLine
  if (site.endColumn !== undefined) f.endColumn = site.endColumn
  if (detail !== undefined) f.detail = detail
  return f
}
