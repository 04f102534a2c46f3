/** The audit line written on the host for each deploy and rollback. */
import type { Operation } from './run.js'

/** `<time> <operation> <release> by <who> [run <id>] [commit <sha>]: <outcome>` */
export function auditLine(op: Operation, operation: string, release: string, commit: string | undefined, outcome: string): string {
  return `${op.now().toISOString()} ${op.spec.app} ${operation} ${release} by ${op.by}${op.run ? ` run ${op.run}` : ''}${commit ? ` commit ${commit.slice(0, 12)}` : ''}: ${outcome}`
}
