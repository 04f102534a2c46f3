/** The Laravel migration driver: artisan to run and step back, a PHP probe to read the migrations table. */
import { cmd, raw, type Command } from '../commands/shell.js'
import { LARAVEL_PHP } from './laravel-php.js'
import { POINT_PHP } from './point-php.js'
import { parseJsonState, type MigrationDriver } from './types.js'

/** Options of the Laravel driver. */
export interface LaravelOptions {
  /** Overrides `php artisan migrate --force`. */
  run?: string
  /** The PHP binary (default: php). */
  php?: string
}

/** Laravel 10+ can roll back one batch by number; older versions count steps. */
export function supportsBatchRollback(version: string | undefined): boolean {
  return Number((version ?? '0').split('.')[0]) >= 10
}

/** The artisan arguments that step back `names` (batch `batch`), and a sentence saying why, from the version read on the host. */
export function stepBackArgs(names: string[], batch: number, version: string | undefined): { args: string[]; how: string } {
  const laravel = version ? `Laravel ${version}` : 'Laravel (version not read)'
  if (supportsBatchRollback(version)) {
    const args = ['migrate:rollback', `--batch=${batch}`, '--force', '--no-interaction']
    return { args, how: `${laravel}: php artisan ${args.slice(0, 2).join(' ')} (10+ rolls back one batch by its number)` }
  }
  const args = ['migrate:rollback', `--step=${names.length}`, '--force', '--no-interaction']
  return { args, how: `${laravel}: php artisan ${args.slice(0, 2).join(' ')} (no --batch before 10: the newest ${names.length}, checked to be exactly batch ${batch})` }
}

/** Builds the Laravel driver. */
export function laravelDriver(options: LaravelOptions = {}): MigrationDriver {
  const php = options.php ?? 'php'
  return {
    name: 'laravel',
    parse: parseJsonState,
    hasPending: (variable) => raw(`[[ "$${variable}" != *'"pending":[]'* ]]`),
    state: () => cmd(php, '-r', LARAVEL_PHP, 'state'),
    ...(options.run ? {} : { runTracked: (before: string, after: string, schema?: string, point?: { base: string; prefix: string }) => cmd(php, '-r', point ? LARAVEL_PHP + POINT_PHP : LARAVEL_PHP, 'migrate', before, after, schema ?? '', ...(point ? [point.base, point.prefix] : [])) }),
    snapshot: (prefix, label) => cmd(php, '-r', LARAVEL_PHP, 'schema', prefix, label),
    exec: (prefix, statements) => cmd(php, '-r', LARAVEL_PHP, 'exec', prefix, ...statements),
    restorePoint: (file, tables, prefix) => cmd(php, '-r', LARAVEL_PHP + POINT_PHP, 'point-restore', file, JSON.stringify(tables), prefix),
    run: () => (options.run ? raw(options.run) : cmd(php, 'artisan', 'migrate', '--force', '--no-interaction')),
    stepBack: (names, batch, state): Command => cmd(php, 'artisan', ...stepBackArgs(names, batch, state.version).args),
    stepBackBatch: (batch, version) => (supportsBatchRollback(version) ? cmd(php, 'artisan', ...stepBackArgs([], batch, version).args) : cmd(php, '-r', LARAVEL_PHP, 'rollback-batch', String(batch))),
    describeStepBack: (names, batch, state) => stepBackArgs(names, batch, state.version).how
  }
}
