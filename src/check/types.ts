/** How bad a finding is: only `error` fails the check (exit code 1). */
export type Severity = 'error' | 'warning' | 'notice'

/**
 * Why a migration is unsafe:
 * - `lock`: takes a lock that blocks reads or writes for as long as the statement runs on a big table;
 * - `breaks-running-code`: the code still serving traffic during the rollout (or after a code rollback) fails;
 * - `data-loss`: rows or columns are destroyed;
 * - `irreversible`: the migration cannot be rolled back to the schema it started from;
 * - `fails-to-apply`: the migration errors out when it runs;
 * - `needs-review`: the check cannot tell, a person must look.
 */
export type Reason = 'lock' | 'breaks-running-code' | 'data-loss' | 'irreversible' | 'fails-to-apply' | 'needs-review'

/** One problem in one migration file. Lines and columns are 1-based. */
export interface Finding {
  /** Stable rule id, e.g. `drop-column` or `pg-create-index`. */
  ruleId: string
  severity: Severity
  /** Path relative to the check's `cwd`, with `/` separators. */
  file: string
  line: number
  column: number
  endLine?: number
  endColumn?: number
  /** What is wrong here, naming the table/column involved. */
  message: string
  reason: Reason
  /** The safe alternative (expand → migrate → contract). */
  fix: string
  /** Extra detail shown under the message (e.g. a schema difference). */
  detail?: string
}

/** A finding that a suppression silenced, with where the suppression came from and its reason. */
export interface SuppressedFinding extends Finding {
  suppression: { kind: 'inline' | 'config'; reason: string; line?: number }
}

/** Static description of a rule: the catalog behind SARIF's `rules` and the docs. */
export interface RuleInfo {
  id: string
  title: string
  severity: Severity
  reason: Reason
  fix: string
  /** Reported only when `check.rules` gives the rule a level (squawk's opt-in rules). */
  optIn?: boolean
}

/**
 * The deploy spec's `check:` section.
 *
 * ```yaml
 * check:
 *   paths: [database/migrations, db/sql]      # what to check when no path is given
 *   laravel: 11                               # Laravel major version (default: composer.lock, else latest)
 *   database: mysql                           # production engine (default: .env.example, config/database.php)
 *   policy: forward-only                      # missing/empty down() are notices, not errors
 *   rules: { raw-sql: notice, add-index: off } # per-rule severity override, or off
 *   ignore:
 *     - rule: drop-column
 *       path: database/migrations/2024_*_drop_legacy_*.php
 *       reason: legacy columns unused since v3 (ticket OPS-12)
 *   verify: { database: "pgsql://postgres@127.0.0.1:5432/postgres", app: "." }
 * ```
 */
export interface CheckConfig {
  /** Files or directories to check when none are given (default `database/migrations` and `**\/migrations/**\/*.sql`). */
  paths?: string[]
  /** Suppressions: `rule` is a rule id (or `*`), `path` a glob relative to cwd (default: every file), `reason` is required. */
  ignore?: Array<{ rule: string; path?: string; reason: string }>
  /** Per-rule severity override; `off` disables the rule. */
  rules?: Record<string, Severity | 'off'>
  /** Laravel major version; decides rules that differ by version (`change-drops-modifiers` fires from 11 on). */
  laravel?: number
  /**
   * The production database engine (`pgsql`, `mysql`, `mariadb`, `sqlite`, `sqlsrv`); default: DB_CONNECTION in
   * .env.example, else the default connection of config/database.php. Decides engine-specific rules and advice.
   */
  database?: string
  /**
   * `forward-only`: the team writes migrations without down() on purpose; `missing-down` and `empty-down` become
   * notices that say the release cannot step its schema back.
   */
  policy?: 'forward-only'
  /**
   * Defaults for `--verify` and `--verify-rollback`: `database` is a DSN (`sqlite` default, `pgsql://…`, `mysql://…`),
   * `app` the Laravel app directory, `serve` the command that serves the base revision for HTTP checks
   * (`{port}` is filled in; default `php artisan serve --host=127.0.0.1 --port={port}`).
   */
  verify?: { database?: string; app?: string; serve?: string }
}

/** Input of {@link checkMigrations}. */
export interface CheckOptions {
  /** Directory that paths and reported file names are relative to (default `process.cwd()`). */
  cwd?: string
  /** Files or directories to check; default `config.paths`, else `database/migrations` and `*.sql` under `migrations` dirs. */
  paths?: string[]
  /** Git ref: check only migrations added or changed since its merge base with HEAD (working tree included). */
  base?: string
  /** The spec's `check:` section. */
  config?: CheckConfig
  /** Run the selected Laravel migrations up → down → up against a scratch database. */
  verify?: boolean
  /** DSN for `verify` (overrides `config.verify.database`): `sqlite` (default), `pgsql://user:pass@host:port/db`, `mysql://…`. */
  database?: string
  /** Laravel app directory for `verify` (overrides `config.verify.app`; default cwd). */
  app?: string
  /**
   * Prove a code rollback works: migrate a scratch database to HEAD, boot the `base` revision (a git worktree)
   * on it and run `smoke`; a failing check is a finding on the migration that breaks it. Needs `base` and `smoke`.
   */
  verifyRollback?: boolean
  /** The smoke checks `verifyRollback` runs against the base revision (the deploy spec's `smoke:` list). */
  smoke?: RollbackCheck[]
}

/** An HTTP response as a smoke check sees it. */
export interface HttpReply { status: number; headers: Record<string, string>; body: string }

/** One smoke check for `verifyRollback`: a command (`run`) or a request (`http`). */
export interface RollbackCheck {
  name: string
  /** A shell command run in the base revision's app directory; exit 0 passes. */
  run?: string
  /** A URL: its path and query are requested from the base revision served locally. */
  http?: string
  method?: string
  /** Seconds. */
  timeout: number
  /** Why a response fails the check, or undefined when it passes (default: a status of 400 or more fails). */
  judge?: (reply: HttpReply) => string | undefined
}

/** What one smoke check did under `verifyRollback`, on the schema of the PR's head. */
export interface RollbackOutcome {
  check: string
  status: 'passed' | 'failed'
  /** The migration (relative path) after which the base revision fails the check. */
  file?: string
  detail?: string
}

/** What happened to one migration under `--verify`. */
export interface VerifyOutcome {
  file: string
  status: 'ok' | 'up-failed' | 'down-failed' | 'down-mismatch' | 'reapply-failed' | 'reapply-mismatch' | 'skipped'
  /** Schema difference or command output tail, when not ok. */
  detail?: string
}

/** Output of {@link checkMigrations}. */
export interface CheckResult {
  /** Unsuppressed findings, sorted by file, line, column. */
  findings: Finding[]
  /** Findings silenced by an inline comment or the config's `ignore` list. */
  suppressed: SuppressedFinding[]
  /** Files checked, relative to cwd. */
  files: string[]
  /** What directory walks left out (dependency directories, rollback scripts), relative to cwd, with the reason. */
  skipped?: Array<{ path: string; reason: string }>
  /** One entry per migration run, when `verify` was asked. */
  verify?: VerifyOutcome[]
  /** One entry per smoke check, when `verifyRollback` was asked. */
  verifyRollback?: RollbackOutcome[]
  counts: { error: number; warning: number; notice: number }
  /** 0 when no error-level finding remains, else 1. */
  exitCode: 0 | 1
}
