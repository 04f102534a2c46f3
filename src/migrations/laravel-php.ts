import { SCHEMA_PHP } from './schema-php.js'

/**
 * The PHP that Slipway runs in a Laravel release (php -r) to read the `migrations` table and inspect
 * migration classes. It boots the app with its own config, so it sees the same database artisan uses.
 *
 *   php -r CODE state            prints the state as one JSON line
 *   php -r CODE point-restore FILE TABLES PREFIX   restores a built-in restore point (point-php.ts)
 *   php -r CODE migrate BEFORE AFTER [POINT PREFIX]   with POINT (a path without extension), takes a restore point there
 *                                when something is pending, before migrating, and prints it after PREFIX; then prints BEFORE.state (BEFORE is the data-line prefix), runs Laravel's own `migrate --force`
 *                                in the same process (one framework boot, not three) when something is
 *                                pending, prints AFTER.state, and exits with migrate's code (prefixes from src/commands/protocol.ts);
 *                                with SCHEMA, a prefix too, it also prints the schema before migrating
 *                                (`SCHEMA before <json>`) and, when migrate fails, the schema as the failed
 *                                migration started (`start`) and as it left it (`after`)
 *   php -r CODE schema PREFIX LABEL    prints `PREFIX LABEL <json>`, the schema now (schema-php.ts)
 *   php -r CODE exec PREFIX SQL...     runs each statement, printing `PREFIX ok <i>` or `PREFIX failed <i> <base64 message>`
 *   php -r CODE rollback-batch B       steps back what of batch B is applied (B the newest, else exits 1; nothing when none is)
 *
 * Boots the Laravel 8-10 layout (bootstrap/app.php binds App\Console\Kernel) and the 11+ one
 * (Application::configure()->create(), no console Kernel class of the app's own) the same way: through the
 * Console Kernel contract. A release without vendor/autoload.php or bootstrap/app.php exits 3 with a
 * `slipway: vendor/autoload.php is missing in the release: run composer install in build (in <dir>)` line on stderr instead of a PHP fatal error.
 *
 * A state is {version, driver, ran: [[name, batch]...], pending: [names], undo: {name: "ok"|"none"|"empty"}}
 * where `undo` says, for each migration file in this release (applied or pending), whether its down() can undo it.
 */
export const LARAVEL_PHP = String.raw`${SCHEMA_PHP}
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
foreach (['vendor/autoload.php' => 'run composer install in build', 'bootstrap/app.php' => 'check source.dir and source.exclude in the spec'] as $need => $fix) {
  if (!is_file(getcwd() . '/' . $need)) { fwrite(STDERR, "slipway: $need is missing in the release: $fix (in " . getcwd() . ")\n"); exit(3); }
}
require getcwd() . '/vendor/autoload.php';
$app = require getcwd() . '/bootstrap/app.php';
if (!$app instanceof Illuminate\Foundation\Application) { fwrite(STDERR, "slipway: bootstrap/app.php did not return the application (Laravel 8-10: return \$app; 11+: Application::configure(...)->create())\n"); exit(3); }
$kernel = $app->make(Illuminate\Contracts\Console\Kernel::class);
$kernel->bootstrap();
function slipway_class($name, $file) {
  static $seen = [];
  if (isset($seen[$name])) { return $seen[$name]; }
  if (preg_match('/return\s+new\s+class\b/', file_get_contents($file))) { return $seen[$name] = new ReflectionClass(require $file); }
  $class = Illuminate\Support\Str::studly(implode('_', array_slice(explode('_', $name), 4)));
  if (!class_exists($class, false)) { require_once $file; }
  return $seen[$name] = class_exists($class, false) ? new ReflectionClass($class) : null;
}
function slipway_undo(ReflectionClass $r) {
  if (!$r->hasMethod('down') || $r->getMethod('down')->getDeclaringClass()->getName() !== $r->getName()) { return 'none'; }
  $m = $r->getMethod('down');
  $src = implode('', array_slice(file($m->getFileName()), $m->getStartLine() - 1, $m->getEndLine() - $m->getStartLine() + 1));
  $body = substr($src, strpos($src, '{') + 1, strrpos($src, '}') - strpos($src, '{') - 1);
  $body = preg_replace('~//[^\n]*|#[^\n\[]*|/\*.*?\*/~s', '', $body);
  return trim($body) === '' ? 'empty' : 'ok';
}
function slipway_state($app) {
  $db = $app['db']->connection();
  $files = [];
  foreach (glob($app->databasePath('migrations') . '/*.php') as $f) { $files[basename($f, '.php')] = $f; }
  ksort($files);
  $ran = [];
  if ($db->getSchemaBuilder()->hasTable('migrations')) {
    foreach ($db->table('migrations')->orderBy('batch')->orderBy('migration')->get() as $row) { $ran[] = [$row->migration, (int) $row->batch]; }
  }
  $done = array_column($ran, 0);
  $undo = [];
  foreach ($files as $name => $file) {
    $r = slipway_class($name, $file);
    if ($r) { $undo[$name] = slipway_undo($r); }
  }
  return ['version' => $app->version(), 'driver' => $db->getDriverName(), 'ran' => $ran, 'pending' => array_values(array_diff(array_keys($files), $done)), 'undo' => $undo];
}
if (($argv[1] ?? '') === 'point-restore') { exit(slipway_restore($app, $argv)); }
if (($argv[1] ?? 'state') === 'state') { echo json_encode(slipway_state($app)), "\n"; exit(0); }
if ($argv[1] === 'schema') { echo $argv[2], $argv[3], ' ', json_encode(slipway_schema($app['db']->connection())), "\n"; exit(0); }
if ($argv[1] === 'exec') { slipway_exec($app['db']->connection(), $argv[2], array_slice($argv, 3)); exit(0); }
if ($argv[1] === 'rollback-batch') {
  $db = $app['db']->connection();
  $batch = (int) $argv[2];
  $newest = $db->getSchemaBuilder()->hasTable('migrations') ? (int) $db->table('migrations')->max('batch') : 0;
  if ($newest > $batch) { fwrite(STDERR, "slipway: batch $batch is not the newest ($newest): not stepped back\n"); exit(1); }
  $count = $newest === $batch ? $db->table('migrations')->where('batch', $batch)->count() : 0;
  if ($count === 0) { echo "nothing of batch $batch is applied\n"; exit(0); }
  exit($kernel->call('migrate:rollback', ['--step' => $count, '--force' => true], new Symfony\Component\Console\Output\ConsoleOutput()));
}
$before_prefix = $argv[2];
$after_prefix = $argv[3];
$schema_prefix = ($argv[4] ?? '') !== '' ? $argv[4] : null;
$before = slipway_state($app);
echo $before_prefix, json_encode($before), "\n";
$code = 0;
if ($before['pending'] && ($argv[5] ?? '') !== '') {
  try { echo $argv[6], json_encode(slipway_point($app['db']->connection(), $argv[5])), "\n"; }
  catch (Throwable $e) { echo $argv[6], json_encode(['error' => get_class($e) . ': ' . $e->getMessage()]), "\n"; echo $after_prefix, json_encode($before), "\n"; exit(4); }
}
if ($before['pending']) {
  $start = null;
  if ($schema_prefix !== null) {
    echo $schema_prefix, 'before ', json_encode(slipway_schema($app['db']->connection())), "\n";
    $app['events']->listen(Illuminate\Database\Events\MigrationStarted::class, function () use ($app, &$start) { $start = slipway_schema($app['db']->connection()); });
  }
  try {
    $code = $kernel->call('migrate', ['--force' => true], new Symfony\Component\Console\Output\ConsoleOutput());
  } catch (Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
    $code = 1;
  }
  $app['db']->purge();
  if ($code !== 0 && $start !== null) {
    echo $schema_prefix, 'start ', json_encode($start), "\n";
    echo $schema_prefix, 'after ', json_encode(slipway_schema($app['db']->connection(), isset($start['tables']) ? array_keys((array) $start['tables']) : null)), "\n";
  }
  echo $after_prefix, json_encode(slipway_state($app)), "\n";
} else {
  echo $after_prefix, json_encode($before), "\n";
}
exit($code);
`
