import { rule } from '../rule.js'
import type { RuleInfo } from '../types.js'

/** The PostgreSQL rules, for `.sql` migrations and the literal SQL in Laravel's DB::statement(). */
export const SQL_RULES: readonly RuleInfo[] = [
  rule('pg-create-index', 'warning', 'lock', 'CREATE INDEX without CONCURRENTLY',
    'CREATE INDEX CONCURRENTLY, outside a transaction block (it blocks no writes).'),
  rule('pg-drop-index', 'warning', 'lock', 'DROP INDEX without CONCURRENTLY',
    'DROP INDEX CONCURRENTLY, outside a transaction block.'),
  rule('pg-constraint-not-valid', 'warning', 'lock', 'Foreign key or check constraint validated while locked',
    'ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a separate migration (it takes a lighter lock).'),
  rule('pg-add-unique-constraint', 'warning', 'lock', 'UNIQUE / PRIMARY KEY built under an exclusive lock',
    'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX).'),
  rule('pg-set-not-null', 'warning', 'lock', 'SET NOT NULL scans the table under an exclusive lock',
    'ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (Postgres 12+ skips the scan) and drop the check.'),
  rule('pg-alter-column-type', 'warning', 'lock', 'Column type change rewrites the table',
    'Add a new column of the new type, backfill in batches, switch the code, drop the old column later.'),
  rule('pg-volatile-default', 'warning', 'lock', 'ADD COLUMN with a volatile default or a serial/stored generated column rewrites the table',
    'Add the column without the default (or with a constant one), set the default for new rows, backfill in batches.'),
  rule('pg-add-not-null-column', 'error', 'breaks-running-code', 'NOT NULL column without default',
    'Add the column nullable (or with a constant DEFAULT), backfill, then SET NOT NULL safely in a later migration.'),
  rule('pg-rename-column', 'error', 'breaks-running-code', 'Column renamed',
    'Add the new column, write both, backfill, switch reads, drop the old column in a later release.'),
  rule('pg-rename-table', 'error', 'breaks-running-code', 'Table renamed',
    'Create the new table (or a view with the new name), switch the code, drop the old one in a later release.'),
  rule('pg-drop-column', 'error', 'breaks-running-code', 'Column dropped',
    'Ship code that no longer uses the column first, then drop it in a later migration.'),
  rule('pg-drop-table', 'error', 'data-loss', 'Table dropped',
    'Ship code that no longer uses the table first, back it up, and drop it in a later release.'),
  rule('pg-delete-data', 'error', 'data-loss', 'TRUNCATE or DELETE without WHERE',
    'Move data clean-ups out of schema migrations, or keep a copy of the rows.'),
  rule('pg-missing-lock-timeout', 'warning', 'lock', 'No lock_timeout before a locking statement',
    "SET lock_timeout = '5s'; at the top of the migration, so a statement waiting for its lock does not queue every query behind it."),
  rule('pg-concurrently-in-transaction', 'error', 'fails-to-apply', 'CONCURRENTLY inside BEGIN … COMMIT',
    'Run CREATE/DROP INDEX CONCURRENTLY outside the transaction block.'),
  rule('pg-parse-error', 'error', 'needs-review', 'SQL does not parse',
    'Fix the statement (the check uses the PostgreSQL 18 parser); for another dialect, review by hand and suppress with the reason.')
]
