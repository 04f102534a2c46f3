/**
 * The PHP helper that --verify runs with the app's PHP: `php slipway-db.php create|drop|snapshot`.
 * Connection settings come from SLIPWAY_DB (JSON: driver, database, host, port, username, password, scratch).
 * `snapshot` prints the schema as sorted lines, one per column, index and foreign key, the `migrations` table left out.
 */
export const DB_SCRIPT = String.raw`<?php
$c = json_decode(getenv('SLIPWAY_DB'), true);
$action = $argv[1] ?? 'snapshot';
function connect(array $c, ?string $db) {
    $o = [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC];
    if ($c['driver'] === 'sqlite') return new PDO('sqlite:' . $c['database'], null, null, $o);
    $dsn = $c['driver'] === 'pgsql'
        ? "pgsql:host={$c['host']};port={$c['port']};dbname=" . ($db ?? 'postgres')
        : "mysql:host={$c['host']};port={$c['port']}" . ($db === null ? '' : ";dbname=$db");
    return new PDO($dsn, $c['username'], $c['password'], $o);
}
$q = fn ($s) => $c['driver'] === 'mysql' ? chr(96) . $s . chr(96) : '"' . $s . '"';
if ($action === 'create' || $action === 'drop') {
    $pdo = connect($c, $c['driver'] === 'pgsql' ? ($c['admin'] ?? 'postgres') : null);
    $pdo->exec(($action === 'create' ? 'CREATE DATABASE ' : 'DROP DATABASE IF EXISTS ') . $q($c['database']));
    exit(0);
}
$pdo = connect($c, $c['database']);
$lines = [];
if ($c['driver'] === 'sqlite') {
    $norm = function ($v) { if ($v === null || strtoupper($v) === 'NULL') return 'none'; return trim($v, "'\""); };
    foreach ($pdo->query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'") as $t) {
        $n = $t['name'];
        foreach ($pdo->query("PRAGMA table_info(\"$n\")") as $col) {
            $type = strtolower(preg_replace('/\s*\(.*\)$/', '', $col['type']));
            $lines[] = "$n: column {$col['name']} $type" . ($col['notnull'] ? ' not null' : ' null') . ' default ' . $norm($col['dflt_value']) . ($col['pk'] ? ' primary key' : '');
        }
        foreach ($pdo->query("PRAGMA index_list(\"$n\")") as $ix) {
            if ($ix['origin'] === 'pk') continue;
            $cols = array_map(fn ($r) => $r['name'], $pdo->query("PRAGMA index_info(\"{$ix['name']}\")")->fetchAll());
            $name = str_starts_with($ix['name'], 'sqlite_autoindex_') ? 'auto' : $ix['name'];
            $lines[] = "$n: " . ($ix['unique'] ? 'unique ' : '') . "index $name (" . implode(', ', $cols) . ')';
        }
        foreach ($pdo->query("PRAGMA foreign_key_list(\"$n\")") as $fk) {
            $lines[] = "$n: foreign key ({$fk['from']}) references {$fk['table']} ({$fk['to']}) on delete " . strtolower($fk['on_delete']);
        }
    }
} elseif ($c['driver'] === 'pgsql') {
    foreach ($pdo->query("SELECT table_name, column_name, data_type, character_maximum_length AS len, is_nullable, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'migrations'") as $r) {
        $lines[] = "{$r['table_name']}: column {$r['column_name']} {$r['data_type']}" . ($r['len'] ? "({$r['len']})" : '') . ($r['is_nullable'] === 'NO' ? ' not null' : ' null') . ' default ' . ($r['column_default'] ?? 'none');
    }
    foreach ($pdo->query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'migrations'") as $r) {
        $lines[] = "{$r['tablename']}: index {$r['indexname']} " . preg_replace('/^.* USING /', 'using ', $r['indexdef']);
    }
    foreach ($pdo->query("SELECT c.conrelid::regclass::text AS t, c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() AND c.contype IN ('f', 'c', 'u', 'p', 'x')") as $r) {
        if ($r['t'] !== 'migrations') $lines[] = "{$r['t']}: constraint {$r['conname']} {$r['def']}";
    }
} else {
    foreach ($pdo->query("SELECT TABLE_NAME t, COLUMN_NAME c, COLUMN_TYPE ty, IS_NULLABLE n, COLUMN_DEFAULT d, EXTRA e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'") as $r) {
        $lines[] = "{$r['t']}: column {$r['c']} {$r['ty']}" . ($r['n'] === 'NO' ? ' not null' : ' null') . ' default ' . (($r['d'] === null || $r['d'] === 'NULL') ? 'none' : $r['d']) . ($r['e'] ? " {$r['e']}" : '');
    }
    foreach ($pdo->query("SELECT TABLE_NAME t, INDEX_NAME i, NON_UNIQUE nu, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') cols FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE") as $r) {
        $lines[] = "{$r['t']}: " . ($r['nu'] ? '' : 'unique ') . "index {$r['i']} ({$r['cols']})";
    }
    foreach ($pdo->query("SELECT TABLE_NAME t, CONSTRAINT_NAME n, COLUMN_NAME c, REFERENCED_TABLE_NAME rt, REFERENCED_COLUMN_NAME rc FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL") as $r) {
        $lines[] = "{$r['t']}: foreign key {$r['n']} ({$r['c']}) references {$r['rt']} ({$r['rc']})";
    }
}
sort($lines);
echo json_encode($lines), "\n";
`
