/** The Laravel migration driver: artisan to run and step back, a PHP probe to read the migrations table. */
import { cmd, raw, type Command } from '../commands/shell.js'
import { LARAVEL_PHP } from './laravel-php.js'
import { parseJsonState, type MigrationDriver, type MigrationState } from './types.js'

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

/** Builds the Laravel driver. */
export function laravelDriver(options: LaravelOptions = {}): MigrationDriver {
  const php = options.php ?? 'php'
  return {
    name: 'laravel',
    parse: parseJsonState,
    hasPending: (variable) => raw(`[[ "$${variable}" != *'"pending":[]'* ]]`),
    state: () => cmd(php, '-r', LARAVEL_PHP, 'state'),
    ...(options.run ? {} : { runTracked: (marker: string) => cmd(php, '-r', LARAVEL_PHP, 'migrate', marker) }),
    run: () => (options.run ? raw(options.run) : cmd(php, 'artisan', 'migrate', '--force', '--no-interaction')),
    stepBack(names: string[], batch: number, state: MigrationState): Command {
      return supportsBatchRollback(state.version)
        ? cmd(php, 'artisan', 'migrate:rollback', `--batch=${batch}`, '--force', '--no-interaction')
        : cmd(php, 'artisan', 'migrate:rollback', `--step=${names.length}`, '--force', '--no-interaction')
    }
  }
}
