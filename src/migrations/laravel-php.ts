/**
 * The PHP that Slipway runs in a Laravel release (php -r) to read the `migrations` table and
 * inspect migration classes. It boots the app with its own config, so it sees the same database
 * `php artisan migrate` uses, on any Laravel version. Output: one JSON line.
 *
 * Prints {version, driver, ran: [[name, batch]...], pending: [names], undo: {name: "ok"|"none"|"empty"}}
 * where `undo` says, for each applied migration whose file is in this release, whether its down() can undo it.
 */
export const LARAVEL_PHP = String.raw`
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
require getcwd() . '/vendor/autoload.php';
$app = require getcwd() . '/bootstrap/app.php';
$app->make(Illuminate\Contracts\Console\Kernel::class)->bootstrap();
$db = $app['db']->connection();
$dir = $app->databasePath('migrations');
$files = [];
foreach (glob($dir . '/*.php') as $f) { $files[basename($f, '.php')] = $f; }
ksort($files);
$ran = [];
if ($db->getSchemaBuilder()->hasTable('migrations')) {
  foreach ($db->table('migrations')->orderBy('batch')->orderBy('migration')->get() as $row) { $ran[] = [$row->migration, (int) $row->batch]; }
}
$done = array_column($ran, 0);
$pending = array_values(array_diff(array_keys($files), $done));
$undo = [];
foreach ($done as $name) {
  if (!isset($files[$name])) { continue; }
  $before = get_declared_classes();
  $obj = require_once $files[$name];
  if (!is_object($obj)) {
    $path = realpath($files[$name]);
    $new = array_values(array_filter(array_diff(get_declared_classes(), $before), function ($c) use ($path) { return (new ReflectionClass($c))->getFileName() === $path; }));
    $class = $new ? $new[0] : Illuminate\Support\Str::studly(implode('_', array_slice(explode('_', $name), 4)));
    if (!class_exists($class)) { continue; }
    $r = new ReflectionClass($class);
  } else {
    $r = new ReflectionClass($obj);
  }
  if (!$r->hasMethod('down') || $r->getMethod('down')->getDeclaringClass()->getName() !== $r->getName()) { $undo[$name] = 'none'; continue; }
  $m = $r->getMethod('down');
  $src = implode('', array_slice(file($m->getFileName()), $m->getStartLine() - 1, $m->getEndLine() - $m->getStartLine() + 1));
  $body = substr($src, strpos($src, '{') + 1, strrpos($src, '}') - strpos($src, '{') - 1);
  $body = preg_replace('~//[^\n]*|#[^\n]*|/\*.*?\*/~s', '', $body);
  $undo[$name] = trim($body) === '' ? 'empty' : 'ok';
}
echo json_encode(['version' => $app->version(), 'driver' => $db->getDriverName(), 'ran' => $ran, 'pending' => $pending, 'undo' => $undo]), "\n";
`
