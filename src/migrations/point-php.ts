/**
 * The PHP of the built-in restore points, appended to the Laravel probe (LARAVEL_PHP; PHP binds these top-level
 * functions before the probe's code runs). It reads the connection from the app's own config (the default
 * connection, as artisan migrate uses it) and never needs a `sqlite3` binary:
 *
 *   SQLite      SQLite3::backup (the online backup API: consistent while the app writes); rows counted in the copy
 *   PostgreSQL  pg_dump -Fc --snapshot=<exported snapshot>: rows counted in that same snapshot
 *   MariaDB     mysqldump --single-transaction --quick (mariadb-dump where installed); rows counted in a consistent
 *               snapshot taken just before the dump's own
 *
 * Restoring drops the tables the point does not hold (created since), then loads the point: SQLite3::backup onto
 * the live file, pg_restore --clean --if-exists --single-transaction, the dump piped to mysql. Rows are counted per
 * table just before and just after, so what the restore discards is counted, not assumed.
 */
export const POINT_PHP = String.raw`
function slipway_engine($driver) {
  return $driver === 'sqlite' ? 'sqlite' : ($driver === 'pgsql' ? 'pgsql' : (in_array($driver, ['mysql', 'mariadb'], true) ? 'mysql' : null));
}
function slipway_id($engine, $name) {
  $q = $engine === 'mysql' ? chr(96) : '"';
  return $q . str_replace($q, $q . $q, $name) . $q;
}
function slipway_counts(PDO $pdo, $engine) {
  $sql = $engine === 'sqlite' ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
    : ($engine === 'pgsql' ? 'select tablename from pg_tables where schemaname = current_schema() order by tablename'
    : "select table_name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' order by table_name");
  $out = [];
  foreach ($pdo->query($sql)->fetchAll(PDO::FETCH_COLUMN) as $t) { $out[$t] = (int) $pdo->query('select count(*) from ' . slipway_id($engine, $t))->fetchColumn(); }
  return $out;
}
function slipway_tool(array $names, $package) {
  foreach ($names as $n) { foreach (explode(':', getenv('PATH') ?: '/usr/bin:/bin') as $d) { if ($d !== '' && is_executable("$d/$n")) { return "$d/$n"; } } }
  throw new RuntimeException(implode(' or ', $names) . " is not installed on the host: install $package, or set db.restore_points: off in the spec");
}
function slipway_run_tool(array $cmd, array $env, $stdin = '/dev/null') {
  $p = proc_open($cmd, [0 => ['file', $stdin, 'r'], 1 => STDERR, 2 => STDERR], $pipes, null, array_merge(getenv(), $env));
  $code = proc_close($p);
  if ($code !== 0) { throw new RuntimeException(basename($cmd[0]) . " exited with $code"); }
}
function slipway_host(array $c, $default) { return is_array($c['host'] ?? null) ? $c['host'][0] : ($c['host'] ?? $default); }
function slipway_pg_env(array $c) {
  return ['PGHOST' => (string) slipway_host($c, '127.0.0.1'), 'PGPORT' => (string) ($c['port'] ?? 5432), 'PGUSER' => (string) ($c['username'] ?? ''), 'PGPASSWORD' => (string) ($c['password'] ?? ''), 'PGDATABASE' => (string) $c['database']];
}
function slipway_my_args(array $c) {
  $where = empty($c['unix_socket']) ? ['--host=' . slipway_host($c, '127.0.0.1'), '--port=' . ($c['port'] ?? 3306)] : ['--socket=' . $c['unix_socket']];
  return array_merge(['--user=' . ($c['username'] ?? 'root')], $where);
}
function slipway_sqlite_copy($from, $to, $fresh) {
  $src = new SQLite3($from, SQLITE3_OPEN_READONLY);
  $dst = new SQLite3($to);
  $src->busyTimeout(10000);
  $dst->busyTimeout(10000);
  if ($fresh) { $dst->exec('pragma journal_mode = off'); }
  if (!$src->backup($dst)) { throw new RuntimeException('SQLite3::backup failed: ' . $src->lastErrorMsg() . ' / ' . $dst->lastErrorMsg()); }
  $src->close();
  $dst->close();
}
function slipway_take($db, $engine, array $c, $file) {
  if ($engine === 'sqlite') { @unlink($file); slipway_sqlite_copy($c['database'], $file, true); return slipway_counts(new PDO('sqlite:' . $file), 'sqlite'); }
  $pdo = $db->getPdo();
  if ($engine === 'pgsql') {
    $pdo->exec('begin isolation level repeatable read');
    $snapshot = $pdo->query('select pg_export_snapshot()')->fetchColumn();
    try {
      $tables = slipway_counts($pdo, 'pgsql');
      slipway_run_tool([slipway_tool(['pg_dump'], 'postgresql-client'), '-Fc', '--no-owner', '--snapshot=' . $snapshot, '-f', $file], slipway_pg_env($c));
    } finally { $pdo->exec('commit'); }
    return $tables;
  }
  $pdo->exec('start transaction with consistent snapshot');
  $tables = slipway_counts($pdo, 'mysql');
  $pdo->exec('commit');
  $dump = slipway_tool(['mariadb-dump', 'mysqldump'], 'mariadb-client (or mysql-client)');
  slipway_run_tool(array_merge([$dump, '--single-transaction', '--quick', '--no-tablespaces', '--result-file=' . $file], slipway_my_args($c), [$c['database']]), ['MYSQL_PWD' => (string) ($c['password'] ?? '')]);
  return $tables;
}
function slipway_point($db, $base) {
  $engine = slipway_engine($db->getDriverName());
  if ($engine === null) { return ['skipped' => 'no built-in restore point for ' . $db->getDriverName() . ': set db.snapshot and db.restore in the spec']; }
  $c = $db->getConfig();
  $file = $base . '.' . ['sqlite' => 'sqlite', 'pgsql' => 'pgdump', 'mysql' => 'sql'][$engine];
  if (!is_dir(dirname($file)) && !mkdir(dirname($file), 0700, true)) { throw new RuntimeException('cannot create ' . dirname($file)); }
  $at = gmdate('Y-m-d\TH:i:s\Z');
  $t0 = microtime(true);
  $tables = slipway_take($db, $engine, $c, $file);
  clearstatcache();
  return ['engine' => $engine, 'file' => $file, 'size' => filesize($file), 'at' => $at, 'ms' => (int) round((microtime(true) - $t0) * 1000), 'tables' => (object) $tables];
}
function slipway_load($app, $engine, array $c, $file, array $keep, array $now) {
  if ($engine === 'sqlite') { $app['db']->purge(); slipway_sqlite_copy($file, $c['database'], false); return; }
  $pdo = $app['db']->connection()->getPdo();
  if ($engine === 'mysql') { $pdo->exec('set foreign_key_checks = 0'); }
  foreach (array_diff(array_keys($now), $keep) as $t) { $pdo->exec('drop table if exists ' . slipway_id($engine, $t) . ($engine === 'pgsql' ? ' cascade' : '')); }
  if ($engine === 'pgsql') { slipway_run_tool([slipway_tool(['pg_restore'], 'postgresql-client'), '--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '-d', $c['database'], $file], slipway_pg_env($c)); return; }
  $pdo->exec('set foreign_key_checks = 1');
  slipway_run_tool(array_merge([slipway_tool(['mariadb', 'mysql'], 'mariadb-client (or mysql-client)')], slipway_my_args($c), [$c['database']]), ['MYSQL_PWD' => (string) ($c['password'] ?? '')], $file);
}
function slipway_restore($app, $argv) {
  try {
    [$file, $keep, $prefix] = [$argv[2], json_decode($argv[3], true) ?: [], $argv[4]];
    $db = $app['db']->connection();
    $engine = slipway_engine($db->getDriverName());
    if ($engine === null) { throw new RuntimeException('no built-in restore for ' . $db->getDriverName()); }
    if (!is_file($file)) { throw new RuntimeException("the restore point $file is not on the host"); }
    $t0 = microtime(true);
    $before = slipway_counts($db->getPdo(), $engine);
    slipway_load($app, $engine, $db->getConfig(), $file, $keep, $before);
    $app['db']->purge();
    $after = slipway_counts($app['db']->connection()->getPdo(), $engine);
    echo $prefix, json_encode(['ok' => true, 'engine' => $engine, 'before' => (object) $before, 'after' => (object) $after, 'ms' => (int) round((microtime(true) - $t0) * 1000)]), "\n";
    return 0;
  } catch (Throwable $e) {
    echo $argv[4], json_encode(['ok' => false, 'error' => get_class($e) . ': ' . $e->getMessage()]), "\n";
    return 1;
  }
}
`
