/** What the Laravel rules are given besides the migration. */
import type { Database } from './database.js'
import type { ColumnDef } from './ops.js'
import type { LaravelVersion } from './version.js'

/** The last definition of a column in an earlier migration, for `->change()`. */
export interface PreviousColumn { column: ColumnDef; file: string }

/** What the Laravel rules need besides the migration itself. */
export interface PhpContext {
  file: string
  /** The Laravel version of the app the migration belongs to. */
  laravel: LaravelVersion
  /** The database the app runs on. */
  database: Database
  previousColumn(table: string, column: string): PreviousColumn | undefined
}
