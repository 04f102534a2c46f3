import type { IndexType } from './blueprint.js'
import type { Span } from './chain.js'

/** A column as a Blueprint call defines it: `$table->string('email', 100)->nullable()`. */
export interface ColumnDef {
  name: string
  /** The Blueprint method (`string`, `integer`, …). */
  type: string
  /** The type method's arguments after the name, rendered by argsKey. */
  args: string[]
  /** Modifier name → rendered arguments, in call order. */
  modifiers: Map<string, string[]>
  span: Span
}

/** An index as Laravel would name it. */
export interface IndexDef { type: IndexType; columns: string[]; name: string }

/** What one statement of a migration method does to the schema; `branched` when it sits in one arm of an if/else. */
export type SchemaOp = { branched?: boolean } & (
  | { op: 'create-table'; table: string; columns: ColumnDef[]; span: Span }
  | { op: 'drop-table'; table: string; span: Span }
  | { op: 'rename-table'; from: string; to: string; span: Span }
  | { op: 'add-column'; table: string; column: ColumnDef; span: Span }
  | { op: 'change-column'; table: string; column: ColumnDef; span: Span }
  | { op: 'drop-column'; table: string; columns: string[]; span: Span }
  | { op: 'rename-column'; table: string; from: string; to: string; span: Span }
  | { op: 'add-index'; table: string; index: IndexDef; span: Span }
  | { op: 'drop-index'; table: string; index: IndexDef; span: Span; withColumn?: boolean }
  | { op: 'raw-sql'; call: string; sql: string | undefined; span: Span; sqlSpan: Span }
  | { op: 'delete-data'; what: string; span: Span }
  /** Rows written by the migration: `DB::table('t')->update([...])`, `Model::query()->update()`; `where` when narrowed. */
  | { op: 'update-data'; table: string | undefined; what: string; where: boolean; rows?: 'loop'; span: Span }
  /** A schema call the check cannot follow (a computed table or column name): said, never silent. */
  | { op: 'unresolved'; what: string; span: Span })

/** The operations of up() or down(), with whether some statement could not be read. */
export interface MethodOps {
  ops: SchemaOp[]
  /** Whether the method contains statements at all (comments do not count). */
  empty: boolean
}
