/** Presets: framework defaults applied under what the spec sets itself. */

type Plain = Record<string, unknown>

/**
 * The Laravel defaults a Laravel team expects; every key can be overridden in the spec.
 * Config and route caches are built in the new release before the switch: artisan writes them in place,
 * so building them after the switch (or clearing them in the restored release on rollback) lets a request
 * read a half-written or vanishing file (bench/zero-downtime measured lost requests that way). View caches
 * are left to Blade's lazy compile: `view:cache` first clears the compiled views in the shared storage the
 * live release is using.
 */
export function laravelPreset(spec: Plain): Plain {
  const reload = typeof spec.php_fpm_reload === 'string' ? [spec.php_fpm_reload] : []
  return {
    shared: { files: ['.env'], dirs: ['storage'] },
    writable: ['storage', 'bootstrap/cache'],
    build: [
      'if [ -f composer.json ]; then composer install --no-dev --optimize-autoloader --no-interaction --prefer-dist; fi',
      'php artisan config:cache',
      'php artisan route:cache'
    ],
    migrate: { preset: 'laravel' },
    activate: ['php artisan queue:restart', ...reload],
    rollback_hooks: ['php artisan cache:clear', 'php artisan queue:restart', ...reload]
  }
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
