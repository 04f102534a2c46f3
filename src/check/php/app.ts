import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { detectDatabase, type Database } from './database.js'
import { detectLaravel, type LaravelVersion } from './version.js'

/** What the rules need to know about the app a migration belongs to. */
export interface AppFacts { laravel: LaravelVersion; database: Database }

const UNKNOWN_LARAVEL: LaravelVersion = { major: undefined, source: 'no composer.lock names laravel/framework: assumed 11+, set check.laravel' }
const UNKNOWN_DATABASE: Database = { engine: undefined, source: 'database unknown: set check.database' }

/**
 * Finds the app of migrations in a directory: the nearest directory at or above it with a composer.json or
 * composer.lock, stopping at a git work tree's root; reads its Laravel version and database once.
 * Settings (`check.laravel`, `check.database`) win over what is found.
 */
export class Apps {
  private readonly roots = new Map<string, string | undefined>()
  private readonly facts = new Map<string, AppFacts>()

  constructor(private readonly fixed: { laravel?: LaravelVersion; database?: Database; root?: string } = {}) {}

  /** The facts that apply to migrations in `dir`. */
  for(dir: string): AppFacts {
    const root = this.fixed.root ?? this.root(dir)
    const key = root ?? ''
    let facts = this.facts.get(key)
    if (!facts) {
      facts = {
        laravel: this.fixed.laravel ?? (root ? detectLaravel(root) : undefined) ?? UNKNOWN_LARAVEL,
        database: this.fixed.database ?? (root ? detectDatabase(root) : undefined) ?? UNKNOWN_DATABASE
      }
      this.facts.set(key, facts)
    }
    return facts
  }

  private root(dir: string): string | undefined {
    if (this.roots.has(dir)) return this.roots.get(dir)
    let found: string | undefined
    if (existsSync(join(dir, 'composer.json')) || existsSync(join(dir, 'composer.lock'))) found = dir
    else if (dirname(dir) !== dir && !existsSync(join(dir, '.git'))) found = this.root(dirname(dir))
    this.roots.set(dir, found)
    return found
  }
}
