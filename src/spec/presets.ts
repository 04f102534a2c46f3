/** Presets: framework defaults applied under what the spec sets itself. */

type Plain = Record<string, unknown>

/**
 * Builds the caches before the switch, in the new release. Where `optimize` takes `--except` (Laravel 11.x+)
 * it is the one command that caches config, routes, events and what packages register; views are left out
 * because `view:cache` first clears the compiled views in the shared storage the live release is using.
 * Without `--except` (Laravel 8-10, early 11): config:cache and route:cache, as `optimize` did up to 10.
 * Decided on the host, by the release's own framework: {@link hasOption} asks its OptimizeCommand.
 */
export const LARAVEL_CACHE = `if ${hasOption('OptimizeCommand', 'except')}; then php artisan optimize --except=views; else php artisan config:cache && php artisan route:cache; fi`

/**
 * Restarts what runs the old code: `php artisan reload` where the release's framework has it (Laravel 12.41+:
 * queue workers, the scheduler and what packages register), else `php artisan queue:restart`. Decided on the host.
 */
export const LARAVEL_RELOAD = `if ${hasCommand('ReloadCommand')}; then php artisan reload; else php artisan queue:restart; fi`

/** The build step that installs the release's Composer dependencies (only when it has a composer.json). */
export const COMPOSER_INSTALL = 'if [ -f composer.json ]; then composer install --no-dev --optimize-autoloader --no-interaction --prefer-dist; fi'

/**
 * The Laravel defaults a Laravel team expects; every key can be overridden in the spec.
 * Caches are built in the new release before the switch ({@link LARAVEL_CACHE}): artisan writes them in place,
 * so building them after the switch (or clearing them in the restored release on rollback) lets a request
 * read a half-written or vanishing file (bench/zero-downtime measured lost requests that way). View caches
 * are left to Blade's lazy compile.
 */
export function laravelPreset(spec: Plain): Plain {
  const reload = typeof spec.php_fpm_reload === 'string' ? [spec.php_fpm_reload] : []
  return {
    shared: { files: ['.env'], dirs: ['storage'] },
    writable: ['storage', 'bootstrap/cache'],
    build: [COMPOSER_INSTALL, LARAVEL_CACHE],
    migrate: { preset: 'laravel' },
    activate: [LARAVEL_RELOAD, ...reload],
    rollback_hooks: ['php artisan cache:clear', LARAVEL_RELOAD, ...reload]
  }
}

/**
 * Probes of the release's framework that load its autoloader only: a few tens of milliseconds, where asking
 * artisan (`optimize --help`, `list`) boots the whole application, a few hundred. A command's options are built
 * by its constructor, which needs no application. Each exits 0 for yes.
 */
function hasOption(command: string, option: string): string {
  return `php -r 'require "vendor/autoload.php"; exit((new Illuminate\\Foundation\\Console\\${command})->getDefinition()->hasOption("${option}") ? 0 : 1);'`
}

function hasCommand(command: string): string {
  return `php -r 'require "vendor/autoload.php"; exit(class_exists(Illuminate\\Foundation\\Console\\${command}::class) ? 0 : 1);'`
}

/** Fills keys the spec leaves out from its preset (objects key by key, lists and scalars whole). */
export function applyPreset(spec: Plain): Plain {
  if (spec.preset !== 'laravel') return spec
  const preset = laravelPreset(spec)
  const out: Plain = { ...spec }
  for (const [key, value] of Object.entries(preset)) {
    const own = out[key]
    if (own === undefined) out[key] = value
    else if (isObject(own) && isObject(value)) out[key] = { ...value, ...own }
  }
  return out
}

function isObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
