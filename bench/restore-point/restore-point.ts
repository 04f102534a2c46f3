/**
 * Restore point cost against a physical floor. The point is taken by the exact PHP a deploy runs (POINT_PHP's
 * slipway_point), given a stand-in for Laravel's connection (driver, config, PDO), so the framework's boot is left
 * out: what is measured is the backup itself, plus the row counts it records.
 *
 *   SQLite      floor: cp of the database file          point: SQLite3::backup into a new file, then rows counted in it
 *   PostgreSQL  floor: COPY of the table to /dev/null    point: pg_dump -Fc on an exported snapshot, rows counted in it
 *
 * Figures are printed, never asserted. The best of BENCH_RUNS (default 3) runs of each.
 */
import { execFileSync } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { POINT_PHP } from '../../src/migrations/point-php.js'

const work = process.env.BENCH_WORK ?? '/tmp'
const runs = Number(process.env.BENCH_RUNS ?? 3)
const mb = Number(process.env.BENCH_SQLITE_MB ?? 100)
const rows = Number(process.env.BENCH_PG_ROWS ?? 1_000_000)
const pg = ['-h', '127.0.0.1', '-U', 'postgres']

/** The stand-in connection and one call of slipway_point; prints its JSON. */
const HARNESS = String.raw`
class BenchDb {
  public $d; public $c; public $p;
  function __construct($driver, $config, $pdo) { $this->d = $driver; $this->c = $config; $this->p = $pdo; }
  function getDriverName() { return $this->d; }
  function getConfig() { return $this->c; }
  function getPdo() { return $this->p; }
}
[$driver, $config, $base] = [$argv[1], json_decode($argv[2], true), $argv[3]];
$dsn = $driver === 'sqlite' ? 'sqlite:' . $config['database'] : 'pgsql:host=' . $config['host'] . ';port=' . $config['port'] . ';dbname=' . $config['database'];
$pdo = new PDO($dsn, $config['username'] ?? null, $config['password'] ?? null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
echo json_encode(slipway_point(new BenchDb($driver, $config, $pdo), $base)), "\n";
`

function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t0) / 1e9
}

function best(fn: () => void): number {
  return Math.min(...Array.from({ length: runs }, () => seconds(fn)))
}

function point(driver: string, config: object, base: string): { size: number; ms: number; file: string } {
  const out = execFileSync('php', ['-r', POINT_PHP + HARNESS, driver, JSON.stringify(config), base], { encoding: 'utf8', maxBuffer: 1 << 24 })
  return JSON.parse(out.trim().split('\n').pop()!) as { size: number; ms: number; file: string }
}

/** The best of `runs` points: the time slipway_point measured itself (backup + row counts), and the whole php process. */
function points(driver: string, config: object, base: string): { ms: number; wall: number; size: number } {
  const all = Array.from({ length: runs }, () => {
    let p = { size: 0, ms: 0, file: '' }
    const wall = seconds(() => { p = point(driver, config, base) })
    return { ms: p.ms, wall, size: p.size }
  })
  return { ms: Math.min(...all.map((a) => a.ms)), wall: Math.min(...all.map((a) => a.wall)), size: all[0].size }
}

function report(name: string, floorName: string, floor: number, floorBytes: number, p: { ms: number; wall: number; size: number }): void {
  const took = p.ms / 1000
  console.log(`${name}: floor (${floorName}) ${floor.toFixed(2)} s, data ${(floorBytes / 1048576).toFixed(1)} MB; restore point ${took.toFixed(2)} s (the php process: ${p.wall.toFixed(2)} s), ${(p.size / 1048576).toFixed(1)} MB; time ×${(took / floor).toFixed(2)} the floor, size ×${(p.size / floorBytes).toFixed(2)} the data`)
}

function sqlite(): void {
  const db = join(work, 'bench.sqlite')
  const n = Math.round((mb * 1048576) / 1369) // about 1,369 bytes a row on disk
  execFileSync('sqlite3', [db, `pragma journal_mode=wal; create table items (id integer primary key, name text, body text); with recursive r(i) as (select 1 union all select i + 1 from r where i < ${n}) insert into items (name, body) select 'item ' || i, hex(randomblob(512)) from r;`])
  const size = statSync(db).size
  const floor = best(() => execFileSync('cp', [db, join(work, 'copy.sqlite')]))
  report(`SQLite, ${n} rows`, 'cp of the file', floor, size, points('sqlite', { database: db }, join(work, 'point-sqlite')))
}

function postgres(): void {
  const name = `slipway_bench_${Date.now()}`
  execFileSync('createdb', [...pg, name])
  try {
    execFileSync('psql', [...pg, '-d', name, '-qc', `create table items (id bigserial primary key, name text not null, price integer, created_at timestamptz default now()); insert into items (name, price) select 'item ' || i, i % 1000 from generate_series(1, ${rows}) i;`])
    execFileSync('psql', [...pg, '-d', name, '-qc', 'vacuum analyze items'])
    const bytes = Number(execFileSync('psql', [...pg, '-d', name, '-Atc', "select pg_total_relation_size('items')"], { encoding: 'utf8' }).trim())
    const floor = best(() => execFileSync('psql', [...pg, '-d', name, '-qc', '\\copy items to /dev/null']))
    const plain = best(() => execFileSync('pg_dump', [...pg, '-Fc', '--no-sync', '-f', '/dev/null', name]))
    report(`PostgreSQL, ${rows} rows`, 'COPY of the table to /dev/null', floor, bytes, points('pgsql', { host: '127.0.0.1', port: 5432, database: name, username: 'postgres', password: '' }, join(work, 'point-pg')))
    console.log(`  (pg_dump -Fc to /dev/null alone: ${plain.toFixed(2)} s, ×${(plain / floor).toFixed(2)} the floor)`)
  } finally {
    execFileSync('dropdb', [...pg, '--if-exists', name])
  }
}

writeFileSync(join(work, '.keep'), '')
console.log(`restore point bench: best of ${runs} runs each`)
sqlite()
postgres()
