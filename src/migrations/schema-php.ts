/**
 * The PHP half of the schema snapshot, appended to the Laravel probe (laravel-php.ts): `slipway_schema($db, $count)`
 * reads the tables, columns (type, nullability, default), indexes and foreign keys of the app's own connection — from
 * sqlite_master and its pragmas on SQLite, information_schema and pg_catalog on PostgreSQL, information_schema on
 * MySQL/MariaDB — as {driver, tables: {name: {rows?, columns, indexes, foreign_keys}}} (the `Schema` type in
 * schema.ts). Rows are counted only in tables not named in `$count` (the tables a failed migration added), so a
 * snapshot never scans the live tables. A snapshot that cannot be read is {driver, error}. No decision is taken here:
 * the runner compares snapshots (schema.ts) and sends the statements to run (`slipway_exec`).
 */
export const SCHEMA_PHP = String.raw`
function slipway_schema_sql($d) {
  if ($d === 'sqlite') { return [
    "select name as t from sqlite_master where type = 'table' and name not like 'sqlite_%'",
    "select m.name as t, p.name as c, p.type as type, p.\"notnull\" = 0 as n, p.dflt_value as def from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and m.name not like 'sqlite_%' order by m.name, p.cid",
    "select m.name as t, l.name as i, l.\"unique\" as u, l.origin <> 'c' as k, f.name as c from sqlite_master m join pragma_index_list(m.name) l join pragma_index_info(l.name) f where m.type = 'table' and m.name not like 'sqlite_%' order by m.name, l.name, f.seqno",
    "select m.name as t, '(' || group_concat(f.\"from\") || ') ' || f.\"table\" as i, group_concat(f.\"from\") as c, f.\"table\" as rt, group_concat(f.\"to\") as rc from sqlite_master m join pragma_foreign_key_list(m.name) f where m.type = 'table' and m.name not like 'sqlite_%' group by m.name, f.id order by m.name, f.id"]; }
  if ($d === 'pgsql') { return [
    "select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    "select c.table_name as t, c.column_name as c, c.data_type || coalesce('(' || c.character_maximum_length || ')', '') as type, c.is_nullable = 'YES' as n, c.column_default as def from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE' where c.table_schema = current_schema() order by c.table_name, c.ordinal_position",
    "select t.relname as t, i.relname as i, x.indisunique as u, exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = t.oid and k.contype in ('p', 'u', 'x')) as k, coalesce(a.attname, 'expression') as c from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace cross join lateral unnest(x.indkey::int2[]) with ordinality as u(num, ord) left join pg_attribute a on a.attrelid = t.oid and a.attnum = u.num where n.nspname = current_schema() order by t.relname, i.relname, u.ord",
    "select t.relname as t, k.conname as i, a.attname as c, r.relname as rt, ra.attname as rc from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = k.connamespace join pg_class r on r.oid = k.confrelid cross join lateral unnest(k.conkey, k.confkey) with ordinality as u(a1, a2, ord) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.a1 join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = u.a2 where k.contype = 'f' and n.nspname = current_schema() order by t.relname, k.conname, u.ord"]; }
  return [
    "select table_name as t from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'",
    "select table_name as t, column_name as c, column_type as type, is_nullable = 'YES' as n, column_default as def from information_schema.columns where table_schema = database() order by table_name, ordinal_position",
    "select table_name as t, index_name as i, non_unique = 0 as u, index_name = 'PRIMARY' as k, column_name as c from information_schema.statistics where table_schema = database() order by table_name, index_name, seq_in_index",
    "select table_name as t, constraint_name as i, column_name as c, referenced_table_name as rt, referenced_column_name as rc from information_schema.key_column_usage where table_schema = database() and referenced_table_name is not null order by table_name, constraint_name, ordinal_position"];
}
function slipway_quote($d, $name) { $q = in_array($d, ['mysql', 'mariadb'], true) ? '${'`'}' : '"'; return $q . str_replace($q, $q . $q, $name) . $q; }
function slipway_schema($db, $count = null) {
  $d = $db->getDriverName();
  try {
    $rows = [];
    foreach (slipway_schema_sql($d) as $sql) { $rows[] = array_map(function ($r) { return array_change_key_case((array) $r); }, $db->select($sql)); }
    [$tables, $columns, $indexes, $fks] = $rows;
    $s = [];
    foreach ($tables as $r) { $s[$r['t']] = ['columns' => new stdClass(), 'indexes' => new stdClass(), 'foreign_keys' => new stdClass()]; }
    foreach ($columns as $r) { if (isset($s[$r['t']])) { $s[$r['t']]['columns']->{$r['c']} = ['type' => (string) $r['type'], 'nullable' => (bool) $r['n'], 'default' => $r['def'] === null ? null : (string) $r['def']]; } }
    foreach ($indexes as $r) {
      if (!isset($s[$r['t']])) { continue; }
      $i = $s[$r['t']]['indexes']->{$r['i']} ?? ['columns' => [], 'unique' => (bool) $r['u'], 'constraint' => (bool) $r['k']];
      $i['columns'][] = (string) $r['c'];
      $s[$r['t']]['indexes']->{$r['i']} = $i;
    }
    foreach ($fks as $r) {
      if (!isset($s[$r['t']])) { continue; }
      $f = $s[$r['t']]['foreign_keys']->{$r['i']} ?? ['columns' => [], 'table' => $r['rt'], 'references' => []];
      foreach (explode(',', (string) $r['c']) as $c) { $f['columns'][] = $c; }
      foreach (explode(',', (string) $r['rc']) as $c) { $f['references'][] = $c; }
      $s[$r['t']]['foreign_keys']->{$r['i']} = $f;
    }
    if ($count !== null) {
      foreach (array_diff(array_keys($s), $count) as $t) { $s[$t]['rows'] = (int) $db->selectOne('select count(*) as n from ' . slipway_quote($d, $t))->n; }
    }
    ksort($s);
    return ['driver' => $d, 'tables' => (object) $s];
  } catch (Throwable $e) {
    return ['driver' => $d, 'error' => get_class($e) . ': ' . $e->getMessage()];
  }
}
function slipway_exec($db, $prefix, $statements) {
  foreach ($statements as $i => $sql) {
    try { $db->statement($sql); echo $prefix, "ok $i\n"; }
    catch (Throwable $e) { echo $prefix, "failed $i ", base64_encode($e->getMessage()), "\n"; }
  }
}
`
