import type { RuleInfo } from '../types.js'

const rule = (id: string, title: string, reason: RuleInfo['reason'], fix: string): RuleInfo =>
  ({ id, severity: 'error', reason, title, fix })

/** Findings of `--verify` (up → down → up on a scratch database) and `--verify-rollback` (the base revision on the new schema). */
export const VERIFY_RULES: readonly RuleInfo[] = [
  rule('verify-up-failed', 'Migration failed on a scratch database', 'fails-to-apply',
    'Fix the migration so `php artisan migrate` succeeds on a database migrated to the previous release.'),
  rule('verify-down-failed', 'Rollback failed on a scratch database', 'irreversible',
    'Fix down() so `php artisan migrate:rollback` succeeds right after up().'),
  rule('verify-down-mismatch', 'Rollback does not restore the schema', 'irreversible',
    'Make down() undo exactly what up() did: the schema after rollback must equal the schema before up().'),
  rule('verify-reapply-failed', 'Migration fails when applied again after a rollback', 'irreversible',
    'down() leaves something behind that up() trips on: remove it in down().'),
  rule('verify-reapply-mismatch', 'Re-applying gives a different schema', 'irreversible',
    'up() after down() must give the same schema as the first up(): make down() restore exactly what up() changed.'),
  rule('verify-rollback-failed', 'The previous release fails its smoke checks on the new schema', 'breaks-running-code',
    'Expand, then contract: keep what the previous release reads (the old column or table, a default for what it inserts) until a later release that no longer needs it; then a code rollback stays safe.')
]
