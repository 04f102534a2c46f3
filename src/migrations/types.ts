/** What a migration driver knows: how to read the applied migrations, run new ones, and step back a batch. */
import type { Command } from '../commands/shell.js'

/** The applied migrations as read from the database, in order. */
export interface MigrationState {
  /** Framework version (Laravel: 8.83.26), when known. */
  version?: string
  /** Database driver (sqlite, mysql, pgsql), when known. */
  driver?: string
  /** Applied migrations with their batch (0 where the framework has no batches). */
  ran: Array<[string, number]>
  /** Migration files not yet applied, in order. */
  pending: string[]
  /** For migration files in the release (applied or pending): can down() undo it? */
  undo: Record<string, 'ok' | 'none' | 'empty'>
}

/** A framework's migration commands, each run in a release directory. */
export interface MigrationDriver {
  name: string
  /** Prints the {@link MigrationState} as one JSON line. */
  state(): Command
  /** Applies pending migrations. */
  run(): Command
  /**
   * Optional: reads the state, migrates when something is pending and reads it again in one process,
   * printing the `before` and `after` data lines itself (given their prefixes); exits with migrate's code.
   */
  runTracked?(before: string, after: string, schema?: string, point?: { base: string; prefix: string }): Command
  /**
   * Optional: prints `<prefix><label> <schema JSON>`, the database's schema now (see schema.ts). With it,
   * {@link runTracked} also prints the schema before migrating and, on a failure, as the failed migration
   * started and as it left it (labels `before`, `start`, `after`).
   */
  snapshot?(prefix: string, label: string): Command
  /** Optional (with {@link snapshot}): runs SQL statements on the app's connection, printing `<prefix>ok <i>` or `<prefix>failed <i> <base64 message>` each. */
  exec?(prefix: string, statements: string[]): Command
  /**
   * Optional, with {@link runTracked}: built-in restore points. `runTracked` given `point` takes one at `point.base`
   * (plus the engine's extension) when something is pending, before migrating, and prints it after `point.prefix`;
   * this restores one (the point's tables kept, any other dropped) and prints the outcome after `prefix`.
   */
  restorePoint?(file: string, tables: string[], prefix: string): Command
  /** Steps back exactly `names` (one batch, the newest), given the state they were read in. */
  stepBack(names: string[], batch: number, state: MigrationState): Command
  /**
   * Optional: steps back what of batch `batch` is applied (all of it, part or none: nothing then), the batch being
   * the newest, given the framework version read before migrating. With it, a step-back can be planned before the
   * migrations run (the migrate guard's).
   */
  stepBackBatch?(batch: number, version: string | undefined): Command
  /** Optional: says which step-back {@link stepBack} chose for this state and why (printed in the report). */
  describeStepBack?(names: string[], batch: number, state: MigrationState): string
  /** A shell test that is true when the state held in `$var` may have pending migrations (so migrate must run). */
  hasPending(variable: string): Command
  /** Reads the line {@link state} printed. */
  parse(line: string | undefined): MigrationState
}

/** Parses a JSON state line; throws with the text when it is not the expected JSON. */
export function parseJsonState(line: string | undefined): MigrationState {
  try {
    const s = JSON.parse(line ?? '') as Partial<MigrationState>
    return { version: s.version, driver: s.driver, ran: s.ran ?? [], pending: s.pending ?? [], undo: s.undo ?? {} }
  } catch {
    throw new Error(`could not read the migration state (got: ${JSON.stringify((line ?? '').slice(0, 300))})`)
  }
}
