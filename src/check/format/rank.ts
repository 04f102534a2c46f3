import type { Finding, Reason, Severity } from '../types.js'

const SEVERITY: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }
const REASON: Record<Reason, number> = { 'data-loss': 0, 'breaks-running-code': 1, 'fails-to-apply': 2, irreversible: 3, lock: 4, 'needs-review': 5 }

/** Orders findings worst first: severity, then reason (data loss before a lock), then position. */
export function byWorst(a: Finding, b: Finding): number {
  return SEVERITY[a.severity] - SEVERITY[b.severity] || REASON[a.reason] - REASON[b.reason] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column
}

/** `1 error`, `2 warnings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
