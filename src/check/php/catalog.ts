import type { RuleInfo } from '../types.js'

const rule = (id: string, severity: RuleInfo['severity'], reason: RuleInfo['reason'], title: string, fix: string): RuleInfo =>
  ({ id, severity, reason, title, fix })

/** The Laravel migration rules. */
export const PHP_RULES: readonly RuleInfo[] = [
  rule('drop-column', 'error', 'breaks-running-code', 'Column dropped',
    'Contract in two deploys: first ship code that no longer reads or writes the column (drop it from $fillable, $casts, queries), then drop the column in a later migration.'),
  rule('drop-table', 'error', 'data-loss', 'Table dropped',
    'Ship code that no longer uses the table first; drop it in a later release, after a backup (or rename it to a *_deprecated table and drop that later).'),
  rule('rename-column', 'error', 'breaks-running-code', 'Column renamed',
    'Expand → migrate → contract: add the new column, write both, backfill, switch reads to the new column, then drop the old one in a later release.'),
  rule('rename-table', 'error', 'breaks-running-code', 'Table renamed',
    'Create the new table (or a view with the new name), write both, backfill, switch reads, then drop the old table in a later release.'),
  rule('change-column-type', 'warning', 'lock', 'Column type changed',
    'Changing a type rewrites the table under an exclusive lock and breaks code that expects the old type: add a new column of the new type, backfill in batches, switch the code, drop the old column later.'),
  rule('change-drops-modifiers', 'error', 'breaks-running-code', 'change() drops modifiers (Laravel 11+)',
    'From Laravel 11 on, ->change() keeps only the modifiers it restates: repeat every modifier the column had (nullable(), default(), unsigned(), comment(), …).'),
  rule('add-not-null-column', 'error', 'breaks-running-code', 'NOT NULL column without default on an existing table',
    'The running code inserts rows without this column: add it ->nullable() (or with ->default()), backfill, and make it NOT NULL in a later migration once every writer sets it.'),
  rule('add-index', 'warning', 'lock', 'Index added to an existing table',
    "Postgres blocks writes while the index builds: DB::statement('CREATE INDEX CONCURRENTLY …') in a migration with public $withinTransaction = false (MySQL: ALGORITHM=INPLACE, LOCK=NONE)."),
  rule('add-unique', 'warning', 'lock', 'Unique or primary key added to an existing table',
    "Build the unique index first with DB::statement('CREATE UNIQUE INDEX CONCURRENTLY …') ($withinTransaction = false), then ADD CONSTRAINT … UNIQUE USING INDEX; clean up duplicates before."),
  rule('add-foreign-key', 'warning', 'lock', 'Foreign key added to an existing table',
    "Validating the key locks both tables: DB::statement('ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID'), then VALIDATE CONSTRAINT in a later migration."),
  rule('concurrently-in-transaction', 'error', 'fails-to-apply', 'CONCURRENTLY inside a transaction',
    'Postgres refuses CONCURRENTLY in a transaction block: add public $withinTransaction = false; to the migration class.'),
  rule('missing-down', 'error', 'irreversible', 'No down() method',
    'Write a down() that undoes up() exactly, so a failed release can roll back its schema.'),
  rule('empty-down', 'error', 'irreversible', 'Empty down() method',
    'Write a down() that undoes up() exactly; if the change truly cannot be undone, suppress this with the reason.'),
  rule('down-mismatch', 'error', 'irreversible', 'down() does not undo up()',
    'Every table, column and index that up() adds must be removed in down(), and everything up() removes or renames must be restored.'),
  rule('raw-sql', 'warning', 'needs-review', 'Raw SQL the check cannot analyse',
    'Use literal SQL the check can parse, or have someone review the statement for locks and reversibility, then suppress with the reason.'),
  rule('delete-data', 'error', 'data-loss', 'Data deleted in a migration',
    'Move data clean-ups out of schema migrations (a job or command that can be retried), or keep a copy of the rows and restore them in down().'),
  rule('parse-error', 'error', 'needs-review', 'File does not parse',
    'Fix the syntax error; the check cannot review a file it cannot parse.'),
  rule('unrecognized-migration', 'warning', 'needs-review', 'No migration class found',
    'A Laravel migration returns (or declares) a class extending Migration with up() and down().'),
  rule('migration-modified', 'error', 'irreversible', 'Merged migration changed',
    'A migration that already ran in production never runs again: revert the change and write a new migration instead.'),
  rule('suppression-without-reason', 'warning', 'needs-review', 'Suppression without a reason',
    'Write the reason after the rule id: // slipway-ignore drop-column: unused since v3 (OPS-12).')
]
