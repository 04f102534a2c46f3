import type { RuleInfo } from './types.js'

/** One catalog entry: id, severity, reason, title and the safe alternative. */
export const rule = (id: string, severity: RuleInfo['severity'], reason: RuleInfo['reason'], title: string, fix: string): RuleInfo =>
  ({ id, severity, reason, title, fix })

/** An opt-in rule: reported only when `check.rules` gives it a level. */
export const optIn = (info: RuleInfo): RuleInfo => ({ ...info, optIn: true })
